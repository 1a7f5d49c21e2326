import ArgumentParser
import Foundation
import Logging
import ThreatFeedCore
import ThreatFeedETD
import ThreatFeedService

/// `threatfeed etd replay FILE`: converts a recorded search response as a poll would (parse,
/// extract, policy, store in pages of 100), without contacting ETD. For checking rules and the
/// policy against real data, and for `Benchmarks/etd-convert.sh`.
struct ETDReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Convert a recorded ETD search response file into judgements, without contacting ETD."
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var etd: ETDOptions
    @Argument(help: "A saved body of POST /v1/messages/search ({\"data\": {\"messages\": [...]}}).") var file: String

    func run() async throws {
        let store = try global.openStore()
        let started = ContinuousClock.now
        let (outcome, messages) = try await reportingErrors { () async throws -> (ConvictionPageOutcome, Int) in
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: file)) } catch {
                throw CLIError.unreadable(file, (error as NSError).localizedDescription)
            }
            let recorded = try ETDSearchPage.decode(data, endpoint: file)
            // Rules and filters from the settings and the feeds-as-code files, as `serve` would use them.
            let settings = try global.settings()
            var configuration: ETDConfiguration
            if let connected = try etd.configuration(settings) {
                configuration = connected
            } else {
                configuration = ETDConfiguration(
                    baseURL: "file://\(file)", credentials: ETDCredentials(clientID: "", clientSecret: "", apiKey: "")
                )
                try etd.tune(&configuration, settings)
            }
            var logger = Logger(label: "threatfeed.etd")
            logger.logLevel = .warning
            let processor = ConvictionPageProcessor(
                extractor: ConvictionExtractor(configuration: configuration, policy: try etd.policy(settings)), ledger: store,
                clock: SystemClock(), logger: logger
            )
            var total = ConvictionPageOutcome()
            var offset = 0
            while offset < recorded.messages.count {
                let slice = Array(recorded.messages[offset..<min(offset + configuration.pageSize, recorded.messages.count)])
                total.add(try await processor.convictions(in: ETDSearchPage(messages: slice, nextPageToken: nil)))
                offset += configuration.pageSize
            }
            return (total, recorded.messages.count)
        }
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let held = outcome.heldBack.sorted { $0.key < $1.key }.map { "\($0.key.rawValue)=\($0.value)" }.joined(separator: " ")
        print(
            "replayed \(messages) messages: \(outcome.convictions) new convictions, \(outcome.created) judgements created, "
                + "\(outcome.refreshed) refreshed; held back: \(held.isEmpty ? "none" : held)"
        )
        print(String(format: "%.3f s, %.0f messages/s", seconds, Double(messages) / max(seconds, 1e-9)))
    }
}
