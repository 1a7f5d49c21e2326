import ThreatFeedXML

/// The start tag every TAXII 1.1 message we write begins with: the namespace declaration,
/// then `message_id` and `in_response_to` first, as the schema and the fixtures order them.
enum TAXIIMessageStart {
    static func write(
        _ name: String,
        messageID: String,
        inResponseTo: String,
        attributes: [(String, String)] = [],
        into writer: inout XMLWriter
    ) {
        writer.startElement(TAXIIMessageStart.qualified(name))
        writer.attribute("xmlns:" + TAXII11.prefix, TAXII11.namespace)
        writer.attribute("message_id", messageID)
        writer.attribute("in_response_to", inResponseTo)
        for (key, value) in attributes { writer.attribute(key, value) }
    }

    /// `taxii_11:name`.
    static func qualified(_ name: String) -> String { TAXII11.prefix + ":" + name }
}
