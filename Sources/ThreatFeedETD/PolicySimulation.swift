import Foundation
import ThreatFeedCore

/// `threatfeed etd simulate`: stored convictions judged again under the policy as the files say
/// now, so a change to the lists can be judged before the poller applies it. Nothing is written.
public struct PolicySimulation: Codable, Sendable, Equatable {
    public struct Value: Codable, Sendable, Equatable {
        public var messageID: String
        public var verdict: String
        public var subject: String?
        public var from: String?
        public var kind: String
        public var type: String?
        public var value: String
        /// `published` or the hold-back reason, as stored today.
        public var today: String
        /// The same under the policy now.
        public var now: String
        public var changed: Bool

        enum CodingKeys: String, CodingKey {
            case messageID = "message_id"
            case verdict, subject, from, kind, type, value, today, now, changed
        }
    }

    public static let published = "published"

    public var since: String
    public var convictions: Int
    public var values: [Value]
    /// Values published under the policy now.
    public var publishedNow: Int
    /// Values held back under the policy now, by reason.
    public var heldBackNow: [String: Int]
    public var changes: Int

    enum CodingKeys: String, CodingKey {
        case since, convictions, values
        case publishedNow = "published_now"
        case heldBackNow = "held_back_now"
        case changes
    }

    public init(convictions: [StoredConviction], policy: SafetyPolicy, since: Date) {
        self.since = Timestamps.iso8601Milli(since)
        self.convictions = convictions.count
        var values: [Value] = []
        for conviction in convictions {
            let context = conviction.details.senderContext
            for stored in conviction.values {
                let now: HoldBackReason? = stored.observable.map { policy.decide($0, context: context).reason } ?? .invalidValue
                let today = stored.heldBack?.rawValue ?? Self.published
                let nowText = now?.rawValue ?? Self.published
                values.append(
                    Value(
                        messageID: conviction.key.messageID, verdict: conviction.key.verdict, subject: conviction.details.subject,
                        from: conviction.details.fromAddress, kind: stored.kind, type: stored.observable?.type.rawValue, value: stored.text,
                        today: today, now: nowText, changed: today != nowText
                    )
                )
            }
        }
        self.values = values
        publishedNow = values.filter { $0.now == Self.published }.count
        heldBackNow = Dictionary(values.filter { $0.now != Self.published }.map { ($0.now, 1) }, uniquingKeysWith: +)
        changes = values.filter(\.changed).count
    }

    public var text: String {
        var lines = ["Replayed \(convictions) live conviction(s) since \(since) through the policy files as they are now: \(values.count) value(s)."]
        let held = heldBackNow.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        lines.append("now published: \(publishedNow); now held back: \(heldBackNow.values.reduce(0, +))\(held.isEmpty ? "" : " (\(held))")")
        lines.append("changes vs today: \(changes)")
        guard !values.isEmpty else { return lines.joined(separator: "\n") }
        lines.append("")
        lines.append("   " + ReportText.padded("NOW", 30) + ReportText.padded("TODAY", 30) + "VALUE / MESSAGE")
        for value in values {
            let mark = value.changed ? "*  " : "   "
            var line = mark + ReportText.padded(value.now, 30) + ReportText.padded(value.today, 30)
            line += "\(value.kind) \(ReportText.escaped(value.value))"
            line += "  [\(ReportText.escaped(value.messageID))/\(value.verdict)"
            if let from = value.from { line += " from \(ReportText.escaped(from))" }
            if let subject = value.subject { line += " \"\(ReportText.escaped(ReportText.cut(subject, 60)))\"" }
            lines.append(line + "]")
        }
        lines.append("")
        lines.append("* = changed vs today. The poller applies the policy files at its next cycle: new convictions are judged by")
        lines.append("them and live judgements they no longer publish are ended then.")
        return lines.joined(separator: "\n")
    }
}
