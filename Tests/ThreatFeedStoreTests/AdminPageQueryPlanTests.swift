import Foundation
import GRDB
import Testing
import ThreatFeedCore
import ThreatFeedTesting

@testable import ThreatFeedStore

/// The administrator's pages must answer quickly on a store of a million judgements (Benchmarks/RESULTS.md): every
/// query they run searches an index (the feed figures: the primary key of `judgement_tally`, a few rows per day), and the one that walks an index in order (the remediation queue's newest rows)
/// walks `remediation_updated` and stops at its limit.
@Suite struct AdminPageQueryPlanTests {
    @Test func everyAdminPageQuerySearchesAnIndex() async throws {
        try await withTemporaryStore { store in
            // The feed figures sum rows of the tally the triggers keep (v17), never the judgements themselves.
            let tally = "judgement_tally USING PRIMARY KEY"
            let queries: [(String, StatementArguments, String)] = [
                (StoreReader.liveObservableTypesSQL, ["indicator": "i", "now": 1, "today": 0, "todayStart": 0], tally),
                (StoreReader.judgementCountSQL, ["i"], tally),
                (StoreReader.additionsPerDaySQL, ["indicator": "i", "sinceDay": 1], tally),
                (StoreReader.endsPerDaySQL, ["indicator": "i", "sinceDay": 1, "now": 2, "today": 0, "todayStart": 0], tally),
                ("SELECT max(label) FROM judgement WHERE indicator_id = ?", ["i"], "judgement_indicator_label"),
                (StoreReader.newestJudgementsSQL, ["i", 100], "judgement_indicator_label"),
                (StoreReader.pollsPerHourSQL, ["feed", 1], "client_poll_hour"),
                (StoreReader.convictionsPerDaySQL, [1], "etd_conviction_message_time"),
                (StoreReader.remediationProblemsSQL, [100], "remediation_due"),
            ]
            for (sql, arguments, index) in queries {
                let plan = try await Self.plan(store, sql, arguments)
                // A scan of a subquery's few rows is fine; a scan of a table is not.
                #expect(!plan.contains { $0.hasPrefix("SCAN") && !$0.hasPrefix("SCAN (subquery") }, "\(sql)\n\(plan)")
                #expect(plan.contains { $0.hasPrefix("SEARCH") && $0.contains(index) }, "\(sql)\n\(plan)")
            }
            let others = try await Self.plan(store, StoreReader.remediationOthersSQL, [100])
            #expect(others.contains { $0.contains("USING INDEX remediation_updated") }, "\(others)")
            #expect(!others.contains { $0.contains("TEMP B-TREE") }, "sorted the whole table: \(others)")
        }
    }

    /// The import's settlement of a page (v18) reads the page's new rows by id range and each of their observables'
    /// judgements through an index, never the indicator's or the table's every row (nor every new row's: only those
    /// on the observables it is given).
    @Test func theImportSettlementReadsItsPageOnly() async throws {
        try await withTemporaryStore { store in
            let plan = try await Self.plan(store, DeferredImportTallyMigration.settlement, ["i", 0, "[1,2]"])
            #expect(!plan.contains { $0.hasPrefix("SCAN") && !$0.hasPrefix("SCAN (subquery") && !$0.hasPrefix("SCAN json_each") && !["SCAN fresh", "SCAN p", "SCAN g", "SCAN e", "SCAN CONSTANT ROW"].contains($0) }, "\(plan)")
            #expect(plan.contains { $0.hasPrefix("SEARCH n USING INTEGER PRIMARY KEY (rowid>?)") }, "\(plan)")
            #expect(!plan.contains { $0.contains("judgement_indicator") }, "\(plan)")
        }
    }

    static func plan(_ store: Store, _ sql: String, _ arguments: StatementArguments) async throws -> [String] {
        try await store.pool.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String }
        }
    }

    /// Per-day additions and ends, and per-hour polls, count what the store holds.
    @Test func dailyAndHourlyCountsMatchTheStore() async throws {
        let clock = TestClock()
        try await withTemporaryStore(clock: clock) { store in
            let start = clock.now
            let indicatorID = try store.writeNow { writer -> String in
                let (indicator, _) = try writer.indicator(named: try EntityName("manual"))
                try writer.create(Feed(name: try EntityName("esa"), indicatorID: indicator.id, created: writer.now))
                return indicator.id
            }
            // Day 0: three judgements, one ending a day later; day 2: two more.
            try store.writeNow { writer in
                for (index, value) in ["a.example", "b.example", "c.example"].enumerated() {
                    let end: Date? = index == 0 ? start.addingTimeInterval(86_400) : nil
                    _ = try writer.record(
                        Judgement(observable: try Observable(parsing: value), source: "test", validTime: ValidTime(start: start, end: end)), in: indicatorID
                    )
                }
            }
            clock.advance(by: 2 * 86_400)
            try store.writeNow { writer in
                for value in ["d.example", "http://e.example/x"] {
                    _ = try writer.record(Judgement(observable: try Observable(parsing: value), source: "test", validTime: ValidTime(start: clock.now)), in: indicatorID)
                }
                try writer.save([ClientPoll(
                    feed: "esa", client: "192.0.2.7", kind: .ctiaJSON, outcome: .served, served: 5, firstSeen: clock.now, lastSeen: clock.now,
                    polls: 3, failures: 1
                )])
                try writer.save([(feed: "esa", count: ClientHourCount(client: "192.0.2.7", hour: CalendarBucket.hour(of: clock.now), polls: 3, failures: 1))])
                // A client the bounded client table does not keep gets no hour rows either.
                try writer.save([(feed: "esa", count: ClientHourCount(client: "198.51.100.9", hour: CalendarBucket.hour(of: clock.now), polls: 1, failures: 1))])
            }
            let now = clock.now
            let (added, ended, types, hours) = try store.readNow { reader in
                (
                    try reader.additionsPerDay(ofIndicator: indicatorID, since: start.addingTimeInterval(-86_400)),
                    try reader.endsPerDay(ofIndicator: indicatorID, since: start.addingTimeInterval(-86_400), now: now),
                    try reader.liveObservableTypes(ofIndicator: indicatorID, at: now),
                    try reader.pollsPerHour(feed: "esa", since: now.addingTimeInterval(-3_600))
                )
            }
            let day0 = CalendarBucket.day(of: start)
            #expect(added == [DayCount(day: day0, count: 3), DayCount(day: day0 + 2, count: 2)])
            #expect(ended == [DayCount(day: day0 + 1, count: 1)])
            #expect(types == [TypeCount(type: "domain", count: 3), TypeCount(type: "url", count: 1)])
            #expect(hours == [ClientHourCount(client: "192.0.2.7", hour: CalendarBucket.hour(of: now), polls: 3, failures: 1)])

            // Retention forgets the hours with the client rows.
            let removed = try store.writeNow { try $0.pruneClientRecords(lastSeenBefore: now.addingTimeInterval(3_601)) }
            #expect(removed == 2)
            #expect(try store.readNow { try $0.pollsPerHour(feed: "esa", since: start) }.isEmpty)
        }
    }
}
