import Foundation
import Testing
import ThreatFeedCore
import ThreatFeedStore
import ThreatFeedTesting

/// The store side of the review path (migration v10): values kept with their conviction, the
/// held-back list, the replay input, and ending live judgements with the reason recorded.
@Suite struct PolicyReviewStoreTests {
    static func conviction(_ id: String, at time: Date, values: [ConvictionValue], published: [Observable]) throws -> ConvictionPage.Conviction {
        let judgements = try published.map { observable in
            (indicator: try EntityName("etd-convictions"),
             judgement: Judgement(observable: observable, source: "etd", priority: 90, validTime: ValidTime(start: time, end: time.addingTimeInterval(7 * 86_400))))
        }
        return ConvictionPage.Conviction(
            key: ConvictionKey(messageID: id, verdict: "phishing"), messageTime: time, judgements: judgements, heldBack: [:],
            details: ConvictionDetails(subject: "Invoice \u{1B}[2J", fromAddress: "it@lookalike.example.net", observables: published, returnPath: "b@sendgrid.net"),
            values: values
        )
    }

    @Test func valuesHeldBackAreListedAndLiveOnesEndWithTheirReason() async throws {
        let clock = TestClock()
        try await withTemporaryStore(clock: clock) { store in
            let relay = try Observable(parsing: "167.89.1.2")
            let url = try Observable(parsing: "https://lookalike.example.net/a", as: .url)
            let values = [
                ConvictionValue(kind: "senderIP", observable: relay, raw: relay.value, heldBack: .sharedSenderInfrastructure),
                ConvictionValue(kind: "url", observable: url, raw: url.value, heldBack: nil),
                ConvictionValue(kind: "senderIP", observable: nil, raw: String(repeating: "x", count: 2_000), heldBack: .invalidValue),
            ]
            _ = try await store.commit(ConvictionPage(convictions: [try Self.conviction("m1", at: clock.now, values: values, published: [url])]))

            let held = try store.readNow { try $0.heldBackValues(since: clock.now.addingTimeInterval(-60), reason: nil, limit: 10) }
            #expect(held.map(\.reason) == [.sharedSenderInfrastructure, .invalidValue])
            #expect(held[0].value == "167.89.1.2" && held[0].type == .ip && held[0].returnPath == "b@sendgrid.net")
            #expect(held[1].type == nil && held[1].value.count == ConvictionValue.rawLimit)
            let onlyInvalid = try store.readNow { try $0.heldBackValues(since: .distantPast, reason: .invalidValue, limit: 10) }
            #expect(onlyInvalid.count == 1)
            #expect(try store.readNow { try $0.heldBackValues(since: clock.now.addingTimeInterval(60), reason: nil, limit: 10) }.isEmpty)

            let replay = try store.readNow { try $0.convictionsForReplay(since: .distantPast) }
            #expect(replay.count == 1)
            #expect(replay[0].values == values.map {
                ConvictionValue(kind: $0.kind, observable: $0.observable, raw: $0.raw, heldBack: $0.heldBack)
            })
            #expect(replay[0].details.senderContext.senderDomains == ["lookalike.example.net", "sendgrid.net"])

            let live = try await store.liveConvictionJudgements()
            #expect(live.map(\.observable) == [url])
            #expect(live[0].contexts == [SenderContext(senderDomains: ["lookalike.example.net", "sendgrid.net"])])

            clock.advance(by: 60)
            let ending = PolicyEnding(judgementID: live[0].id, observable: url, reason: .allowlisted)
            #expect(try await store.endJudgements([ending]) == 1)
            #expect(try await store.endJudgements([ending]) == 0)
            #expect(try await store.liveConvictionJudgements().isEmpty)
            let ended = try store.readNow { try $0.heldBackValues(since: .distantPast, reason: .allowlisted, limit: 10) }
            #expect(ended.count == 1 && ended[0].endedLive && ended[0].value == url.value && ended[0].decided == clock.now)
            let status = try await store.pollStatus()
            #expect(status.judgementsEnded == 1 && status.heldBack[.allowlisted] == 1)
        }
    }

    @Test func aConvictionStoredWithoutValuesReplaysItsPublishedObservables() async throws {
        let clock = TestClock()
        try await withTemporaryStore(clock: clock) { store in
            let published = [try Observable(parsing: "203.0.113.9"), try Observable(parsing: "lookalike.example.net", as: .domain)]
            _ = try await store.commit(ConvictionPage(convictions: [try Self.conviction("old", at: clock.now, values: [], published: published)]))
            let replay = try store.readNow { try $0.convictionsForReplay(since: .distantPast) }
            #expect(replay.first?.values.map(\.kind) == ["senderIP", "senderDomain"])
            #expect(replay.first?.values.allSatisfy { $0.heldBack == nil } == true)
        }
    }
}
