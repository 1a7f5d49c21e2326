import Foundation
import GRDB
import ThreatFeedCore

extension StoreWriter {
    /// The message's details, next to its conviction (same transaction). A later verdict on the
    /// same message replaces them: ETD describes the same message, perhaps with more techniques.
    func recordDetails(_ conviction: ConvictionPage.Conviction) throws {
        let details = conviction.details
        try db.cachedStatement(
            sql: """
                INSERT INTO etd_conviction_detail
                    (message_id, internet_message_id, subject, from_address, mailboxes, techniques, observables, message_time, return_path)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(message_id) DO UPDATE SET
                    internet_message_id = excluded.internet_message_id, subject = excluded.subject,
                    from_address = excluded.from_address, mailboxes = excluded.mailboxes, techniques = excluded.techniques,
                    observables = excluded.observables, message_time = excluded.message_time, return_path = excluded.return_path
                """
        ).execute(arguments: [
            conviction.key.messageID, details.internetMessageID, details.subject, details.fromAddress,
            try ConvictionDetailJSON.encode(details.mailboxes), try ConvictionDetailJSON.encode(details.techniques),
            try ConvictionDetailJSON.encode(details.observables), micros(conviction.messageTime), details.returnPath,
        ])
        try recordValues(conviction)
    }

    /// The values the policy judged, replacing those of an earlier (cleared) run of the same conviction.
    func recordValues(_ conviction: ConvictionPage.Conviction) throws {
        let key = conviction.key
        try db.execute(sql: "DELETE FROM etd_conviction_value WHERE message_id = ? AND verdict = ?", arguments: [key.messageID, key.verdict])
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO etd_conviction_value (message_id, verdict, position, kind, type, value, held_back, decided)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """
        )
        for (position, value) in conviction.values.enumerated() {
            try statement.execute(arguments: [
                key.messageID, key.verdict, position, value.kind, value.observable?.type.rawValue, value.text,
                value.heldBack?.rawValue, micros(now),
            ])
        }
    }
}

/// The JSON columns of `etd_conviction_detail`: arrays of strings, and observables as `{"type","value"}`.
enum ConvictionDetailJSON {
    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Tolerant: a column that does not decode reads as empty rather than failing a listing.
    static func decode<T: Decodable>(_ type: T.Type, from text: String?, default fallback: T) -> T {
        guard let text, let value = try? JSONDecoder().decode(T.self, from: Data(text.utf8)) else { return fallback }
        return value
    }
}

extension StoreReader {
    /// Live convictions (not cleared) with one of `verdicts`, processed after `time`, with their
    /// message details, oldest first. What actions on convictions start from.
    public func convictionDetails(processedAfter time: Date, verdicts: [String]) throws -> [ConvictionRecord] {
        guard !verdicts.isEmpty else { return [] }
        let marks = Array(repeating: "?", count: verdicts.count).joined(separator: ", ")
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT c.message_id, c.verdict, c.message_time, c.processed, d.internet_message_id, d.subject,
                    d.from_address, d.mailboxes, d.techniques, d.observables
                FROM etd_conviction c JOIN etd_conviction_detail d ON d.message_id = c.message_id
                WHERE c.processed > ? AND c.cleared IS NULL AND c.verdict IN (\(marks))
                ORDER BY c.processed, c.message_id
                """,
            arguments: StatementArguments([micros(time)]) + StatementArguments(verdicts.map { $0.lowercased() })
        )
        return rows.map(Self.convictionRecord)
    }

    static func convictionRecord(_ row: Row) -> ConvictionRecord {
        ConvictionRecord(
            key: ConvictionKey(messageID: row["message_id"], verdict: row["verdict"]),
            messageTime: date(micros: row["message_time"]), processed: date(micros: row["processed"]),
            details: details(row)
        )
    }

    static func details(_ row: Row) -> ConvictionDetails {
        ConvictionDetails(
            internetMessageID: row["internet_message_id"], subject: row["subject"], fromAddress: row["from_address"],
            mailboxes: ConvictionDetailJSON.decode([String].self, from: row["mailboxes"], default: []),
            techniques: ConvictionDetailJSON.decode([String].self, from: row["techniques"], default: []),
            observables: ConvictionDetailJSON.decode([Observable].self, from: row["observables"], default: []),
            returnPath: row.hasColumn("return_path") ? row["return_path"] : nil
        )
    }
}
