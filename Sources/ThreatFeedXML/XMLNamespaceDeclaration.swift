/// An `xmlns[:prefix]="uri"` written on an element. Kept so that QName-valued content
/// (`xsi:type="indicator:IndicatorType"`) can be resolved against the declarations in scope.
public struct XMLNamespaceDeclaration: Sendable, Hashable {
    /// Nil for the default namespace (`xmlns="…"`).
    public let prefix: String?
    public let uri: String

    public init(prefix: String?, uri: String) {
        self.prefix = prefix
        self.uri = uri
    }
}
