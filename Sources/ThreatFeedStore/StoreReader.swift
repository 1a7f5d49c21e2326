import Foundation
import GRDB
import ThreatFeedCore

/// Queries named for what they mean. Valid only inside the closure that received it.
public struct StoreReader {
    let db: Database

    // MARK: Indicators

    public func indicator(named name: EntityName) throws -> Indicator? {
        try Row.fetchOne(try db.cachedStatement(sql: "SELECT * FROM indicator WHERE name = ?"), arguments: [name.value]).map { try Self.indicator($0) }
    }

    public func indicator(id: String) throws -> Indicator? {
        try Row.fetchOne(try db.cachedStatement(sql: "SELECT * FROM indicator WHERE id = ?"), arguments: [id]).map { try Self.indicator($0) }
    }

    public func indicators() throws -> [Indicator] {
        try Row.fetchAll(try db.cachedStatement(sql: "SELECT * FROM indicator ORDER BY name")).map { try Self.indicator($0) }
    }

    /// Changes with every write to the indicator's judgements; rendered feed bodies are keyed on it.
    public func revision(ofIndicator id: String) throws -> Int64? {
        try Int64.fetchOne(try db.cachedStatement(sql: "SELECT revision FROM indicator WHERE id = ?"), arguments: [id])
    }

    /// A stored name this version accepts. Names are checked when written, but a restored or older database may
    /// hold one from before a rule: that is a clear error naming it, never a crash.
    static func storedName(_ row: Row, kind: String) throws(StoreError) -> EntityName {
        try storedName(row["name"], kind: kind)
    }

    static func storedName(_ text: String?, kind: String) throws(StoreError) -> EntityName {
        do {
            return try EntityName(text ?? "")
        } catch {
            throw .invalidStoredName(kind: kind, name: text ?? "", problem: error.problem)
        }
    }

    private static func indicator(_ row: Row) throws(StoreError) -> Indicator {
        Indicator(
            id: row["id"], name: try storedName(row, kind: "indicator"), title: row["title"],
            description: row["description"], created: date(micros: row["created"])
        )
    }

    // MARK: Feeds

    // Feeds and users are read on every poll (the collection, the Basic user): their rows are decoded by position,
    // from the columns these lists name in this order, not by column name (a case-insensitive search per column).
    static let feedColumns = "f.id, f.name, f.indicator_id, f.output, f.secret, f.collection_name, f.lifetime_start, f.lifetime_end, f.max_part_size, f.created"
    static let userColumns = "u.id, u.name, u.password_hash, u.created"

    public func feed(named name: EntityName) throws -> Feed? {
        try feeds(where: "f.name = ?", [name.value]).first
    }

    /// By `feed-<uuid>`, the id in the view URL.
    public func feed(id: String) throws -> Feed? {
        try feeds(where: "f.id = ?", [id]).first
    }

    public func feed(collectionName: String) throws -> Feed? {
        try feeds(where: "f.collection_name = ?", [collectionName]).first
    }

    public func feeds() throws -> [Feed] {
        try feeds(where: "1")
    }

    private func feeds(where condition: String, _ arguments: StatementArguments = []) throws -> [Feed] {
        try StatementColumns.rows(
            db, sql: "SELECT \(Self.feedColumns) FROM feed f WHERE \(condition) ORDER BY f.name", arguments: arguments
        ) { row in
            let start = row.optionalInt64(6)
            let end = row.optionalInt64(7)
            return Feed(
                id: try row.string(0), name: try Self.storedName(row.optionalString(1), kind: "feed"), indicatorID: try row.string(2),
                output: FeedOutput(rawValue: try row.string(3)) ?? .observables, secret: FeedSecret(try row.string(4)),
                collectionName: try row.string(5),
                lifetime: start.map { ValidTime(start: date(micros: $0), end: end.map { date(micros: $0) }) },
                maxPartSize: row.optionalInt64(8).map { Int(clamping: $0) },
                created: date(micros: try row.int64(9))
            )
        }
    }

    // MARK: Users and grants

    public func user(named name: EntityName) throws -> User? {
        try users(where: "u.name = ?", [name.value]).first
    }

