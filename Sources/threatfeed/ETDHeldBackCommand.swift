import ArgumentParser
import Foundation
import ThreatFeedCore
import ThreatFeedETD
import ThreatFeedStore

/// `threatfeed etd held-back [--reason R] [--since 7d] [--json]`: what the safety policy kept out of the feed.
struct ETDHeldBackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "held-back",
        abstract: "List the values the safety policy held back, with the reason and the conviction they came from."
    )

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("Only this reason (\(HoldBackReason.allCases.map(\.rawValue).joined(separator: ", "))).", valueName: "reason"))
    var reason: String?
    @Option(help: ArgumentHelp("How far back, e.g. 7d, 12h (held back at or after now minus this).", valueName: "span")) var since = "7d"
    @Option(help: "At most this many entries, newest first.") var limit = 1_000
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let report = try reportingErrors { () throws -> HeldBackReport in
            let wanted = try reason.map { text in
                guard let reason = HoldBackReason(rawValue: text.lowercased()) else {
                    throw CLIError.invalid("--reason", text, "one of \(HoldBackReason.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return reason
            }
            guard (1...100_000).contains(limit) else { throw CLIError.invalid("--limit", "\(limit)", "1 to 100000") }
            let start = try ETDReviewOptions.start(since: since)
            let store = try global.openStore()
            let entries = try store.readNow { try $0.heldBackValues(since: start, reason: wanted, limit: limit + 1) }
            return HeldBackReport(entries: entries, since: start, reason: wanted, limit: limit)
        }
        print(json ? try ETDReviewOptions.json(report) : report.text)
    }
}
