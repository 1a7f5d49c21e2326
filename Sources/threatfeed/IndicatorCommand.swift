import ArgumentParser
import Foundation
import ThreatFeedCore
import ThreatFeedStore

/// `threatfeed indicator list`: what each indicator holds.
struct IndicatorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "indicator",
        abstract: "Inspect indicators (the groups judgements belong to).",
        subcommands: [List.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List indicators with their counts.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print JSON instead of a table.") var json = false

        func run() throws {
            let store = try global.openStore()
            let now = Date()
            let rows = try reportingErrors {
                try store.readNow { reader in
                    try reader.indicators().map { ($0, try reader.statistics(ofIndicator: $0.id, at: now)) }
                }
            }
            if json {
                try printJSON([
                    "indicators": rows.map { indicator, statistics -> [String: Any] in
                        ["name": indicator.name.value, "id": indicator.id, "title": indicator.title,
                         "observables": statistics.liveObservables, "judgements": statistics.judgements]
                    }
                ])
                return
            }
            var table = [["NAME", "LIVE OBSERVABLES", "JUDGEMENTS", "NEWEST", "ID"]]
            for (indicator, statistics) in rows {
                table.append([
                    indicator.name.value, String(statistics.liveObservables), String(statistics.judgements),
                    statistics.newestLabel.map { Timestamps.iso8601Milli($0.date) } ?? "-", indicator.id,
                ])
            }
            printTable(table)
        }
    }
}
