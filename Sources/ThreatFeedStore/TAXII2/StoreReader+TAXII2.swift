import Foundation
import GRDB
import ThreatFeedCore

extension StoreReader {
    /// An indicator's judgements for TAXII 2.1, live or not (an ended judgement is how consumers learn it ended),
    /// by label, from `fromLabel` (inclusive), optionally only those whose id or label is listed, at most `limit`.
    public func forEachJudgementByLabel(
        ofIndicator id: String,
        fromLabel: TimestampLabel?,
        judgementIDs: [String]? = nil,
        labels: [TimestampLabel]? = nil,
        limit: Int,
        _ body: (StoredJudgement) throws -> Void
    ) throws {
        var sql = """
            SELECT j.*, o.type, o.value FROM judgement j JOIN observable o ON o.id = j.observable_id
            WHERE j.indicator_id = ? AND j.label >= ?
            """
        var arguments: StatementArguments = [id, fromLabel?.microseconds ?? Int64.min]
        if let judgementIDs {
            sql += " AND j.uuid IN (\(databaseQuestionMarks(count: judgementIDs.count)))"
            arguments += StatementArguments(judgementIDs)
        }
        if let labels {
            sql += " AND j.label IN (\(databaseQuestionMarks(count: labels.count)))"
            arguments += StatementArguments(labels.map(\.microseconds))
        }
        sql += " ORDER BY j.label LIMIT ?"
        arguments += [limit]
        let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
        while let row = try rows.next() { try body(Self.storedJudgement(row)) }
    }

    /// A key made by `Store.serverKey(named:)`, if it exists yet.
    public func serverKey(named name: String) throws -> [UInt8]? {
        try Data.fetchOne(db, sql: "SELECT key FROM server_key WHERE name = ?", arguments: [name]).map { Array($0) }
    }
}
