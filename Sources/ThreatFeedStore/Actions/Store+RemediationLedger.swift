import Foundation
import GRDB
import ThreatFeedCore

/// The SMA remediation queue in SQLite (migration v6). Each method is one transaction; the
/// runner commits `sending` before a request leaves, so a crash can never cause a silent resend.
extension Store: RemediationLedger {
    public func markRemediationEnabled(at time: Date) async throws -> Date {
        try await write { writer in try writer.markRemediationEnabled(at: time) }
    }

    public func queueRemediations(action: RemediationAction, verdicts: [String], at time: Date) async throws -> Int {
        try await write { writer in
            guard let since = try writer.reader.remediationEnabledSince(), !verdicts.isEmpty else { return 0 }
            let marks = Array(repeating: "?", count: verdicts.count).joined(separator: ", ")
            // One row per message, whatever verdicts it carries; a message that already has a row
            // (for any action: the setting may have changed since) is not queued again.
            try writer.db.execute(
                sql: """
                    INSERT INTO remediation (message_id, action, state, attempts, next_attempt, created, updated)
                    SELECT DISTINCT c.message_id, ?, 'pending', 0, ?, ?, ?
                    FROM etd_conviction c JOIN etd_conviction_detail d ON d.message_id = c.message_id
                    WHERE c.processed >= ? AND c.cleared IS NULL AND c.verdict IN (\(marks))
                        AND NOT EXISTS (SELECT 1 FROM remediation r WHERE r.message_id = c.message_id)
                    """,
                arguments: StatementArguments([action.rawValue, micros(time), micros(time), micros(time), micros(since)] as [(any DatabaseValueConvertible)?])
                    + StatementArguments(verdicts.map { $0.lowercased() })
            )
            return writer.db.changesCount
        }
    }

    public func recoverInterruptedRemediations(at time: Date) async throws -> [String] {
        try await write { writer in
            let ids = try String.fetchAll(writer.db, sql: "SELECT message_id FROM remediation WHERE state = 'sending' ORDER BY message_id")
            try writer.db.execute(
                sql: "UPDATE remediation SET state = 'unconfirmed', next_attempt = NULL, updated = ? WHERE state = 'sending'",
                arguments: [micros(time)]
            )
            return ids
        }
    }

    public func nextDueRemediation(at time: Date) async throws -> RemediationItem? {
        try await read { reader in
            let row = try Row.fetchOne(
                reader.db,
                sql: """
                    SELECT r.message_id, r.action, r.attempts, d.message_time, d.internet_message_id, d.subject, d.from_address,
                        d.mailboxes, d.techniques, d.observables,
                        (SELECT c.verdict FROM etd_conviction c WHERE c.message_id = r.message_id AND c.cleared IS NULL
                            ORDER BY c.processed LIMIT 1) AS verdict
                    FROM remediation r JOIN etd_conviction_detail d ON d.message_id = r.message_id
                    WHERE r.state = 'pending' AND (r.next_attempt IS NULL OR r.next_attempt <= ?)
                    ORDER BY r.next_attempt, r.created, r.message_id LIMIT 1
                    """,
                arguments: [micros(time)]
            )
            guard let row, let action = RemediationAction(rawValue: row["action"]) else { return nil }
            return RemediationItem(
                messageID: row["message_id"], action: action, verdict: row["verdict"] ?? "", messageTime: date(micros: row["message_time"]),
                details: StoreReader.details(row), attempts: row["attempts"]
            )
        }
    }

    public func nextRemediationAttempt() async throws -> Date? {
        try await read { reader in
            try Int64.fetchOne(reader.db, sql: "SELECT min(next_attempt) FROM remediation WHERE state = 'pending'").map { date(micros: $0) }
        }
    }

    public func markRemediationSending(messageID: String, action: RemediationAction, request: String, at time: Date) async throws {
        try await write { writer in
            try writer.db.execute(
                sql: """
                    UPDATE remediation SET state = 'sending', attempts = attempts + 1, request = ?, next_attempt = NULL, updated = ?
                    WHERE message_id = ? AND action = ? AND state = 'pending'
                    """,
                arguments: [request, micros(time), messageID, action.rawValue]
            )
            guard writer.db.changesCount == 1 else { throw StoreError.remediationNotPending(messageID: messageID) }
        }
    }

    public func markRemediationDone(messageID: String, action: RemediationAction, answer: RemediationAnswer, at time: Date) async throws {
        try await write { writer in try writer.settleRemediation(messageID, action, state: .done, answer: answer, nextAttempt: nil, at: time) }
    }

    public func rescheduleRemediation(
        messageID: String, action: RemediationAction, answer: RemediationAnswer, nextAttempt: Date, at time: Date
    ) async throws {
        try await write { writer in
            try writer.settleRemediation(messageID, action, state: .pending, answer: answer, nextAttempt: nextAttempt, at: time)
        }
    }

    public func markRemediationFailed(messageID: String, action: RemediationAction, answer: RemediationAnswer, at time: Date) async throws {
        try await write { writer in try writer.settleRemediation(messageID, action, state: .failed, answer: answer, nextAttempt: nil, at: time) }
    }

