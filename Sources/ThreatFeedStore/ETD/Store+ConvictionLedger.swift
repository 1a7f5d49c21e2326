import Foundation
import GRDB
import ThreatFeedCore

/// The ETD poller's ledger in SQLite (migration v3): processed convictions, the judgements each
/// backs, counters and progress.
extension Store: ConvictionLedger {
    public func processedKeys(among keys: [ConvictionKey]) async throws -> Set<ConvictionKey> {
        guard !keys.isEmpty else { return [] }
        return try await read { reader in
            var found: Set<ConvictionKey> = []
            let statement = try reader.db.cachedStatement(
                sql: "SELECT 1 FROM etd_conviction WHERE message_id = ? AND verdict = ? AND cleared IS NULL"
            )
            for key in keys {
                if try Int.fetchOne(statement, arguments: [key.messageID, key.verdict]) != nil { found.insert(key) }
            }
            return found
        }
    }

    public func convictedMessageIDs(among messageIDs: [String]) async throws -> Set<String> {
        guard !messageIDs.isEmpty else { return [] }
        return try await read { reader in
            let statement = try reader.db.cachedStatement(
                sql: "SELECT 1 FROM etd_conviction WHERE message_id = ? AND cleared IS NULL LIMIT 1"
            )
            return Set(try messageIDs.filter { try Int.fetchOne(statement, arguments: [$0]) != nil })
        }
    }

    public func commit(_ page: ConvictionPage) async throws -> ConvictionPageOutcome {
        try await write { writer in try writer.commitConvictions(page) }
    }

    public func pollStatus() async throws -> ETDPollStatus {
        try await read { reader in try reader.etdPollStatus() }
    }

    public func recordAttempt(at time: Date) async throws {
        try await write { writer in
            try writer.db.execute(sql: "UPDATE etd_poll_state SET last_attempt = ? WHERE id = 1", arguments: [micros(time)])
        }
    }

    public func recordSuccess(at time: Date, windowEnd: Date) async throws {
        try await write { writer in
            try writer.db.execute(
                sql: """
                    UPDATE etd_poll_state SET last_success = ?, last_success_window_end = ?, consecutive_failures = 0,
                        last_error = NULL WHERE id = 1
                    """,
                arguments: [micros(time), micros(windowEnd)]
            )
        }
    }

    public func recordFailure(at time: Date, error: String) async throws {
        try await write { writer in
            try writer.db.execute(
                sql: "UPDATE etd_poll_state SET consecutive_failures = consecutive_failures + 1, last_error = ? WHERE id = 1",
                arguments: [error]
            )
        }
    }
}

extension StoreReader {
    /// Progress and counters of the ETD poller (all zero before the first poll).
    public func etdPollStatus() throws -> ETDPollStatus {
        var status = ETDPollStatus()
        if let row = try Row.fetchOne(db, sql: "SELECT * FROM etd_poll_state WHERE id = 1") {
            status.lastAttempt = (row["last_attempt"] as Int64?).map { date(micros: $0) }
            status.lastSuccess = (row["last_success"] as Int64?).map { date(micros: $0) }
            status.lastSuccessWindowEnd = (row["last_success_window_end"] as Int64?).map { date(micros: $0) }
            status.consecutiveFailures = row["consecutive_failures"]
            status.lastError = row["last_error"]
        }
        for row in try Row.fetchAll(db, sql: "SELECT name, value FROM etd_counter") {
            let name: String = row["name"]
            let value: Int = row["value"]
            switch name {
            case ETDCounter.convictionsSeen: status.convictionsSeen = value
            case ETDCounter.judgementsCreated: status.judgementsCreated = value
            case ETDCounter.judgementsRefreshed: status.judgementsRefreshed = value
            case ETDCounter.judgementsEnded: status.judgementsEnded = value
            default:
                if name.hasPrefix(ETDCounter.heldBackPrefix),
                    let reason = HoldBackReason(rawValue: String(name.dropFirst(ETDCounter.heldBackPrefix.count)))
                {
                    status.heldBack[reason] = value
                }
            }
        }
        return status
    }
}

/// Counter names in `etd_counter`; held-back counters are `held_back.<HoldBackReason raw value>`.
enum ETDCounter {
    static let convictionsSeen = "convictions_seen"
    static let judgementsCreated = "judgements_created"
    static let judgementsRefreshed = "judgements_refreshed"
    static let judgementsEnded = "judgements_ended"
    static let heldBackPrefix = "held_back."
}

