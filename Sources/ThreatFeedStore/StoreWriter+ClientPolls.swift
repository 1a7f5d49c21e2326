import Foundation
import GRDB
import ThreatFeedCore

extension StoreWriter {
    /// Adds what was seen since the last save: `polls` and `failures` are counts to add; kind, outcome and
    /// served replace what was kept, as they describe the latest poll.
    ///
    /// At most `maxClients` client addresses are kept, so that requests from ever new addresses cannot grow the table:
    /// beyond that a new client is left out, unless it was served a feed (a real gateway), in which case the client seen
    /// least recently gives way. Returns how many polls were left out.
    @discardableResult
    public func save(_ polls: [ClientPoll], maxClients: Int = .max) throws -> Int {
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO client_poll (feed, client, kind, outcome, served, first_seen, last_seen, polls, failures)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (feed, client) DO UPDATE SET kind = excluded.kind, outcome = excluded.outcome,
                    served = excluded.served, first_seen = min(first_seen, excluded.first_seen), last_seen = excluded.last_seen,
                    polls = polls + excluded.polls, failures = failures + excluded.failures
                """
        )
        var clients = try Int.fetchOne(db, sql: "SELECT count(DISTINCT client) FROM client_poll") ?? 0
        var dropped = 0
        // Served polls first, so that a gateway is not left out behind a burst of refused requests.
        for poll in polls.sorted(by: { $0.succeeded && !$1.succeeded }) {
            let known = try Bool.fetchOne(db, sql: "SELECT 1 FROM client_poll WHERE client = ? LIMIT 1", arguments: [poll.client]) ?? false
            if !known {
                if clients >= maxClients {
                    guard poll.succeeded else {
                        dropped += 1
                        continue
                    }
                    try evictLeastRecentClient()
                } else {
                    clients += 1
                }
            }
            try statement.execute(arguments: [
                poll.feed, poll.client, poll.kind.rawValue, poll.outcome.rawValue, poll.served, micros(poll.firstSeen),
                micros(poll.lastSeen), poll.polls, poll.failures,
            ])
        }
        return dropped
    }

    private func evictLeastRecentClient() throws {
        guard let client = try String.fetchOne(
            db, sql: "SELECT client FROM client_poll GROUP BY client ORDER BY max(last_seen), client LIMIT 1"
        ) else { return }
        try db.execute(sql: "DELETE FROM client_poll WHERE client = ?", arguments: [client])
        try db.execute(sql: "DELETE FROM client_request WHERE client = ?", arguments: [client])
    }

    /// Keeps request samples; at most `perClient` per client address, the first ones, and samples of at most
    /// `maxClients` addresses.
    public func save(_ samples: [RequestSample], perClient: Int, maxClients: Int = .max) throws {
        for sample in samples {
            let kept = try Int.fetchOne(db, sql: "SELECT count(*) FROM client_request WHERE client = ?", arguments: [sample.client]) ?? 0
            guard kept < perClient else { continue }
            if kept == 0, try Int.fetchOne(db, sql: "SELECT count(DISTINCT client) FROM client_request") ?? 0 >= maxClients { continue }
            try db.execute(
                sql: "INSERT INTO client_request (client, at, method, target, headers, body_prefix) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [sample.client, micros(sample.at), sample.method, sample.target, sample.headers.joined(separator: "\n"), sample.bodyPrefix]
            )
        }
    }

    /// Retention for client records: poll rows not seen since `cutoff`, and the request samples of clients that have
    /// no poll row left and were taken before `cutoff`. Returns the rows deleted.
    public func pruneClientRecords(lastSeenBefore cutoff: Date) throws -> Int {
        try db.execute(sql: "DELETE FROM client_poll WHERE last_seen < ?", arguments: [micros(cutoff)])
        var removed = db.changesCount
        try db.execute(sql: "DELETE FROM client_poll_hour WHERE hour < ?", arguments: [CalendarBucket.hour(of: cutoff)])
        removed += db.changesCount
        try db.execute(
            sql: "DELETE FROM client_request WHERE at < ? AND client NOT IN (SELECT client FROM client_poll)", arguments: [micros(cutoff)]
        )
        removed += db.changesCount
        return removed
    }
}

extension StoreReader {
    /// Every (feed, client) pair seen, most recent first; a page of them with `limit` and `offset`.
    public func clientPolls(limit: Int = -1, offset: Int = 0) throws -> [ClientPoll] {
        try Row.fetchAll(
            db, sql: "SELECT * FROM client_poll ORDER BY last_seen DESC, feed, client LIMIT ? OFFSET ?", arguments: [limit, offset]
        ).map { row in
            ClientPoll(
                feed: row["feed"], client: row["client"], kind: ClientPoll.Kind(rawValue: row["kind"]) ?? .ctiaJSON,
                outcome: ClientPoll.Outcome(rawValue: row["outcome"]) ?? .refused, served: row["served"],
                firstSeen: date(micros: row["first_seen"]), lastSeen: date(micros: row["last_seen"]), polls: row["polls"],
                failures: row["failures"]
            )
        }
    }

    /// (feed, client) pairs kept.
    public func clientPollCount() throws -> Int {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM client_poll") ?? 0
    }

    /// The kept first requests, by client then time; only those of `clients` when given.
    public func requestSamples(of clients: Set<String>? = nil) throws -> [RequestSample] {
        let rows: [Row]
        if let clients {
            guard !clients.isEmpty else { return [] }
            let marks = Array(repeating: "?", count: clients.count).joined(separator: ",")
            rows = try Row.fetchAll(
                db, sql: "SELECT * FROM client_request WHERE client IN (\(marks)) ORDER BY client, at, id",
                arguments: StatementArguments(clients.sorted())
            )
        } else {
            rows = try Row.fetchAll(db, sql: "SELECT * FROM client_request ORDER BY client, at, id")
        }
        return rows.map { row in
            RequestSample(
                client: row["client"], at: date(micros: row["at"]), method: row["method"], target: row["target"],
                headers: (row["headers"] as String).split(separator: "\n").map(String.init), bodyPrefix: row["body_prefix"]
            )
        }
    }
}
