import ArgumentParser
import Foundation
import ThreatFeedService

/// `threatfeed config check [FILE]`: validates the configuration and prints what is in effect.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Check the configuration file and print the effective settings.",
        subcommands: [Check.self]
    )

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate FILE (or --config / THREATFEED_CONFIG) with the environment; print every setting, its source, secrets masked."
        )
        @Argument(help: "The YAML configuration file (default: --config or THREATFEED_CONFIG).") var file: String?
        @Option(help: "The YAML configuration file (env THREATFEED_CONFIG).") var config: String?

        func run() throws {
            let settings = try reportingErrors { try Settings.load(configPath: file ?? config) }
            try reportingErrors { try settings.validateAll() }
            print("configuration: \(settings.file?.path ?? "(no file: environment and defaults)")")
            var table = [["SETTING", "VALUE", "FROM", "ENVIRONMENT"]]
            for key in SettingKey.all {
                let resolved = settings.resolve(key)
                let value = resolved.map { key.secret ? "<set, \($0.value.count) characters>" : $0.value } ?? "-"
                let source = resolved.map { resolved in
                    switch resolved.source {
                    case .file: "file:\(settings.file?.entries[key.key]?.line ?? 0)"
                    case .feeds: settings.feedActions[key.key]?.origin.description ?? "feeds"
                    default: resolved.source.rawValue
                    }
                } ?? "unset"
                table.append([key.key, value, source, key.environment])
            }
            printTable(table)
            print("ok")
        }
    }
}
