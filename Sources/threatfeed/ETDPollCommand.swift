import ArgumentParser
import Foundation
import Logging
import ThreatFeedCore
import ThreatFeedETD
import ThreatFeedService

/// `threatfeed etd poll --once`: one full cycle, then exit 0, or non-zero with the reason.
struct ETDPollCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "poll",
        abstract: "Run one ETD poll cycle (search, convert, store) and exit."
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var etd: ETDOptions
    @Flag(help: "Run one cycle and exit (the only mode; `serve` polls continuously).") var once = false
    @Option(help: "Log level: trace, debug, info, notice, warning, error.") var logLevel: String = "notice"

    func validate() throws {
        guard once else { throw ValidationError("pass --once (continuous polling runs inside `threatfeed serve`)") }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .notice
        // Escapes control characters a peer's answer might carry, as `serve` does.
        LoggingSystem.bootstrap { label in StructuredLogHandler(label: label, format: .text, logLevel: level) }
        let store = try global.openStore()
        let report = try await reportingErrors {
            let settings = try global.settings()
            guard let configuration = try etd.configuration(settings) else {
                throw CLIError.notConfigured("ETD is not configured: set THREATFEED_ETD_REGION or THREATFEED_ETD_BASE_URL, and the client id, secret and API key")
            }
            let poller = try etd.poller(store: store, configuration: configuration, settings: settings, logger: Logger(label: "threatfeed.etd"))
            return try await poller.runCycle()
        }
        let outcome = report.outcome
        let held = outcome.heldBack.values.reduce(0, +)
        print(
            "ETD poll: window \(Timestamps.iso8601Milli(report.windowStart)) – \(Timestamps.iso8601Milli(report.windowEnd)): "
                + "\(outcome.convictions) new convictions, \(outcome.created) judgements created, \(outcome.refreshed) refreshed, "
                + "\(outcome.ended) ended, \(held) values held back"
        )
    }
}
