/// A requested content binding: `<Content_Binding binding_id="…"><Subtype subtype_id="…"/></Content_Binding>`.
public struct TAXIIContentBinding: Sendable, Hashable {
    /// e.g. `urn:stix.mitre.org:xml:1.2`.
    public var bindingID: String
    /// The one subtype the schema allows; nil means every subtype.
    public var subtype: String?

    public init(bindingID: String, subtype: String? = nil) {
        self.bindingID = bindingID
        self.subtype = subtype
    }
}
