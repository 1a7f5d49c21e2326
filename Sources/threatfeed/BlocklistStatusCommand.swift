import ArgumentParser
import Foundation
import ThreatFeedCore
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
            Terminal.error("\(settings.named(.blocklistList)) '\(listName)' is not blocklist or safelist")
            throw ExitCode.failure
        }
        let store = try global.openStore()
        let (entries, run) = try await reportingErrors { () async throws -> ([BlocklistEntry], BlocklistRunRecord) in
            (try await store.blocklistEntries(list: list), try await store.lastBlocklistRun(list: list))
        }
        var counts: [String: Int] = Dictionary(uniqueKeysWithValues: BlocklistEntryState.allCases.map { ($0.rawValue, 0) })
        for entry in entries { counts[entry.state.rawValue, default: 0] += 1 }
        let iso = ISO8601DateFormatter()
        if json {
            var object: [String: Any] = [
                "list": list.rawValue, "enabled": BlocklistOptions.isEnabled(settings), "counts": counts,
                "entries": entries.filter { $0.state != .removed }.map { ["value": $0.value, "state": $0.state.rawValue] },
            ]
            var last: [String: Any] = ["added": run.added, "deleted": run.deleted, "held_back": run.heldBack, "deferred": run.deferred]
            if let finished = run.finished { last["finished"] = iso.string(from: finished) }
            if let error = run.error { last["error"] = error }
            object["last_run"] = last
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        print("list: \(list.rawValue) (sync \(BlocklistOptions.isEnabled(settings) ? "enabled" : "disabled"))")
        print("entries: " + BlocklistEntryState.allCases.map { "\($0.rawValue) \(counts[$0.rawValue] ?? 0)" }.joined(separator: ", "))
        if let finished = run.finished {
            print("last run: \(iso.string(from: finished)): \(run.added) added, \(run.deleted) deleted, \(run.heldBack) held back, \(run.deferred) deferred")
        } else {
            print("last run: never")
        }
        if let error = run.error { print("last error: \(error)") }
    }
}
