import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing
import ThreatFeedCore
import ThreatFeedStore
import ThreatFeedTesting

@testable import ThreatFeedServer

/// `/health/etd` and the ETD part of `/health/feeds`, from the counters the poller's ledger keeps.
@Suite struct ETDHealthTests {
    @Test func showsProgressCountersAndHeldBackByReason() async throws {
        let clock = TestClock()
        try await withTemporaryStore(clock: clock) { store in
            let observable = try Observable(parsing: "203.0.113.9")
            var page = ConvictionPage()
            page.convictions = [
                ConvictionPage.Conviction(
                    key: ConvictionKey(messageID: "m1", verdict: "phishing"), messageTime: clock.now,
                    judgements: [(try EntityName("etd-convictions"), Judgement(observable: observable, source: "etd", validTime: ValidTime(start: clock.now, lasting: .days(7))))],
                    heldBack: [.freemailDomain: 2, .reservedAddress: 1]
                )
            ]
            _ = try await store.commit(page)
            try await store.recordAttempt(at: clock.now)
            try await store.recordSuccess(at: clock.now, windowEnd: clock.now.addingTimeInterval(-300))
            try await store.recordAttempt(at: clock.now.addingTimeInterval(60))
            try await store.recordFailure(at: clock.now.addingTimeInterval(61), error: "ETD did not answer /v1/messages/search after 6 attempts (last: HTTP 503)")

            var configuration = ServerConfiguration(port: 0)
            configuration.etdPollingEnabled = true
            let app = try buildApplication(store: store, configuration: configuration, logger: Logger(label: "test"), clock: clock.function)
            try await app.test(.ahc(.http)) { client in
                let response = try await client.execute(uri: "/health/etd", method: .get)
                #expect(response.status == .ok)
                let etd = try #require(try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as? [String: Any])
                #expect(etd["enabled"] as? Bool == true)
                #expect(etd["convictions_seen"] as? Int == 1)
                #expect(etd["judgements_created"] as? Int == 1)
                #expect(etd["consecutive_failures"] as? Int == 1)
                #expect((etd["last_error"] as? String)?.contains("HTTP 503") == true)
                #expect(etd["lag_seconds"] as? Int == 300)
                #expect(etd["last_success"] as? String == Timestamps.iso8601Milli(clock.now))
                let held = try #require(etd["held_back"] as? [String: Int])
                #expect(held["freemail-domain"] == 2)
                #expect(held["reserved-address"] == 1)
                #expect(held["allowlisted"] == 0)
                #expect(held.count == HoldBackReason.allCases.count)

                let feeds = try await client.execute(uri: "/health/feeds", method: .get)
                let object = try #require(try JSONSerialization.jsonObject(with: Data(String(buffer: feeds.body).utf8)) as? [String: Any])
                let feedsETD = try #require(object["etd"] as? [String: Any])
                #expect((feedsETD["held_back"] as? [String: Int])?["freemail-domain"] == 2)

                // The same figures for Prometheus: cycle results, lag, held back by reason.
                let metrics = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
                for line in [
                    "threatfeed_etd_enabled 1.0", "threatfeed_etd_lag_seconds 300.0", "threatfeed_etd_consecutive_failures 1.0",
                    "threatfeed_etd_convictions_seen 1.0", #"threatfeed_etd_judgements{change="created"} 1.0"#,
                    #"threatfeed_etd_held_back{reason="freemail-domain"} 2.0"#, #"threatfeed_etd_held_back{reason="allowlisted"} 0.0"#,
                ] {
                    #expect(metrics.contains(line), "\(line) in \(metrics.suffix(2500))")
                }
            }
        }
    }

    @Test func commitIsIdempotentAndClearingEndsOnlyUnbackedJudgements() async throws {
        let clock = TestClock()
        try await withTemporaryStore(clock: clock) { store in
            let shared = try Observable(parsing: "shared.example.net", as: .domain)
            let own = try Observable(parsing: "https://only-m1.example.net/x")
            let indicator = try EntityName("etd-convictions")
            func conviction(_ id: String, _ observables: [Observable]) -> ConvictionPage.Conviction {
                ConvictionPage.Conviction(
                    key: ConvictionKey(messageID: id, verdict: "phishing"), messageTime: clock.now,
                    judgements: observables.map { (indicator, Judgement(observable: $0, source: "etd", validTime: ValidTime(start: clock.now, lasting: .days(30)))) },
                    heldBack: [:]
                )
            }
            let page = ConvictionPage(convictions: [conviction("m1", [shared, own]), conviction("m2", [shared])])
            let first = try await store.commit(page)
            #expect(first.convictions == 2)
            #expect(first.created == 2)
            #expect(first.refreshed == 1)
            // The same page again (a crash between commit and the next request): nothing changes.
            let again = try await store.commit(page)
            #expect(again == ConvictionPageOutcome())
            #expect(try await store.processedKeys(among: [ConvictionKey(messageID: "m1", verdict: "phishing")]).count == 1)

            clock.advance(by: 60)
            let cleared = try await store.commit(ConvictionPage(clearedMessageIDs: ["m1"]))
            #expect(cleared.ended == 1)
            clock.advance(by: 1)
            let live = try store.readNow { reader -> Set<Observable> in
                let id = try #require(try reader.indicator(named: indicator)).id
                var values: Set<Observable> = []
                try reader.forEachLiveObservable(ofIndicator: id, at: clock.now) { values.insert($0) }
                return values
            }
            #expect(live == [shared])
            #expect(try await store.convictedMessageIDs(among: ["m1", "m2"]) == ["m2"])
            let status = try await store.pollStatus()
            #expect(status.convictionsSeen == 2)
            #expect(status.judgementsEnded == 1)
        }
    }
}
