import Foundation
import ThreatFeedCore
import ThreatFeedStore

/// The facts the ETD page is drawn from, read in one store transaction.
struct ETDFacts: Sendable {
    var convictions: [VerdictDayCount]
    /// Held-back values by reason, every reason (the ETD counters).
    var heldBackByReason: [String: Int]
    var heldBack: [HeldBackEntry]
    var queue: [RemediationRecord]
    var now: Date
}

struct ETDPage: Sendable {
    static let days = 30
    static let heldLimit = 50
    static let queueLimit = 200

    struct VerdictRow: Sendable {
        let verdict: String
        let kind: String
        let total: Int
    }

    struct ReasonRow: Sendable {
        let reason: String
        let count: Int
    }

    struct HeldRow: Sendable {
        let decided: String
        let value: String
        let reason: String
        let message: String
    }

    struct QueueRow: Sendable {
        let state: String
        let action: String
        let message: String
        let attempts: Int
        let updated: String
        let answer: String
        let problem: Bool
    }

    let title = "ETD"
    let chrome: PageChrome
    let verdicts: [VerdictRow]
    let convictions: BarChart
    let heldReasons: [ReasonRow]
    let held: [HeldRow]
    let queueLimit = ETDPage.queueLimit
    let queue: [QueueRow]

    /// Chart colours by position (`v0`…`v5` in the stylesheet; ETD has four verdicts today).
    private static let kinds = (0..<6).map { "v\($0)" }

    init(facts: ETDFacts, chrome: PageChrome) {
        self.chrome = chrome
        let today = CalendarBucket.day(of: facts.now)
        let days = (0..<Int64(Self.days)).map { today - Int64(Self.days) + 1 + $0 }
        let verdictNames = Array(Set(facts.convictions.map(\.verdict))).sorted()
        var counts: [String: [Int64: Int]] = [:]
        for row in facts.convictions { counts[row.verdict, default: [:]][row.day, default: 0] += row.count }
        verdicts = verdictNames.enumerated().map { index, verdict in
            VerdictRow(
                verdict: verdict, kind: Self.kinds[index % Self.kinds.count],
                total: days.reduce(0) { $0 + (counts[verdict]?[$1] ?? 0) }
            )
        }
        convictions = BarChart(
            label: "convictions per day by verdict", slotNames: days.map(AdminText.day),
            series: verdicts.map { row in .init(kind: row.kind, name: row.verdict, values: days.map { counts[row.verdict]?[$0] ?? 0 }) },
            stacked: true, tickEvery: 7
        )
        heldReasons = facts.heldBackByReason.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { ReasonRow(reason: $0.key, count: $0.value) }
        held = facts.heldBack.map { entry in
            let message = [entry.subject.map { "“\($0)”" }, entry.fromAddress.map { "from \($0)" }, "\(entry.verdict), \(entry.messageID)"]
                .compactMap { $0 }.joined(separator: " ")
            return HeldRow(
                decided: AdminText.time(entry.decided), value: "\(entry.type?.rawValue ?? entry.kind):\(entry.value)",
                reason: entry.reason.rawValue, message: message
            )
        }
        queue = facts.queue.map { record in
            QueueRow(
                state: record.state.rawValue, action: record.action.rawValue,
                message: [record.subject.map { "“\($0)”" }, record.internetMessageID, record.messageID].compactMap { $0 }.joined(separator: " "),
                attempts: record.attempts, updated: AdminText.time(record.updated),
                answer: record.answerStatus.map { "HTTP \($0)" } ?? "",
                problem: record.state == .failed || record.state == .unconfirmed
            )
        }
    }
}
