import ArgumentParser
import Foundation
import ThreatFeedService
import ThreatFeedStore

/// `threatfeed feeds apply [--dir feeds] [--dry-run]`: feeds as code.
struct FeedsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feeds",
        abstract: "Apply the indicator and feed definitions in feeds/*.yaml.",
        subcommands: [Apply.self]
    )

    struct Apply: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make the database match the definition files: create and update, never regenerate a secret, never delete."
        )
        @OptionGroup var global: GlobalOptions
        @Option(help: "Directory of *.yaml definitions (env THREATFEED_FEEDS_DIR; default ./feeds).") var dir: String?
        @Flag(help: "Say what would change; change nothing.") var dryRun = false

        func run() throws {
            let settings = try global.settings()
            let directory = settings.string(.feedsDirectory, flag: dir) ?? "./feeds"
            let definitions = try reportingErrors { try FeedDefinitions.load(directory: directory) }
            // Action settings are not stored: serve reads them from the files at start. Checked here all the same.
            var checked = settings
            try reportingErrors { try checked.include(feedActions: definitions.actionSettings) }
            let store = try global.openStore()
            let report = try reportingErrors {
                dryRun
                    ? try store.rehearse { try FeedApplier.apply(definitions, with: $0) }
                    : try store.writeNow { try FeedApplier.apply(definitions, with: $0) }
            }
            FeedsCommand.print(report, files: definitions.files.count, dryRun: dryRun)
            for (name, setting) in definitions.actionSettings.sorted(by: { $0.key < $1.key }) {
                Swift.print("action setting \(name) = \(setting.value) (\(setting.origin); read by serve at start)")
            }
        }
    }

    static func print(_ report: FeedApplier.Report, files: Int, dryRun: Bool) {
        for change in report.changes { Swift.print((dryRun ? "would " : "") + change) }
        for note in report.notInFiles { Swift.print("note: " + note) }
        Swift.print(
            "\(files) definition files: \(report.changes.count) \(dryRun ? "changes to make" : "changes made"), \(report.unchanged.count) unchanged"
        )
    }
}