    public func users() throws -> [User] {
        try users(where: "1")
    }

    /// The users whose Basic credentials open the feed's collection, by name.
    public func usersGranted(feed id: String) throws -> [User] {
        try users(where: "u.id IN (SELECT user_id FROM feed_grant WHERE feed_id = ?)", [id])
    }

    private func users(where condition: String, _ arguments: StatementArguments = []) throws -> [User] {
        try StatementColumns.rows(
            db, sql: "SELECT \(Self.userColumns) FROM user u WHERE \(condition) ORDER BY u.name", arguments: arguments
        ) { row in
            User(
                id: try row.string(0), name: try Self.storedName(row.optionalString(1), kind: "user"),
                passwordHash: try row.string(2), created: date(micros: try row.int64(3))
            )
        }
    }

    /// The feeds a user may poll over TAXII, by name.
    public func feedsGranted(toUser id: String) throws -> [Feed] {
        try feeds(where: "f.id IN (SELECT feed_id FROM feed_grant WHERE user_id = ?)", [id])
    }

    public func isGranted(feed feedID: String, toUser userID: String) throws -> Bool {
        try Bool.fetchOne(
            try db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM feed_grant WHERE feed_id = ? AND user_id = ?)"), arguments: [feedID, userID]
        ) ?? false
    }

    // MARK: Judgements

    /// The SQL condition "valid time covers `now`", inclusive at both ends as CTIM's `valid-now?`.
    static func live(at now: String) -> String { "j.valid_start <= \(now) AND (j.valid_end IS NULL OR j.valid_end >= \(now))" }
    static let live = live(at: ":now")
    /// With "now" as numbered parameter 2, for the queries every poll runs (bound by position).
    static let liveAtParameter2 = live(at: "?2")

    /// Live observables of an indicator, each once, in value order (bytewise, as `/view.txt` wants).
    public func forEachLiveObservableByValue(ofIndicator id: String, at now: Date, _ body: (Observable) throws -> Void) throws {
        let rows = try Row.fetchCursor(
            try db.cachedStatement(sql: """
                SELECT DISTINCT o.type, o.value FROM judgement j JOIN observable o ON o.id = j.observable_id
                WHERE j.indicator_id = :indicator AND \(Self.live)
                ORDER BY o.value, o.type
                """),
            arguments: ["indicator": id, "now": micros(now)]
        )
        while let row = try rows.next() {
            guard let type = ObservableType(rawValue: row[0]) else { continue }
            try body(Observable(normalisedType: type, value: row[1]))
        }
    }

    /// Live observables of an indicator, each once, in the order they were first stored.
    public func forEachLiveObservable(ofIndicator id: String, at now: Date, _ body: (Observable) throws -> Void) throws {
        // The (indicator_id, observable_id, source) unique index yields rows grouped by observable: no sort needed.
        let rows = try Row.fetchCursor(
            try db.cachedStatement(sql: """
                SELECT o.type, o.value FROM judgement j JOIN observable o ON o.id = j.observable_id
                WHERE j.indicator_id = :indicator AND \(Self.live)
                GROUP BY j.observable_id ORDER BY j.observable_id
                """),
            arguments: ["indicator": id, "now": micros(now)]
        )
        while let row = try rows.next() {
            guard let type = ObservableType(rawValue: row[0]) else { continue }
            try body(Observable(normalisedType: type, value: row[1]))
        }
    }

    /// Live judgements of an indicator by label, optionally only those with `after < label <= upTo`
    /// (a TAXII poll window), skipping `offset` and stopping after `limit`.
    ///
    /// Columns are read by position: a poll reads every row of a feed, and name lookups and the provenance JSON
    /// showed in its profile. `withProvenance: false` leaves the provenance empty for readers that do not show it.
    public func forEachLiveJudgement(
        ofIndicator id: String,
        at now: Date,
        after: TimestampLabel? = nil,
        upTo: TimestampLabel? = nil,
        offset: Int = 0,
        limit: Int? = nil,
        withProvenance: Bool = true,
        _ body: (StoredJudgement) throws -> Void
    ) throws {
        let rows = try Row.fetchCursor(
            try db.cachedStatement(sql: """
                SELECT \(Self.judgementColumns)\(withProvenance ? ", j.provenance" : "")
                FROM judgement j JOIN observable o ON o.id = j.observable_id
                WHERE j.indicator_id = :indicator AND \(Self.live) AND j.label > :after AND j.label <= :upTo
                ORDER BY j.label LIMIT :limit OFFSET :offset
                """),
            arguments: [
                "indicator": id, "now": micros(now), "after": after?.microseconds ?? Int64.min,
                "upTo": upTo?.microseconds ?? Int64.max, "limit": limit ?? -1, "offset": offset,
            ]
        )
        while let row = try rows.next() {
            try body(Self.storedJudgement(columns: row))
        }
    }

    /// The columns `storedJudgement(columns:)` reads, in its order; `j.provenance` may follow.
    static let judgementColumns = """
        j.uuid, j.label, j.indicator_id, j.created, j.modified, o.type, o.value, j.disposition, j.source, j.confidence, \
        j.severity, j.tlp, j.priority, j.reason, j.valid_start, j.valid_end
        """

    static func storedJudgement(columns row: Row) -> StoredJudgement {
        let endMicros: Int64? = row[15]
        let provenanceText: String? = row.count > 16 ? row[16] : nil
        let judgement = Judgement(
            observable: Observable(normalisedType: ObservableType(rawValue: row[5]) ?? .domain, value: row[6]),
            disposition: Disposition(rawValue: row[7]) ?? .unknown,
            source: row[8],
            confidence: Confidence(rawValue: row[9]) ?? .unknown,
            severity: Severity(rawValue: row[10]) ?? .unknown,
            tlp: TLP(rawValue: row[11]) ?? .amber,
            priority: row[12],
            reason: row[13],
            validTime: ValidTime(start: date(micros: row[14]), end: endMicros.map { date(micros: $0) }),
            provenance: provenanceText.flatMap(Self.decodeProvenance) ?? [:]
        )
        return StoredJudgement(
            id: row[0], label: TimestampLabel(microseconds: row[1]), indicatorID: row[2],
            created: date(micros: row[3]), modified: date(micros: row[4]), judgement: judgement
        )
    }

    /// How many live judgements of an indicator have `after < label <= upTo` (a TAXII `Record_Count`).
    public func countLiveJudgements(
        ofIndicator id: String, at now: Date, after: TimestampLabel? = nil, upTo: TimestampLabel? = nil
    ) throws -> Int {
        try Int.fetchOne(
            try db.cachedStatement(sql: """
                SELECT count(*) FROM judgement j
                WHERE j.indicator_id = ?1 AND \(Self.liveAtParameter2) AND j.label > ?3 AND j.label <= ?4
                """),
            arguments: [id, micros(now), after?.microseconds ?? Int64.min, upTo?.microseconds ?? Int64.max]
        ) ?? 0
    }

    /// Every judgement of an indicator, live or not, by label (for export).
    public func forEachJudgement(ofIndicator id: String, _ body: (StoredJudgement) throws -> Void) throws {
        let rows = try Row.fetchCursor(
            try db.cachedStatement(sql: """
                SELECT j.*, o.type, o.value FROM judgement j JOIN observable o ON o.id = j.observable_id
                WHERE j.indicator_id = ? ORDER BY j.label
                """),
            arguments: [id]
        )
        while let row = try rows.next() { try body(Self.storedJudgement(row)) }
    }

    static func storedJudgement(_ row: Row) -> StoredJudgement {
        let type = ObservableType(rawValue: row["type"]) ?? .domain
        let provenanceText: String? = row["provenance"]
        let endMicros: Int64? = row["valid_end"]
        let judgement = Judgement(
            observable: Observable(normalisedType: type, value: row["value"]),
            disposition: Disposition(rawValue: row["disposition"]) ?? .unknown,
            source: row["source"],
            confidence: Confidence(rawValue: row["confidence"]) ?? .unknown,
            severity: Severity(rawValue: row["severity"]) ?? .unknown,
            tlp: TLP(rawValue: row["tlp"]) ?? .amber,
            priority: row["priority"],
            reason: row["reason"],
            validTime: ValidTime(start: date(micros: row["valid_start"]), end: endMicros.map { date(micros: $0) }),
            provenance: provenanceText.flatMap(Self.decodeProvenance) ?? [:]
        )
        return StoredJudgement(
            id: row["uuid"],
            label: TimestampLabel(microseconds: row["label"]),
            indicatorID: row["indicator_id"],
            created: date(micros: row["created"]),
            modified: date(micros: row["modified"]),
            judgement: judgement
        )
    }

    private static func decodeProvenance(_ text: String) -> [String: String]? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { return nil }
        return object.compactMapValues { $0 as? String }
    }

    // MARK: Statistics

    /// What `/health/feeds` and `feed show` report about an indicator right now.
    public struct IndicatorStatistics: Sendable, Equatable {
        public var liveObservables: Int
        public var judgements: Int
        public var newestLabel: TimestampLabel?
    }

    /// Live observables and judgements from `judgement_tally`, a sum of a few rows however large the indicator.
    public func statistics(ofIndicator id: String, at now: Date) throws -> IndicatorStatistics {
        let live = try liveObservableTypes(ofIndicator: id, at: now).reduce(0) { $0 + $1.count }
        let total = try judgementCount(ofIndicator: id)
        let newest = try Int64.fetchOne(try db.cachedStatement(sql: "SELECT max(label) FROM judgement WHERE indicator_id = ?"), arguments: [id])
        return IndicatorStatistics(liveObservables: live, judgements: total, newestLabel: newest.map(TimestampLabel.init(microseconds:)))
    }

    /// The first instant after `now` at which some judgement of the indicator starts or stops being live:
    /// a view rendered at `now` stays right until then (or until the indicator's revision changes).
    public func nextValidityChange(ofIndicator id: String, after now: Date) throws -> Date? {
        let value = try Int64.fetchOne(
            try db.cachedStatement(sql: """
                SELECT min(t) FROM (
                    SELECT min(valid_start) AS t FROM judgement WHERE indicator_id = :indicator AND valid_start > :now
                    UNION ALL
                    SELECT min(valid_end) + 1 AS t FROM judgement WHERE indicator_id = :indicator AND valid_end >= :now
                )
                """),
            arguments: ["indicator": id, "now": micros(now)]
        )
        return value.map { date(micros: $0) }
    }

    /// Counts for tests and summaries.
    public func countJudgements(ofIndicator id: String) throws -> Int {
        try Int.fetchOne(try db.cachedStatement(sql: "SELECT count(*) FROM judgement WHERE indicator_id = ?"), arguments: [id]) ?? 0
    }

    public func lastLabel() throws -> TimestampLabel {
        TimestampLabel(microseconds: try Int64.fetchOne(try db.cachedStatement(sql: "SELECT value FROM store_state WHERE key = 'last_label'")) ?? 0)
    }
}

extension StoreReader {
    /// One page of an indicator's live observables, each once, by store id after `afterObservableID`
    /// (CTIA feed paging). The (indicator_id, observable_id, source) unique index yields them in that order.
    public func liveObservablePage(
        ofIndicator id: String, at now: Date, afterObservableID: Int64, limit: Int
    ) throws -> [(id: Int64, observable: Observable)] {
        let rows = try Row.fetchAll(
            try db.cachedStatement(sql: """
                SELECT o.id, o.type, o.value FROM judgement j JOIN observable o ON o.id = j.observable_id
                WHERE j.indicator_id = :indicator AND j.valid_start <= :now AND (j.valid_end IS NULL OR j.valid_end >= :now)
                    AND j.observable_id > :after
                GROUP BY j.observable_id ORDER BY j.observable_id LIMIT :limit
                """),
            arguments: ["indicator": id, "now": micros(now), "after": afterObservableID, "limit": limit]
        )
        return rows.compactMap { row in
            guard let type = ObservableType(rawValue: row[1]) else { return nil }
            return (row[0], Observable(normalisedType: type, value: row[2]))
        }
    }
}
