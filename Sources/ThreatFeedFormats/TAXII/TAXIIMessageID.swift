import ThreatFeedCore

/// `message_id`s for our responses: random UUIDs, as cabby sends (the schema wants an anyURI,
/// unique per sender; nothing parses it).
public enum TAXIIMessageID {
    public static func random() -> String { RandomUUID.v4() }

    /// `in_response_to` for a request whose own id could not be read (what OpenTAXII sends too).
    public static let unknownRequest = "0"
}
