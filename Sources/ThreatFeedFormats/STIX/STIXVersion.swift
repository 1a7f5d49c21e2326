/// The STIX 1.x versions we render. The gateway reads both (reference/taxii11-esa.md §1.1);
/// their packages differ only in `version` (and a package `timestamp` for 1.1.1, which 1.2
/// deprecated): same namespaces, same Indicator schema order.
public enum STIXVersion: String, Sendable, Hashable, CaseIterable {
    case v1_1_1 = "1.1.1"
    case v1_2 = "1.2"

    /// The TAXII content binding id of this version.
    public var contentBinding: String { "urn:stix.mitre.org:xml:" + rawValue }

    /// The version a content binding id names; nil for bindings we do not render.
    public init?(contentBinding: String) {
        guard let version = STIXVersion.allCases.first(where: { $0.contentBinding == contentBinding }) else { return nil }
        self = version
    }

    /// Every binding we can serve, newest first: for Collection_Information and SUPPORTED_CONTENT.
    public static var contentBindings: [String] { allCases.reversed().map(\.contentBinding) }
}
