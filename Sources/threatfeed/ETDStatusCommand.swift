import ArgumentParser
import Foundation
import ThreatFeedCore
import ThreatFeedETD
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
        let notificationsEnabled = Settings.isTrue(settings.string(.notificationsEnabled))
        let list = BlocklistKind(rawValue: settings.string(.blocklistList)?.lowercased() ?? "") ?? .blocklist
        let blocklistEnabled = BlocklistOptions.isEnabled(settings)
        let blocklistDryRun = Settings.isTrue(settings.string(.blocklistDryRun))
        let (status, remediation, notifications, blocklist) = try reportingErrors {
            try store.readNow { reader in
                (
                    try reader.etdPollStatus(), try reader.remediationStatus(), try reader.notificationStatus(enabled: notificationsEnabled),
                    try reader.blocklistStatus(list: list, enabled: blocklistEnabled, dryRun: blocklistDryRun)
                )
            }
        }
        let enabled = (try? ETDConfiguration(environment: ProcessInfo.processInfo.environment)) != nil
        var report = ETDStatusReport(status: status, enabled: enabled, now: Date())
        report.remediation = RemediationStatusReport(
            status: remediation, enabled: Settings.isTrue(settings.string(.remediationEnabled)),
            dryRun: Settings.isTrue(settings.string(.remediationDryRun))
        )
        report.notifications = notifications
        report.blocklist = blocklist
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(report.text)
        }
    }
}
