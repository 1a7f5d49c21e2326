import Foundation
import GRDB
import ThreatFeedCore

extension StoreReader {
    /// An indicator's judgements for TAXII 2.1 in the versions `selection` asks for: the current row of each
    /// judgement and, where asked, the earlier versions `judgement_version` kept, merged by label from `fromLabel`
    /// (inclusive), optionally only judgements whose id is listed, at most `limit`. Each version is the judgement as it
    /// stood then, with its label of that time.
    public func forEachJudgementVersionByLabel(
        ofIndicator id: String,
        fromLabel: TimestampLabel?,
        judgementIDs: [String]? = nil,
        selection: JudgementVersionSelection,
        limit: Int,
        _ body: (StoredJudgement) throws -> Void
    ) throws {
        let from = fromLabel?.microseconds ?? Int64.min
        var arguments: StatementArguments = []
        var arms: [String] = []

        // The current rows: the newest version of each judgement.
        var current: [String] = []
        if selection.newest || selection.every {
            current = ["1"]
        } else {
            if selection.earliest { current.append("NOT EXISTS (SELECT 1 FROM judgement_version w WHERE w.judgement_id = j.id)") }
            if !selection.labels.isEmpty { current.append("j.label IN (\(databaseQuestionMarks(count: selection.labels.count)))") }
        }
        if !current.isEmpty {
            var sql = """
                SELECT j.uuid AS uuid, j.indicator_id AS indicator_id, j.source AS source, j.created AS created,
                    j.disposition AS disposition, j.confidence AS confidence, j.severity AS severity, j.tlp AS tlp,
                    j.priority AS priority, j.reason AS reason, j.valid_start AS valid_start, j.valid_end AS valid_end,
                    j.provenance AS provenance, j.label AS label, j.modified AS modified, o.type AS type, o.value AS value
                FROM judgement j JOIN observable o ON o.id = j.observable_id
                WHERE j.indicator_id = ? AND j.label >= ?
                """
            arguments += [id, from]
            if let judgementIDs {
                sql += " AND j.uuid IN (\(databaseQuestionMarks(count: judgementIDs.count)))"
                arguments += StatementArguments(judgementIDs)
            }
            sql += " AND (" + current.joined(separator: " OR ") + ")"
            if !selection.newest, !selection.every, !selection.labels.isEmpty { arguments += StatementArguments(selection.labels.map(\.microseconds)) }
            arms.append(sql)
        }

        // The earlier versions, only when something besides the newest can match.
        var earlier: [String] = []
        if selection.every {
            earlier = ["1"]
        } else {
            if selection.earliest {
                earlier.append("NOT EXISTS (SELECT 1 FROM judgement_version w WHERE w.judgement_id = v.judgement_id AND w.label < v.label)")
            }
            if !selection.labels.isEmpty { earlier.append("v.label IN (\(databaseQuestionMarks(count: selection.labels.count)))") }
        }
        if !earlier.isEmpty {
            var sql = """
                SELECT j.uuid, v.indicator_id, j.source, j.created, v.disposition, v.confidence, v.severity, v.tlp,
                    v.priority, v.reason, v.valid_start, v.valid_end, v.provenance, v.label, v.modified, o.type, o.value
                FROM judgement_version v JOIN judgement j ON j.id = v.judgement_id JOIN observable o ON o.id = j.observable_id
                WHERE v.indicator_id = ? AND v.label >= ?
                """
            arguments += [id, from]
            if let judgementIDs {
                sql += " AND j.uuid IN (\(databaseQuestionMarks(count: judgementIDs.count)))"
                arguments += StatementArguments(judgementIDs)
            }
            sql += " AND (" + earlier.joined(separator: " OR ") + ")"
            if !selection.every, !selection.labels.isEmpty { arguments += StatementArguments(selection.labels.map(\.microseconds)) }
            arms.append(sql)
        }
        guard !arms.isEmpty else { return }
        // Each arm is read in label order from its (indicator, label) index and the two are merged, so a page costs
        // its own rows, not the collection's.
        let sql = arms.joined(separator: "\nUNION ALL\n") + "\nORDER BY label LIMIT ?"
        arguments += [limit]
        let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
        while let row = try rows.next() { try body(Self.storedJudgement(row)) }
    }
}
