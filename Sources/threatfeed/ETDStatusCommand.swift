import ArgumentParser
import Foundation
import ThreatFeedCore
import ThreatFeedETD
import ThreatFeedServer
import ThreatFeedService
import ThreatFeedStore

/// `threatfeed etd status [--json]`: what `/health/etd` shows, from the database.
struct ETDStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show the ETD poller's progress and counters.")

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Print JSON (the same as GET /health/etd).") var json = false

    func run() async throws {
        let store = try global.openStore()
        // The same sections as /health/etd, with "enabled" as this environment's settings say.
        let settings = try global.settings()
        let list = BlocklistKind(rawValue: settings.string(.blocklistList)?.lowercased() ?? "") ?? .blocklist
        let pollingEnabled = (try? ETDConfiguration(environment: ProcessInfo.processInfo.environment)) != nil
        let chain = try reportingErrors { try store.readNow { try $0.convictionChainStatus(blocklist: list) } }
        let report = ConvictionChainHealth(
            chain, now: Date(), pollingEnabled: pollingEnabled,
            remediation: (Settings.isTrue(settings.string(.remediationEnabled)), Settings.isTrue(settings.string(.remediationDryRun))),
            notificationsEnabled: Settings.isTrue(settings.string(.notificationsEnabled)),
            blocklist: (BlocklistOptions.isEnabled(settings), Settings.isTrue(settings.string(.blocklistDryRun)))
        )
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(report.text)
        }
    }
}
