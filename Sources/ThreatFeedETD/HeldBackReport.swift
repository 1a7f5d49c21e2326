import Foundation
import ThreatFeedCore

/// `threatfeed etd held-back`: each value the safety policy kept out of the feed, with its reason
/// and the conviction it came from. One shape for `--json` and the text.
public struct HeldBackReport: Codable, Sendable, Equatable {
    public struct Entry: Codable, Sendable, Equatable {
        public var reason: String
        public var kind: String
        public var type: String?
        public var value: String
        /// When the policy held it back (for `ended_live`: when it ended the published judgement).
        public var heldBackAt: String
        public var endedLive: Bool
        public var messageID: String
        public var verdict: String
        public var messageTime: String
        public var subject: String?
        public var from: String?
        public var returnPath: String?

        enum CodingKeys: String, CodingKey {
            case reason, kind, type, value
            case heldBackAt = "held_back_at"
            case endedLive = "ended_live"
            case messageID = "message_id"
            case verdict
            case messageTime = "message_time"
            case subject, from
            case returnPath = "return_path"
        }

        init(_ entry: HeldBackEntry) {
            reason = entry.reason.rawValue
            kind = entry.kind
            type = entry.type?.rawValue
            value = entry.value
            heldBackAt = Timestamps.iso8601Milli(entry.decided)
            endedLive = entry.endedLive
            messageID = entry.messageID
            verdict = entry.verdict
            messageTime = Timestamps.iso8601Milli(entry.messageTime)
            subject = entry.subject
            from = entry.fromAddress
            returnPath = entry.returnPath
        }
    }

    public var since: String
    public var reason: String?
    /// Counts of the listed entries by reason.
    public var counts: [String: Int]
    public var entries: [Entry]
    /// More entries matched than `limit`; the newest are listed.
    public var truncated: Bool

    /// `entries` as the store returned them (newest first, up to limit + 1).
    public init(entries: [HeldBackEntry], since: Date, reason: HoldBackReason?, limit: Int) {
        self.since = Timestamps.iso8601Milli(since)
        self.reason = reason?.rawValue
        truncated = entries.count > limit
        self.entries = entries.prefix(limit).map(Entry.init)
        counts = Dictionary(self.entries.map { ($0.reason, 1) }, uniquingKeysWith: +)
    }

    public var text: String {
        var lines: [String] = []
        let filter = reason.map { " with reason \($0)" } ?? ""
        if entries.isEmpty {
            return "No values held back since \(since)\(filter)."
        }
        lines.append("\(entries.count) value(s) held back since \(since)\(filter)\(truncated ? " (newest shown; more with --limit)" : ""):")
        lines.append(counts.sorted { $0.key < $1.key }.map { "  \($0.key): \($0.value)" }.joined(separator: "\n"))
        lines.append("")
        for entry in entries {
            let value = ReportText.escaped(entry.value)
            let ended = entry.endedLive ? " (was published; judgement ended)" : ""
            lines.append("\(entry.heldBackAt)  \(entry.reason)  \(entry.kind) \(value)\(ended)")
            var message = "    message \(ReportText.escaped(entry.messageID)) (\(entry.verdict), \(entry.messageTime))"
            if let from = entry.from { message += " from \(ReportText.escaped(from))" }
            if let returnPath = entry.returnPath { message += " return-path \(ReportText.escaped(returnPath))" }
            lines.append(message)
            if let subject = entry.subject { lines.append("    subject \"\(ReportText.escaped(ReportText.cut(subject, 120)))\"") }
        }
        return lines.joined(separator: "\n")
    }
}