extension StoreWriter {
    /// One page of the ETD poller, inside the caller's transaction.
    func commitConvictions(_ page: ConvictionPage) throws -> ConvictionPageOutcome {
        var outcome = ConvictionPageOutcome()
        let nowMicros = micros(now)
        // A page names a handful of indicators at most: look each up (or create it) once.
        var indicatorIDs: [EntityName: String] = [:]
        for conviction in page.convictions {
            let key = conviction.key
            let cleared = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT cleared FROM etd_conviction WHERE message_id = ? AND verdict = ?"),
                arguments: [key.messageID, key.verdict]
            )
            if let cleared {
                // Processed and still live: a second run over the same page must not count it again.
                if (cleared["cleared"] as Int64?) == nil { continue }
                try db.execute(
                    sql: "UPDATE etd_conviction SET cleared = NULL, processed = ? WHERE message_id = ? AND verdict = ?",
                    arguments: [nowMicros, key.messageID, key.verdict]
                )
            } else {
                try db.cachedStatement(
                    sql: "INSERT INTO etd_conviction (message_id, verdict, message_time, processed) VALUES (?, ?, ?, ?)"
                ).execute(arguments: [key.messageID, key.verdict, micros(conviction.messageTime), nowMicros])
            }
            outcome.convictions += 1
            try recordDetails(conviction)
            for (indicatorName, judgement) in conviction.judgements {
                let indicatorID: String
                if let known = indicatorIDs[indicatorName] {
                    indicatorID = known
                } else {
                    indicatorID = try self.indicator(named: indicatorName).indicator.id
                    indicatorIDs[indicatorName] = indicatorID
                }
                switch try record(judgement, in: indicatorID) {
                case .added: outcome.created += 1
                case .refreshed: outcome.refreshed += 1
                }
                let judgementID = try Int64.fetchOne(
                    db.cachedStatement(
                        sql: """
                            SELECT j.id FROM judgement j JOIN observable o ON o.id = j.observable_id
                            WHERE j.indicator_id = ? AND o.type = ? AND o.value = ? AND j.source = ?
                            """
                    ),
                    arguments: [indicatorID, judgement.observable.type.rawValue, judgement.observable.value, judgement.source]
                )
                if let judgementID {
                    try db.cachedStatement(
                        sql: "INSERT OR IGNORE INTO etd_conviction_judgement (message_id, verdict, judgement_id) VALUES (?, ?, ?)"
                    ).execute(arguments: [key.messageID, key.verdict, judgementID])
                }
            }
            outcome.heldBack.merge(conviction.heldBack, uniquingKeysWith: +)
            for held in conviction.heldBackObservables {
                try db.cachedStatement(
                    sql: "INSERT OR IGNORE INTO etd_held_back (type, value, message_id, verdict, reason, at) VALUES (?, ?, ?, ?, ?, ?)"
                ).execute(arguments: [held.observable.type.rawValue, held.observable.value, key.messageID, key.verdict, held.reason.rawValue, nowMicros])
            }
        }
        for messageID in page.clearedMessageIDs {
            outcome.ended += try clearConvictions(ofMessage: messageID)
        }
        try addCounters(outcome)
        return outcome
    }

    /// Marks the message's live convictions cleared and ends the judgements nothing else backs.
    private func clearConvictions(ofMessage messageID: String) throws -> Int {
        let nowMicros = micros(now)
        try db.execute(
            sql: "UPDATE etd_conviction SET cleared = ? WHERE message_id = ? AND cleared IS NULL",
            arguments: [nowMicros, messageID]
        )
        guard db.changesCount > 0 else { return 0 }
        let judgementIDs = try Int64.fetchAll(
            db, sql: "SELECT DISTINCT judgement_id FROM etd_conviction_judgement WHERE message_id = ?", arguments: [messageID]
        )
        var ended = 0
        for judgementID in judgementIDs {
            let stillBacked = try Int.fetchOne(
                db,
                sql: """
                    SELECT 1 FROM etd_conviction_judgement l
                    JOIN etd_conviction c ON c.message_id = l.message_id AND c.verdict = l.verdict
                    WHERE l.judgement_id = ? AND c.cleared IS NULL LIMIT 1
                    """,
                arguments: [judgementID]
            )
            if stillBacked != nil { continue }
            // A new label, so pollers that track changes by label see the entry go.
            let label = try nextLabel()
            try db.execute(
                sql: """
                    UPDATE judgement SET valid_end = ?, label = ?, modified = ?
                    WHERE id = ? AND (valid_end IS NULL OR valid_end > ?)
                    """,
                arguments: [nowMicros, label.microseconds, nowMicros, judgementID, nowMicros]
            )
            if db.changesCount > 0 {
                ended += 1
                if let indicatorID = try String.fetchOne(db, sql: "SELECT indicator_id FROM judgement WHERE id = ?", arguments: [judgementID]) {
                    touchedIndicators.insert(indicatorID)
                }
            }
        }
        return ended
    }

    private func addCounters(_ outcome: ConvictionPageOutcome) throws {
        var deltas: [(String, Int)] = [
            (ETDCounter.convictionsSeen, outcome.convictions), (ETDCounter.judgementsCreated, outcome.created),
            (ETDCounter.judgementsRefreshed, outcome.refreshed), (ETDCounter.judgementsEnded, outcome.ended),
        ]
        for (reason, count) in outcome.heldBack { deltas.append((ETDCounter.heldBackPrefix + reason.rawValue, count)) }
        for (name, delta) in deltas where delta != 0 {
            try db.execute(
                sql: "INSERT INTO etd_counter (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = value + excluded.value",
                arguments: [name, delta]
            )
        }
    }
}