    public func markRemediationDryRun(messageID: String, action: RemediationAction, request: String, at time: Date) async throws {
        try await write { writer in
            try writer.db.execute(
                sql: """
                    UPDATE remediation SET state = 'dry_run', request = ?, next_attempt = NULL, updated = ?
                    WHERE message_id = ? AND action = ? AND state = 'pending'
                    """,
                arguments: [request, micros(time), messageID, action.rawValue]
            )
        }
    }

    public func recordRemediationError(_ error: String, at time: Date) async throws {
        try await write { writer in
            try writer.db.execute(
                sql: "UPDATE remediation_state SET last_error = ?, last_error_at = ? WHERE id = 1", arguments: [error, micros(time)]
            )
        }
    }

    public func remediationStatus() async throws -> RemediationStatus {
        try await read { reader in try reader.remediationStatus() }
    }
}

extension StoreWriter {
    /// Records when remediation was first enabled (kept if already set).
    public func markRemediationEnabled(at time: Date) throws -> Date {
        try db.execute(sql: "UPDATE remediation_state SET enabled_since = ? WHERE id = 1 AND enabled_since IS NULL", arguments: [micros(time)])
        return try reader.remediationEnabledSince() ?? time
    }

    /// Ends an attempt: only a row in `sending` moves, so a row an operator touched meanwhile is left alone.
    func settleRemediation(
        _ messageID: String, _ action: RemediationAction, state: RemediationState, answer: RemediationAnswer, nextAttempt: Date?, at time: Date
    ) throws {
        let body = answer.body ?? answer.problem
        try db.execute(
            sql: """
                UPDATE remediation SET state = ?, answer_status = ?, answer_body = ?, next_attempt = ?, updated = ?
                WHERE message_id = ? AND action = ? AND state = 'sending'
                """,
            arguments: [state.rawValue, answer.status, body, nextAttempt.map(micros), micros(time), messageID, action.rawValue]
        )
    }

    /// `threatfeed actions retry`: failed, unconfirmed or dry-run rows back to pending, due now,
    /// with a fresh attempt count. Returns the message ids moved.
    public func retryRemediations(messageID: String?, allUnconfirmed: Bool) throws -> [String] {
        var conditions = ["state IN ('failed', 'unconfirmed', 'dry_run')"]
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let messageID {
            conditions.append("message_id = ?")
            arguments.append(messageID)
        }
        if allUnconfirmed { conditions.append("state = 'unconfirmed'") }
        let whereClause = conditions.joined(separator: " AND ")
        let ids = try String.fetchAll(db, sql: "SELECT message_id FROM remediation WHERE \(whereClause) ORDER BY message_id", arguments: StatementArguments(arguments))
        try db.execute(
            sql: "UPDATE remediation SET state = 'pending', attempts = 0, next_attempt = ?, updated = ? WHERE \(whereClause)",
            arguments: StatementArguments([micros(now), micros(now)]) + StatementArguments(arguments)
        )
        return ids
    }
}

extension StoreReader {
    public func remediationEnabledSince() throws -> Date? {
        try Int64.fetchOne(db, sql: "SELECT enabled_since FROM remediation_state WHERE id = 1").map { date(micros: $0) }
    }

    public func remediationStatus() throws -> RemediationStatus {
        var status = RemediationStatus()
        if let row = try Row.fetchOne(db, sql: "SELECT * FROM remediation_state WHERE id = 1") {
            status.enabledSince = (row["enabled_since"] as Int64?).map { date(micros: $0) }
            status.lastError = row["last_error"]
            status.lastErrorAt = (row["last_error_at"] as Int64?).map { date(micros: $0) }
        }
        for row in try Row.fetchAll(db, sql: "SELECT state, count(*) AS n FROM remediation GROUP BY state") {
            if let state = RemediationState(rawValue: row["state"]) { status.counts[state] = row["n"] }
        }
        return status
    }

    /// Remediations, newest change first; `problemsOnly` keeps `failed` and `unconfirmed`.
    public func remediations(problemsOnly: Bool = false) throws -> [RemediationRecord] {
        let filter = problemsOnly ? "WHERE r.state IN ('failed', 'unconfirmed')" : ""
        return try Row.fetchAll(
            db,
            sql: """
                SELECT r.*, d.internet_message_id, d.subject FROM remediation r
                LEFT JOIN etd_conviction_detail d ON d.message_id = r.message_id
                \(filter) ORDER BY r.updated DESC, r.message_id
                """
        ).map(RemediationRecord.init(row:))
    }
}

extension RemediationRecord {
    /// A `remediation` row joined with its conviction's message id and subject (`etd_conviction_detail`).
    init(row: Row) {
        self.init(
            messageID: row["message_id"], internetMessageID: row["internet_message_id"], subject: row["subject"],
            action: RemediationAction(rawValue: row["action"]) ?? .fwdDelete,
            state: RemediationState(rawValue: row["state"]) ?? .failed, attempts: row["attempts"],
            nextAttempt: (row["next_attempt"] as Int64?).map { date(micros: $0) }, created: date(micros: row["created"]),
            updated: date(micros: row["updated"]), request: row["request"], answerStatus: row["answer_status"],
            answerBody: row["answer_body"]
        )
    }
}
