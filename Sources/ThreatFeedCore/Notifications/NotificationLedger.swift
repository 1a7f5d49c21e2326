import Foundation

/// Where the notifier records which convictions it reported. Declared here, like `RemediationLedger`, so that the
/// notification service needs no SQLite; `Store` implements it (ThreatFeedStore/ETD/Store+Notifications.swift).
///
/// Every method is one transaction. Times are passed in so that tests can run on a virtual clock.
public protocol NotificationLedger: Sendable {
    /// When notifications were first enabled; set to `now` the first time. Earlier convictions are never reported.
    func notificationsEnabledSince(_ now: Date) async throws -> Date
    /// Convictions left `sending` by a process that died mid-send become `unconfirmed`; returns how many.
    func markInterruptedNotificationsUnconfirmed() async throws -> Int
    /// Live convictions processed since `since`, with one of `verdicts`, that no notification has dealt with.
    func unnotifiedConvictions(since: Date, verdicts: [String]) async throws -> [ConvictionRecord]
    /// Records `keys` in `state`.
    func recordNotification(_ keys: [ConvictionKey], state: NotificationState, mailID: String?, at time: Date) async throws
    /// A send that failed after its retries: `keys` are pending again; the error is kept for the status report.
    func abandonNotification(_ keys: [ConvictionKey], error: String, at time: Date) async throws
}
