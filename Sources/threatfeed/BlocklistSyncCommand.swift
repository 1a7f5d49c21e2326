import ArgumentParser
import AsyncHTTPClient
import Foundation
import Logging
import ThreatFeedActions
import ThreatFeedCore
import ThreatFeedService
import ThreatFeedStore

/// `threatfeed blocklist sync [--dry-run]`: one run; prints what it added, deleted and held back.
struct BlocklistSyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync", abstract: "Run the blocklist sync once.",
        discussion: "Exit status 0 when the run completed (values held back by blocklist.max_entries included), 1 on an error."
    )

    @OptionGroup var global: GlobalOptions
    @Flag(name: .customLong("dry-run"), help: "Print the JSON that would be sent; contact nothing, change nothing.") var dryRun = false

    func run() async throws {
        let settings = try global.settings()
        let configuration = try reportingErrors { try BlocklistOptions.configuration(settings, dryRunFlag: dryRun) }
        let store = try global.openStore()
        let (runner, owned) = try reportingErrors {
            try BlocklistOptions.runner(configuration, store: store, logger: Logger(label: "threatfeed.blocklist"))
        }
        let report = await runner.runOnce()
        try? await owned?.shutdown()
        for line in report.wouldSend { print("would send: \(line)") }
        let dry = configuration.dryRun
        for value in report.deleted { print("\(dry ? "would delete" : "deleted"): \(value)") }
        for value in report.added { print("\(dry ? "would add" : "added"): \(value)") }
        for value in report.heldBack { print("held back (blocklist.max_entries \(configuration.maxEntries)): \(value)") }
        let done = dry
            ? "\(report.added.count) to add, \(report.deleted.count) to delete"
            : "\(report.added.count) added, \(report.deleted.count) deleted"
        print("\(configuration.list.rawValue): \(done), \(report.heldBack.count) held back, \(report.deferred) left for the next run")
        if let error = report.error {
            Terminal.error(error.description)
            throw ExitCode.failure
        }
    }
}
