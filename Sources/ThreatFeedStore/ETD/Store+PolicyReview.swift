import Foundation
import GRDB
import ThreatFeedCore

/// What the safety policy did with ETD's values, read back (migration v10): the held-back list,
/// the replay of stored convictions under the current policy, and the ending of live judgements
/// that a changed policy no longer publishes.
extension Store {
    public func liveConvictionJudgements() async throws -> [LiveConvictionJudgement] {
        let now = clock()
        return try await read { reader in try reader.liveConvictionJudgements(at: now) }
    }

    public func endJudgements(_ endings: [PolicyEnding]) async throws -> Int {
        guard !endings.isEmpty else { return 0 }
        return try await write { writer in try writer.endJudgements(endings) }
    }
}

extension StoreReader {
    /// Live judgements of source `etd`, each with the sender contexts of its live convictions.
    public func liveConvictionJudgements(at now: Date) throws -> [LiveConvictionJudgement] {
        let nowMicros = micros(now)
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT j.id, o.type, o.value, c.message_id AS conviction, d.from_address, d.return_path
                FROM judgement j JOIN observable o ON o.id = j.observable_id
                LEFT JOIN etd_conviction_judgement l ON l.judgement_id = j.id
                LEFT JOIN etd_conviction c ON c.message_id = l.message_id AND c.verdict = l.verdict AND c.cleared IS NULL
                LEFT JOIN etd_conviction_detail d ON d.message_id = c.message_id
                WHERE j.source = 'etd' AND (j.valid_end IS NULL OR j.valid_end > ?)
                ORDER BY j.id
                """,
            arguments: [nowMicros]
        )
        var result: [LiveConvictionJudgement] = []
        while let row = try rows.next() {
            let id: Int64 = row["id"]
            guard let type = ObservableType(rawValue: row["type"]) else { continue }
            if result.last?.id != id {
                result.append(LiveConvictionJudgement(id: id, observable: Observable(normalisedType: type, value: row["value"]), contexts: []))
            }
            // Each live backing conviction is one context, even one whose message had no sender to go by.
            if (row["conviction"] as String?) != nil {
                result[result.count - 1].contexts.append(SenderContext(fromAddress: row["from_address"], returnPath: row["return_path"]))
            }
        }
        return result
    }

    /// Held-back values decided at or after `since`, newest first, at most `limit` (+1 to tell the caller there is more).
    public func heldBackValues(since: Date, reason: HoldBackReason?, limit: Int) throws -> [HeldBackEntry] {
        var arguments: StatementArguments = [micros(since)]
        var filter = ""
        if let reason {
            filter = "AND v.held_back = ?"
            arguments += [reason.rawValue]
        }
        arguments += [limit]
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT v.kind, v.type, v.value, v.held_back, v.decided, v.ended_live, v.message_id, v.verdict, c.message_time,
                    d.subject, d.from_address, d.return_path
                FROM etd_conviction_value v
                JOIN etd_conviction c ON c.message_id = v.message_id AND c.verdict = v.verdict
                LEFT JOIN etd_conviction_detail d ON d.message_id = v.message_id
                WHERE v.held_back IS NOT NULL AND v.decided >= ? \(filter)
                ORDER BY v.decided DESC, v.message_id, v.verdict, v.position
                LIMIT ?
                """,
            arguments: arguments
        )
        return rows.compactMap { row in
            // A reason this version does not know (written by a newer one) is skipped rather than mislabelled.
            guard let reason = HoldBackReason(rawValue: row["held_back"]) else { return nil }
            return HeldBackEntry(
                reason: reason, kind: row["kind"], type: (row["type"] as String?).flatMap(ObservableType.init(rawValue:)),
                value: row["value"], decided: date(micros: row["decided"]), endedLive: (row["ended_live"] as Int) != 0,
                messageID: row["message_id"], verdict: row["verdict"], messageTime: date(micros: row["message_time"]),
                subject: row["subject"], fromAddress: row["from_address"], returnPath: row["return_path"]
            )
        }
    }

    /// Live convictions processed at or after `since`, oldest first, with their values. Convictions stored before
    /// the values were (migration v10) come back with their published observables only.
    public func convictionsForReplay(since: Date) throws -> [StoredConviction] {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT c.message_id, c.verdict, c.message_time, c.processed, d.internet_message_id, d.subject,
                    d.from_address, d.return_path, d.mailboxes, d.techniques, d.observables
                FROM etd_conviction c LEFT JOIN etd_conviction_detail d ON d.message_id = c.message_id
                WHERE c.processed >= ? AND c.cleared IS NULL
                ORDER BY c.processed, c.message_id, c.verdict
                """,
            arguments: [micros(since)]
        )
        let valuesStatement = try db.cachedStatement(
            sql: "SELECT kind, type, value, held_back FROM etd_conviction_value WHERE message_id = ? AND verdict = ? ORDER BY position"
        )
        return try rows.map { row in
            let key = ConvictionKey(messageID: row["message_id"], verdict: row["verdict"])
            let details = Self.details(row)
            var values = try Row.fetchAll(valuesStatement, arguments: [key.messageID, key.verdict]).map { value in
                let type = (value["type"] as String?).flatMap(ObservableType.init(rawValue:))
                let text: String = value["value"]
                return ConvictionValue(
                    kind: value["kind"], observable: type.map { Observable(normalisedType: $0, value: text) }, raw: text,
                    heldBack: (value["held_back"] as String?).flatMap(HoldBackReason.init(rawValue:))
                )
            }
            if values.isEmpty {
                values = details.observables.map { ConvictionValue(kind: Self.kind(of: $0.type), observable: $0, raw: $0.value, heldBack: nil) }
            }
            return StoredConviction(
                key: key, messageTime: date(micros: row["message_time"]), processed: date(micros: row["processed"]), details: details,
                values: values
            )
        }
    }

    /// The ETD kind a published observable of a conviction stored before v10 was taken as.
    static func kind(of type: ObservableType) -> String {
        switch type {
        case .ip, .ipv6: "senderIP"
        case .domain: "senderDomain"
        case .url: "url"
        case .sha256, .md5, .sha1: "attachmentSHA256"
        }
    }
}

extension StoreWriter {
    /// Ends each judgement now and marks the values of its live convictions held back for the reason.
    func endJudgements(_ endings: [PolicyEnding]) throws -> Int {
        var ended = 0
        var heldBack: [HoldBackReason: Int] = [:]
        let nowMicros = micros(now)
        for ending in endings {
            guard try endJudgementNow(ending.judgementID) else { continue }
            ended += 1
            heldBack[ending.reason, default: 0] += 1
            try db.execute(
                sql: """
                    UPDATE etd_conviction_value SET held_back = ?, decided = ?, ended_live = 1
                    WHERE type = ? AND value = ? AND held_back IS NULL AND (message_id, verdict) IN (
                        SELECT l.message_id, l.verdict FROM etd_conviction_judgement l
                        JOIN etd_conviction c ON c.message_id = l.message_id AND c.verdict = l.verdict
                        WHERE l.judgement_id = ? AND c.cleared IS NULL)
                    """,
                arguments: [ending.reason.rawValue, nowMicros, ending.observable.type.rawValue, ending.observable.value, ending.judgementID]
            )
        }
        var outcome = ConvictionPageOutcome()
        outcome.ended = ended
        outcome.heldBack = heldBack
        try addCounters(outcome)
        return ended
    }

    /// Ends one judgement now with a new label (so pollers that track changes by label see it go); false when it
    /// had already ended.
    func endJudgementNow(_ judgementID: Int64) throws -> Bool {
        let nowMicros = micros(now)
        let label = try nextLabel()
        try db.execute(
            sql: """
                UPDATE judgement SET valid_end = ?, label = ?, modified = ?
                WHERE id = ? AND (valid_end IS NULL OR valid_end > ?)
                """,
            arguments: [nowMicros, label.microseconds, nowMicros, judgementID, nowMicros]
        )
        guard db.changesCount > 0 else { return false }
        if let indicatorID = try String.fetchOne(db, sql: "SELECT indicator_id FROM judgement WHERE id = ?", arguments: [judgementID]) {
            touchedIndicators.insert(indicatorID)
        }
        return true
    }
}
