/// TAXII 1.1 identifiers as they appear on the wire (reference/taxii11-esa.md §2.1).
public enum TAXII11 {
    /// The XML namespace of every TAXII 1.1 message.
    public static let namespace = "http://taxii.mitre.org/messages/taxii_xml_binding-1.1"
    /// TAXII 1.0's namespace: recognised only to say "wrong version" precisely.
    public static let namespace10 = "http://taxii.mitre.org/messages/taxii_xml_binding-1"
    /// The prefix our writers use, as libtaxii does.
    static let prefix = "taxii_11"

    /// `X-TAXII-Content-Type` / `X-TAXII-Accept` and `Message_Binding` value.
    public static let messageBinding = "urn:taxii.mitre.org:message:xml:1.1"
    /// `X-TAXII-Services` and `service_version` value.
    public static let servicesVersion = "urn:taxii.mitre.org:services:1.1"
    /// `X-TAXII-Protocol` / `Protocol_Binding` values.
    public static let protocolHTTP = "urn:taxii.mitre.org:protocol:http:1.0"
    public static let protocolHTTPS = "urn:taxii.mitre.org:protocol:https:1.0"
    /// `format_id` of the TAXII Default Query, for `SUPPORTED_QUERY` details.
    public static let defaultQueryFormat = "urn:taxii.mitre.org:query:default:1.0"
    /// The HTTP `Content-Type` of requests and responses.
    public static let httpContentType = "application/xml"

    /// The headers every TAXII response needs (reference §2.2): without `X-TAXII-Content-Type`
    /// cabby rejects the answer. `https` names the protocol binding the request came over.
    public static func responseHeaders(https: Bool) -> [(name: String, value: String)] {
        [
            ("Content-Type", httpContentType),
            ("X-TAXII-Content-Type", messageBinding),
            ("X-TAXII-Protocol", https ? protocolHTTPS : protocolHTTP),
            ("X-TAXII-Services", servicesVersion),
        ]
    }

    /// XML Signature namespace: `ds:Signature` may close any TAXII message; we ignore it.
    static let signatureNamespace = "http://www.w3.org/2000/09/xmldsig#"
}
