import Foundation
import GRDB
import Testing
import ThreatFeedCore
import ThreatFeedTesting

@testable import ThreatFeedStore

/// Lookups must stay index searches on a store of millions of judgements: SQLite's plan for each query names an
/// index and never scans a table (a scan of `judgement` is what the `judgement_observable` index prevents).
@Suite struct LookupQueryPlanTests {
    @Test func everyLookupQuerySearchesAnIndex() async throws {
        try await withTemporaryStore() { store in
            let queries: [(String, StatementArguments)] = [
                (StoreReader.judgementsOnObservableSQL, ["domain", "evil.example"]),
                (StoreReader.convictionsBackingJudgementSQL, [1, 20]),
                (StoreReader.heldBackSQL, ["domain", "evil.example", 50]),
                (StoreReader.hostRangeSQL, ["example.evil.", "example.evil/", "evil.example", 100]),
                (StoreReader.hostExactSQL, ["[203.0.113.7]", 100]),
            ]
            for (sql, arguments) in queries {
                let plan = try await store.pool.read { db in
                    try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String }
                }
                #expect(!plan.contains { $0.hasPrefix("SCAN") }, "\(sql)\n\(plan)")
                #expect(plan.contains { $0.hasPrefix("SEARCH") }, "\(plan)")
            }
            let judgementPlan = try await store.pool.read { db in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + StoreReader.judgementsOnObservableSQL, arguments: ["domain", "x"]).map { $0["detail"] as String }
            }
            #expect(judgementPlan.contains { $0.contains("judgement_observable") }, "\(judgementPlan)")
        }
    }

    @Test func heldBackValuesAreKeptWithTheirConvictionAndFoundByLookup() async throws {
        try await withTemporaryStore() { store in
            let gmail = Observable(normalisedType: .domain, value: "gmail.com")
            let url = try Observable(parsing: "http://phish.example/a")
            let conviction = ConvictionPage.Conviction(
                key: ConvictionKey(messageID: "m-1", verdict: "bec"), messageTime: Date(timeIntervalSince1970: 1_800_000_000),
                judgements: [(try EntityName("etd-convictions"), Judgement(observable: url, source: "etd", priority: 90, validTime: ValidTime(start: Date(), lasting: try TimeSpan(parsing: "30d"))))],
                heldBack: [.freemailDomain: 1], details: ConvictionDetails(subject: "Wire", fromAddress: "a@gmail.com"),
                values: [ConvictionValue(kind: "senderDomain", observable: gmail, raw: gmail.value, heldBack: .freemailDomain)]
            )
            _ = try await store.commit(ConvictionPage(convictions: [conviction]))
            // The same page again (a retried cycle) records nothing twice.
            _ = try await store.commit(ConvictionPage(convictions: [conviction]))
            let report = try await store.lookup([try LookupTerm.parse("gmail.com"), try LookupTerm.parse(url.value)], now: Date())
            let held = try #require(report.results.first?.heldBack)
            #expect(held.count == 1)
            #expect(held.first?.reason == .freemailDomain)
            #expect(held.first?.conviction?.messageID == "m-1" && held.first?.conviction?.subject == "Wire")
            let judgement = try #require(report.results.last?.judgements.first)
            #expect(judgement.etd.map(\.messageID) == ["m-1"])
            #expect(judgement.state == .live && judgement.feeds.isEmpty)
        }
    }
}
