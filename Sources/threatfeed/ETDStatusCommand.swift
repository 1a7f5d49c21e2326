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
        let (status, remediation) = try reportingErrors {
            try store.readNow { reader in (try reader.etdPollStatus(), try reader.remediationStatus()) }
        }
        let enabled = (try? ETDConfiguration(environment: ProcessInfo.processInfo.environment)) != nil
        var report = ETDStatusReport(status: status, enabled: enabled, now: Date())
        // The same remediation section as /health/etd, with "enabled" as this environment's settings say.
        let settings = try global.settings()
        report.remediation = RemediationStatusReport(
            status: remediation, enabled: Settings.isTrue(settings.string(.remediationEnabled)),
            dryRun: Settings.isTrue(settings.string(.remediationDryRun))
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
