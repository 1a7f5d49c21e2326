import ArgumentParser
import Foundation
import ThreatFeedCore
import ThreatFeedETD
import ThreatFeedStore

/// `threatfeed etd simulate [--since 30d] [--json]`: stored convictions through the policy files as they are now.
struct ETDSimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Replay stored convictions through the current policy files: what would now be published or held back."
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var etd: ETDOptions
    @Option(help: ArgumentHelp("Convictions processed at or after now minus this, e.g. 30d.", valueName: "span")) var since = "30d"
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let simulation = try reportingErrors { () throws -> PolicySimulation in
            let start = try ETDReviewOptions.start(since: since)
            let policy = try etd.policy(try global.settings())
            let store = try global.openStore()
            let convictions = try store.readNow { try $0.convictionsForReplay(since: start) }
            return PolicySimulation(convictions: convictions, policy: policy, since: start)
        }
        print(json ? try ETDReviewOptions.json(simulation) : simulation.text)
    }
}
