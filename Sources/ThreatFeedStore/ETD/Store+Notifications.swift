import Foundation
import GRDB
import ThreatFeedCore

/// The notifier's ledger (migration v8): which convictions were reported, so none is reported twice.
extension Store {
    /// When notifications were first enabled; set to `now` the first time. Earlier convictions are never reported.
    public func notificationsEnabledSince(_ now: Date) async throws -> Date {
        try await write { writer in
            try writer.db.execute(
                sql: "UPDATE notification_state SET enabled_since = coalesce(enabled_since, ?) WHERE id = 1", arguments: [micros(now)]
            )
            return date(micros: try Int64.fetchOne(writer.db, sql: "SELECT enabled_since FROM notification_state WHERE id = 1") ?? micros(now))
        }
    }

    /// Convictions left `sending` by a process that died mid-transaction become `unconfirmed`: the mail may have
    /// gone out, so they are not listed again. Returns how many.
    public func markInterruptedNotificationsUnconfirmed() async throws -> Int {
        try await write { writer in
            try writer.db.execute(sql: "UPDATE notification SET state = 'unconfirmed' WHERE state = 'sending'")
            return writer.db.changesCount
        }
    }

    /// Live convictions processed since `since`, with one of `verdicts`, that no notification has dealt with.
    public func unnotifiedConvictions(since: Date, verdicts: [String]) async throws -> [ConvictionRecord] {
        try await read { reader in
            try reader.convictionDetails(processedAfter: since, verdicts: verdicts).filter { record in
                try Int.fetchOne(
                    reader.db.cachedStatement(sql: "SELECT 1 FROM notification WHERE message_id = ? AND verdict = ?"),
                    arguments: [record.key.messageID, record.key.verdict]
                ) == nil
            }
        }
    }

    /// Records `keys` in `state` (one transaction).
    public func recordNotification(_ keys: [ConvictionKey], state: NotificationState, mailID: String?, at time: Date) async throws {
        guard !keys.isEmpty else { return }
        try await write { writer in
            let statement = try writer.db.cachedStatement(
                sql: """
                    INSERT INTO notification (message_id, verdict, state, mail_id, at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(message_id, verdict) DO UPDATE SET state = excluded.state, mail_id = excluded.mail_id, at = excluded.at
                    """
            )
            for key in keys {
                try statement.execute(arguments: [key.messageID, key.verdict, state.rawValue, mailID, micros(time)])
            }
            if state == .sent {
                try writer.db.execute(sql: "UPDATE notification_state SET last_sent = ?, last_error = NULL WHERE id = 1", arguments: [micros(time)])
            }
        }
    }

    /// A send that failed after its retries: the convictions are pending again (their `sending` rows go) and the
    /// error is kept for `/health/etd`.
    public func abandonNotification(_ keys: [ConvictionKey], error: String, at time: Date) async throws {
        try await write { writer in
            let statement = try writer.db.cachedStatement(sql: "DELETE FROM notification WHERE message_id = ? AND verdict = ? AND state = 'sending'")
            for key in keys { try statement.execute(arguments: [key.messageID, key.verdict]) }
            try writer.db.execute(
                sql: "UPDATE notification_state SET last_error = ?, last_error_at = ? WHERE id = 1", arguments: [error, micros(time)]
            )
        }
    }

}

extension StoreReader {
    /// The notifier's progress for `/health/etd`.
    public func notificationStatus() throws -> NotificationStatus {
        var counts: [NotificationState: Int] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT state, count(*) AS n FROM notification GROUP BY state") {
            if let state = NotificationState(rawValue: row["state"]) { counts[state] = row["n"] }
        }
        let row = try Row.fetchOne(db, sql: "SELECT * FROM notification_state WHERE id = 1")
        func time(_ column: String) -> Date? { (row?[column] as Int64?).map { date(micros: $0) } }
        return NotificationStatus(
            enabledSince: time("enabled_since"), counts: counts, lastSent: time("last_sent"),
            lastError: row?["last_error"], lastErrorAt: time("last_error_at")
        )
    }
}
