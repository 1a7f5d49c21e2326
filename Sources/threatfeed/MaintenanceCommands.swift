import ArgumentParser
import Foundation
import ThreatFeedCore
import ThreatFeedService
import ThreatFeedStore

/// `threatfeed backup FILE`: a consistent copy while the server runs.
struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the database to FILE consistently, even while the server runs (SQLite online backup)."
    )
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Where to write the copy (mode 0600; replaced if it exists).") var file: String

    func run() throws {
        let store = try global.openStore()
        let started = ContinuousClock.now
        try reportingErrors { try store.backup(to: file) }
        let summary = try reportingErrors { try Store.inspectBackup(at: file) }
        print("backed up \(store.path) to \(file): \(summary.indicators) indicators, \(summary.feeds) feeds, \(summary.judgements) judgements in \(ContinuousClock.now - started)")
    }
}

/// `threatfeed restore FILE`: puts a backup back, refusing to replace a database that holds data unless told to.
struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Replace the database's content with a backup made by 'threatfeed backup'."
    )
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The backup file.") var file: String
    @Flag(help: "Replace a database that already holds indicators, feeds or users.") var force = false

    func run() throws {
        let summary = try reportingErrors { try Store.inspectBackup(at: file) }
        let store = try global.openStore()
        let live = try reportingErrors {
            try store.readNow { reader in
                (try reader.indicators().count, try reader.feeds().count, try reader.users().count)
            }
        }
        if live != (0, 0, 0), !force {
            Terminal.error(
                "\(store.path) holds \(live.0) indicators, \(live.1) feeds and \(live.2) users; restoring would replace them. Take a backup of it first, then pass --force"
            )
            throw ExitCode.failure
        }
        try reportingErrors { try store.restore(from: file) }
        print("restored \(file) into \(store.path): \(summary.indicators) indicators, \(summary.feeds) feeds, \(summary.judgements) judgements")
        if live != (0, 0, 0) { print("a server running on this database serves the restored content from its next request") }
    }
}

/// `threatfeed prune`: retention by hand (the server also prunes every few hours).
struct PruneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Delete judgements whose valid time ended more than the retention period ago."
    )
    @OptionGroup var global: GlobalOptions
    @Option(
        name: .customLong("older-than"),
        help: "Retention, e.g. 30d (env THREATFEED_RETENTION; default 30d). Judgements that ended before now minus this go."
    )
    var olderThan: String?
    @Flag(help: "Count what would go, change nothing.") var dryRun = false

    func run() throws {
        let store = try global.openStore()
        let retention = try reportingErrors { try Retention.period(olderThan, settings: try global.settings()) }
        let cutoff = Date().addingTimeInterval(-retention.seconds)
        let removed = try reportingErrors {
            dryRun
                ? try store.rehearse { try $0.pruneJudgements(endedBefore: cutoff) }
                : try store.writeNow { try $0.pruneJudgements(endedBefore: cutoff) }
        }
        print("\(dryRun ? "would delete" : "deleted") \(removed) judgements whose valid time ended before \(Timestamps.iso8601Milli(cutoff))")
    }
}
