import Foundation

/// Where the remediation runner keeps its queue. Declared here, like `ConvictionLedger`, so that
/// ThreatFeedActions needs no SQLite; `Store` implements it (ThreatFeedStore/Actions).
///
/// Every method is one transaction. Times are passed in so that tests can run on a virtual clock.
public protocol RemediationLedger: Sendable {
    /// Records when remediation was first enabled (kept if already set) and returns it.
    func markRemediationEnabled(at time: Date) async throws -> Date
    /// Queues, as `pending`, one remediation per message convicted with one of `verdicts` and
    /// processed after remediation was first enabled, unless the message already has a
    /// remediation row (whatever its action or state). Returns how many were queued.
    func queueRemediations(action: RemediationAction, verdicts: [String], at time: Date) async throws -> Int
    /// Rows left in `sending` by a process that died: moved to `unconfirmed`, returned.
    func recoverInterruptedRemediations(at time: Date) async throws -> [String]
    /// The pending row whose next attempt is earliest and due by `time`, if any.
    func nextDueRemediation(at time: Date) async throws -> RemediationItem?
    /// The earliest next attempt of any pending row.
    func nextRemediationAttempt() async throws -> Date?
    /// `pending` → `sending` with the exact request body, attempts + 1; committed before the request leaves.
    func markRemediationSending(messageID: String, action: RemediationAction, request: String, at time: Date) async throws
    func markRemediationDone(messageID: String, action: RemediationAction, answer: RemediationAnswer, at time: Date) async throws
    /// Back to `pending` until `nextAttempt` (a transient failure).
    func rescheduleRemediation(messageID: String, action: RemediationAction, answer: RemediationAnswer, nextAttempt: Date, at time: Date) async throws
    func markRemediationFailed(messageID: String, action: RemediationAction, answer: RemediationAnswer, at time: Date) async throws
    /// Dry-run: the body that would have been sent, state `dry_run`.
    func markRemediationDryRun(messageID: String, action: RemediationAction, request: String, at time: Date) async throws
    /// A failure of the whole cycle (login refused, SMA unreachable) or of one request, for health.
    func recordRemediationError(_ error: String, at time: Date) async throws
    func remediationStatus() async throws -> RemediationStatus
}
