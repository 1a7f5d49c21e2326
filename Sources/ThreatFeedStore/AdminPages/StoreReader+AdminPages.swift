import Foundation
import GRDB
import ThreatFeedCore

/// The queries behind the administrator's pages (`/ui/`). Each is an index search (AdminPageQueryPlanTests):
/// a page must answer quickly on a store of a million judgements.
extension StoreReader {
    // The figures come from `judgement_tally` (Migrations+JudgementTally): the day rows before today, then the
    // instant rows of today up to now. :today is today's day number, :todayStart its first microsecond.

    static let liveObservableTypesSQL = """
        SELECT type, sum(n) AS n FROM (
            SELECT type, starts - stops AS n FROM judgement_tally WHERE indicator_id = :indicator AND grain = 1 AND at < :today
            UNION ALL
            SELECT type, starts - CASE WHEN at < :now THEN stops ELSE 0 END FROM judgement_tally
            WHERE indicator_id = :indicator AND grain = 0 AND at >= :todayStart AND at <= :now
        ) GROUP BY type HAVING sum(n) > 0 ORDER BY n DESC, type
        """

    static let judgementCountSQL = "SELECT sum(added) FROM judgement_tally WHERE indicator_id = ? AND grain = 1"

    static let additionsPerDaySQL = """
        SELECT at AS day, sum(added) AS n FROM judgement_tally WHERE indicator_id = :indicator AND grain = 1 AND at >= :sinceDay
        GROUP BY at HAVING sum(added) > 0 ORDER BY at
        """

    static let endsPerDaySQL = """
        SELECT at AS day, sum(ends) AS n FROM judgement_tally WHERE indicator_id = :indicator AND grain = 1 AND at >= :sinceDay AND at < :today
        GROUP BY at HAVING sum(ends) > 0
        UNION ALL
        SELECT :today, sum(ends) FROM judgement_tally WHERE indicator_id = :indicator AND grain = 0 AND at >= :todayStart AND at <= :now
        HAVING sum(ends) > 0
        ORDER BY day
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

    static func today(_ now: Date) -> [String: any DatabaseValueConvertible] {
        let today = CalendarBucket.day(of: now)
        return ["now": micros(now), "today": today, "todayStart": today &* CalendarBucket.microsPerDay]
    }

    /// Live observables of the indicator by type (an observable judged by two sources counts once), most first.
    public func liveObservableTypes(ofIndicator id: String, at now: Date) throws -> [TypeCount] {
        var arguments = Self.today(now)
        arguments["indicator"] = id
        return try Row.fetchAll(
            try db.cachedStatement(sql: Self.liveObservableTypesSQL), arguments: StatementArguments(arguments)
        ).map { TypeCount(type: $0["type"], count: $0["n"]) }
    }

    /// How many judgements the indicator holds.
    public func judgementCount(ofIndicator id: String) throws -> Int {
        try Int.fetchOne(try db.cachedStatement(sql: Self.judgementCountSQL), arguments: [id]) ?? 0
    }

    /// Judgements (still stored) first created on each day from `since`'s day on.
    public func additionsPerDay(ofIndicator id: String, since: Date) throws -> [DayCount] {
        try Row.fetchAll(
            try db.cachedStatement(sql: Self.additionsPerDaySQL),
            arguments: ["indicator": id, "sinceDay": CalendarBucket.day(of: since)]
        ).map { DayCount(day: $0["day"], count: $0["n"]) }
    }

    /// Judgements whose validity ended on each day from `since`'s day to `now` (ended by ETD or a policy, or expired).
    public func endsPerDay(ofIndicator id: String, since: Date, now: Date) throws -> [DayCount] {
        var arguments = Self.today(now)
        arguments["indicator"] = id
        arguments["sinceDay"] = CalendarBucket.day(of: since)
        return try Row.fetchAll(
            try db.cachedStatement(sql: Self.endsPerDaySQL), arguments: StatementArguments(arguments)
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
