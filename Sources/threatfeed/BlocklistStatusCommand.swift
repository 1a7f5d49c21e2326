import ArgumentParser
import Foundation
import ThreatFeedCore
import ThreatFeedServer
import ThreatFeedService
import ThreatFeedStore

/// `threatfeed blocklist status [--json]`: the managed entries by state and the last run.
struct BlocklistStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show the blocklist sync's entries and last run.")

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let settings = try global.settings()
        let listName = settings.string(.blocklistList)?.lowercased() ?? "blocklist"
        guard let list = BlocklistKind(rawValue: listName) else {
            return try reportingErrors { throw settings.error(.blocklistList, "'\(listName)' is not blocklist or safelist") }
        }
        let store = try global.openStore()
        let enabled = BlocklistOptions.isEnabled(settings)
        let dryRun = Settings.isTrue(settings.string(.blocklistDryRun))
        let (status, entries) = try await reportingErrors { () async throws -> (BlocklistStatus, [BlocklistEntry]) in
            (try store.readNow { try $0.blocklistStatus(list: list) }, try await store.blocklistEntries(list: list))
        }
        let report = BlocklistHealth(status: status, enabled: enabled, dryRun: dryRun)
        if json {
            // The `blocklist` section of /health/etd, with the entries on the gateway (or on their way) listed.
            var object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(report)) as? [String: Any] ?? [:]
            object["entries"] = entries.filter { $0.state != .removed }.map { ["value": $0.value, "state": $0.state.rawValue] }
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        print("list: \(list.rawValue) (sync \(enabled ? "enabled" : "disabled")\(dryRun ? ", dry run" : ""))")
        print("entries: " + BlocklistEntryState.allCases.map { "\($0.rawValue) \(report.counts[$0.rawValue] ?? 0)" }.joined(separator: ", "))
        let run = report.lastRun
        if let finished = run.finished {
            print("last run: \(finished): \(run.added) added, \(run.deleted) deleted, \(run.heldBack) held back, \(run.deferred) deferred")
        } else {
            print("last run: never")
        }
        if let error = run.error { print("last error: \(error)\(run.errorAt.map { " (\($0))" } ?? "")") }
    }
}
