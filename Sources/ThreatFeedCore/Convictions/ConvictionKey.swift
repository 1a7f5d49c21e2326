/// One conviction as ETD gives it: a message and the verdict it carries. Each is processed once;
/// a later, different verdict on the same message is a new key.
public struct ConvictionKey: Hashable, Sendable, Codable, CustomStringConvertible {
    public var messageID: String
    public var verdict: String

    public init(messageID: String, verdict: String) {
        self.messageID = messageID
        self.verdict = verdict
    }

    public var description: String { "\(messageID)/\(verdict)" }
}
