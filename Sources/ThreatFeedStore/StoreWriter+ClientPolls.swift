import Foundation
import GRDB
import ThreatFeedCore

extension StoreWriter {
    /// Adds what was seen since the last save: `polls` and `failures` are counts to add; kind, outcome and
    /// served replace what was kept, as they describe the latest poll.
    public func save(_ polls: [ClientPoll]) throws {
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO client_poll (feed, client, kind, outcome, served, first_seen, last_seen, polls, failures)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (feed, client) DO UPDATE SET kind = excluded.kind, outcome = excluded.outcome,
                    served = excluded.served, first_seen = min(first_seen, excluded.first_seen), last_seen = excluded.last_seen,
                    polls = polls + excluded.polls, failures = failures + excluded.failures
                """
        )
        for poll in polls {
            try statement.execute(arguments: [
                poll.feed, poll.client, poll.kind.rawValue, poll.outcome.rawValue, poll.served, micros(poll.firstSeen),
                micros(poll.lastSeen), poll.polls, poll.failures,
            ])
        }
    }

    /// Keeps request samples; at most `perClient` per client address, the first ones.
    public func save(_ samples: [RequestSample], perClient: Int) throws {
        for sample in samples {
            let kept = try Int.fetchOne(db, sql: "SELECT count(*) FROM client_request WHERE client = ?", arguments: [sample.client]) ?? 0
            guard kept < perClient else { continue }
            try db.execute(
                sql: "INSERT INTO client_request (client, at, method, target, headers, body_prefix) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [sample.client, micros(sample.at), sample.method, sample.target, sample.headers.joined(separator: "\n"), sample.bodyPrefix]
            )
        }
    }
}

extension StoreReader {
    /// Every (feed, client) pair seen, most recent first.
    public func clientPolls() throws -> [ClientPoll] {
        try Row.fetchAll(db, sql: "SELECT * FROM client_poll ORDER BY last_seen DESC").map { row in
            ClientPoll(
                feed: row["feed"], client: row["client"], kind: ClientPoll.Kind(rawValue: row["kind"]) ?? .ctiaJSON,
                outcome: ClientPoll.Outcome(rawValue: row["outcome"]) ?? .refused, served: row["served"],
                firstSeen: date(micros: row["first_seen"]), lastSeen: date(micros: row["last_seen"]), polls: row["polls"],
                failures: row["failures"]
            )
        }
    }

    /// The kept first requests, by client then time.
    public func requestSamples() throws -> [RequestSample] {
        try Row.fetchAll(db, sql: "SELECT * FROM client_request ORDER BY client, at, id").map { row in
            RequestSample(
                client: row["client"], at: date(micros: row["at"]), method: row["method"], target: row["target"],
                headers: (row["headers"] as String).split(separator: "\n").map(String.init), bodyPrefix: row["body_prefix"]
            )
        }
    }
}
