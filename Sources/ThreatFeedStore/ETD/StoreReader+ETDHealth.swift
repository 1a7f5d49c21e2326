import Foundation
import ThreatFeedCore

extension StoreReader {
    /// `/health/etd` and `threatfeed etd status`: the poller and what the actions did with its convictions, in one
    /// read. The `enabled` flags are the caller's (the server's configuration, or the CLI's settings).
    public func etdHealth(
        now: Date, pollingEnabled: Bool, remediation: (enabled: Bool, dryRun: Bool), notificationsEnabled: Bool,
        blocklist: (list: BlocklistKind, enabled: Bool, dryRun: Bool)
    ) throws -> ETDStatusReport {
        var report = ETDStatusReport(status: try etdPollStatus(), enabled: pollingEnabled, now: now)
        report.remediation = RemediationStatusReport(status: try remediationStatus(), enabled: remediation.enabled, dryRun: remediation.dryRun)
        report.notifications = try notificationStatus(enabled: notificationsEnabled)
        report.blocklist = try blocklistStatus(list: blocklist.list, enabled: blocklist.enabled, dryRun: blocklist.dryRun)
        return report
    }
}
