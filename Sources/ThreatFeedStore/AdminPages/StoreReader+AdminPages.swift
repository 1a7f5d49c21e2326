import Foundation
import GRDB
import ThreatFeedCore

/// The queries behind the administrator's pages (`/ui/`). Each is an index search (AdminPageQueryPlanTests):
/// a page must answer quickly on a store of a million judgements.
extension StoreReader {
    static let adminLive = "j.valid_start <= :now AND (j.valid_end IS NULL OR j.valid_end >= :now)"

    static let liveObservableTypesSQL = """
        SELECT o.type, count(DISTINCT j.observable_id) AS n FROM judgement j JOIN observable o ON o.id = j.observable_id
        WHERE j.indicator_id = :indicator AND \(Self.adminLive) GROUP BY o.type ORDER BY n DESC, o.type
        """

    static let additionsPerDaySQL = """
        SELECT created / \(CalendarBucket.microsPerDay) AS day, count(*) AS n FROM judgement
        WHERE indicator_id = :indicator AND label >= :since AND created >= :since GROUP BY day ORDER BY day
        """

    static let endsPerDaySQL = """
        SELECT valid_end / \(CalendarBucket.microsPerDay) AS day, count(*) AS n FROM judgement
        WHERE indicator_id = :indicator AND valid_end >= :since AND valid_end <= :now GROUP BY day ORDER BY day
        """

    static let newestJudgementsSQL = """
        SELECT j.*, o.type, o.value FROM judgement j JOIN observable o ON o.id = j.observable_id
        WHERE j.indicator_id = ? ORDER BY j.label DESC LIMIT ?
        """

    static let pollsPerHourSQL = """
        SELECT client, hour, polls, failures FROM client_poll_hour WHERE feed = ? AND hour >= ? ORDER BY client, hour
        """

    static let convictionsPerDaySQL = """
        SELECT message_time / \(CalendarBucket.microsPerDay) AS day, verdict, count(*) AS n FROM etd_conviction
        WHERE message_time >= ? GROUP BY day, verdict ORDER BY day, verdict
        """

    static let remediationSelect =
        "SELECT r.*, d.internet_message_id, d.subject FROM remediation r LEFT JOIN etd_conviction_detail d ON d.message_id = r.message_id"
    static let remediationProblemsSQL = "\(remediationSelect) WHERE r.state IN ('failed', 'unconfirmed') ORDER BY r.updated DESC LIMIT ?"
    static let remediationOthersSQL = "\(remediationSelect) WHERE r.state NOT IN ('failed', 'unconfirmed') ORDER BY r.updated DESC LIMIT ?"

    /// Live observables of the indicator by type (an observable judged by two sources counts once).
    /// Reads the indicator's judgements through `judgement_indicator_label`.
    public func liveObservableTypes(ofIndicator id: String, at now: Date) throws -> [TypeCount] {
        try Row.fetchAll(
            try db.cachedStatement(sql: Self.liveObservableTypesSQL),
            arguments: ["indicator": id, "now": micros(now)]
        ).map { TypeCount(type: $0["type"], count: $0["n"]) }
    }

    /// Judgements first created on each day since `since`. A judgement's label is handed out at its last write,
    /// never before its creation, so `label >= since` narrows the search to the index range of recent writes.
    public func additionsPerDay(ofIndicator id: String, since: Date) throws -> [DayCount] {
        try Row.fetchAll(
            try db.cachedStatement(sql: Self.additionsPerDaySQL),
            arguments: ["indicator": id, "since": micros(since)]
        ).map { DayCount(day: $0["day"], count: $0["n"]) }
    }

    /// Judgements whose validity ended on each day from `since` to `now` (ended by ETD or a policy, or expired).
    /// Uses `judgement_indicator_end`.
    public func endsPerDay(ofIndicator id: String, since: Date, now: Date) throws -> [DayCount] {
        try Row.fetchAll(
            try db.cachedStatement(sql: Self.endsPerDaySQL),
            arguments: ["indicator": id, "since": micros(since), "now": micros(now)]
        ).map { DayCount(day: $0["day"], count: $0["n"]) }
    }

    /// The indicator's most recently written judgements, newest first, live or not.
    public func newestJudgements(ofIndicator id: String, limit: Int) throws -> [StoredJudgement] {
        try Row.fetchAll(
            try db.cachedStatement(sql: Self.newestJudgementsSQL),
            arguments: [id, limit]
        ).map { Self.storedJudgement($0) }
    }

    /// Polls of the feed per client and hour, from `since` on.
    public func pollsPerHour(feed: String, since: Date) throws -> [ClientHourCount] {
        try Row.fetchAll(
            try db.cachedStatement(sql: Self.pollsPerHourSQL),
            arguments: [feed, CalendarBucket.hour(of: since)]
        ).map { ClientHourCount(client: $0["client"], hour: $0["hour"], polls: $0["polls"], failures: $0["failures"]) }
    }

    /// Convictions per day (of the message's time) and verdict since `since` (through `etd_conviction_message_time`).
    public func convictionsPerDay(since: Date) throws -> [VerdictDayCount] {
        try Row.fetchAll(
            try db.cachedStatement(sql: Self.convictionsPerDaySQL),
            arguments: [micros(since)]
        ).map { VerdictDayCount(day: $0["day"], verdict: $0["verdict"], count: $0["n"]) }
    }

    /// The remediation queue for the ETD page: every `failed` and `unconfirmed` row first (through `remediation_due`),
    /// newest change first, then the others newest first (through `remediation_updated`); at most `limit` in all.
    public func remediationQueue(limit: Int) throws -> [RemediationRecord] {
        let problems = try Row.fetchAll(try db.cachedStatement(sql: Self.remediationProblemsSQL), arguments: [limit])
        let others = try Row.fetchAll(
            try db.cachedStatement(sql: Self.remediationOthersSQL),
            arguments: [max(0, limit - problems.count)]
        )
        return (problems + others).map(RemediationRecord.init(row:))
    }
}

extension StoreWriter {
    /// Adds polls to the per-hour counts of the feed page's chart.
    public func save(_ hours: [(feed: String, count: ClientHourCount)]) throws {
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO client_poll_hour (feed, client, hour, polls, failures) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (feed, client, hour) DO UPDATE SET polls = polls + excluded.polls, failures = failures + excluded.failures
                """
        )
        for (feed, count) in hours {
            // Only clients the bounded client_poll table keeps (see save(_:maxClients:)): the hours stay bounded with it.
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM client_poll WHERE feed = ? AND client = ?", arguments: [feed, count.client]) ?? false
            else { continue }
            try statement.execute(arguments: [feed, count.client, count.hour, count.polls, count.failures])
        }
    }
}
