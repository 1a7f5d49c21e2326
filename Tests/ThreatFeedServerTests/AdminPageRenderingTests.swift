import Foundation
import Testing
import ThreatFeedCore
import ThreatFeedStore

@testable import ThreatFeedServer

/// The pages rendered from fixed data, without SQLite or HTTP: what they show, the red marks, and that nothing from
/// the store can add markup or reveal a secret.
@Suite struct AdminPageRenderingTests {
    static let now = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T00:00:00Z
    static let chrome = PageChrome(userName: "boss", formToken: "token-123")
    static let hostile = "<script>alert(1)</script>"

    static func feed(_ name: String = "esa-blocklist") throws -> Feed {
        Feed(name: try EntityName(name), indicatorID: "indicator-1", created: now)
    }

    static func poll(client: String, first: TimeInterval, last: TimeInterval, polls: Int, outcome: ClientPoll.Outcome = .served) -> ClientPoll {
        ClientPoll(
            feed: "esa-blocklist", client: client, kind: .ctiaJSON, outcome: outcome, served: 3, firstSeen: now.addingTimeInterval(first),
            lastSeen: now.addingTimeInterval(last), polls: polls, failures: 0
        )
    }

    static func etdReport() -> ConvictionChainHealth {
        var report = ConvictionChainHealth(status: ETDPollStatus(), enabled: true, now: now)
        report.remediation = RemediationHealth(status: RemediationStatus(), enabled: true, dryRun: false)
        return report
    }

    @Test func templatesCompile() throws {
        _ = try AdminTemplates.Renderer()
    }

    @Test func overviewShowsFeedsClientsAndMarksLateOnes() throws {
        let newest = TimestampLabel(Self.now.addingTimeInterval(-3_600))
        let facts = OverviewFacts(
            feeds: [.init(feed: try Self.feed(), statistics: .init(live: 1_234, judgements: 1_300, newest: newest))],
            clientPolls: [
                // Every 5 minutes for 10 hours, last seen a minute ago: fine.
                Self.poll(client: "192.0.2.10", first: -36_000 - 60, last: -60, polls: 121),
                // Every 5 minutes, but silent for 20 minutes: late (and behind: the feed changed an hour ago).
                Self.poll(client: "192.0.2.20", first: -36_000 - 7_200, last: -7_200, polls: 121),
                // Polls, but with a wrong secret.
                Self.poll(client: Self.hostile, first: -600, last: -30, polls: 20, outcome: .wrongSecret),
            ],
            etd: Self.etdReport(), now: Self.now
        )
        let html = try #require(try AdminTemplates.Renderer().html(OverviewPage(facts: facts, chrome: Self.chrome), template: "overview"))
        #expect(html.contains(">1234<"))
        #expect(html.contains("href=\"/ui/feeds/esa-blocklist\""))
        #expect(html.contains("192.0.2.10"))
        // The late client's row is marked, the punctual one's is not.
        let rows = html.components(separatedBy: "<tr").filter { $0.contains("192.0.2.") }
        let punctual = try #require(rows.first { $0.contains("192.0.2.10") })
        let late = try #require(rows.first { $0.contains("192.0.2.20") })
        #expect(!punctual.contains("class=\"mark\""))
        #expect(late.contains(">late<") && late.contains(">behind<"))
        #expect(html.contains(">failing<"))
        #expect(html.contains("every 5 min"))
        // The hostile client name is escaped text, never markup.
        #expect(!html.contains(Self.hostile))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        // The logout form carries the session's token; ETD and actions are there.
        #expect(html.contains("name=\"csrf\" value=\"token-123\""))
        #expect(html.contains("SMA remediation"))
        #expect(html.contains("<meta name=\"viewport\""))
        #expect(!html.contains("<script"))
        #expect(!html.contains("style=\""))
    }

    @Test func usualIntervalLateAndBehind() {
        let now = Self.now
        // One poll: no interval, never late.
        let single = ClientPollAssessment(Self.poll(client: "a", first: -86_400, last: -86_400, polls: 1), newestLabel: nil, now: now)
        #expect(single.usualInterval == nil && !single.late && !single.behind)
        // 11 polls over 1000 s: every 100 s. Silent for 150 s: not late; for 201 s: late.
        let onTime = ClientPollAssessment(Self.poll(client: "a", first: -1_150, last: -150, polls: 11), newestLabel: nil, now: now)
        #expect(onTime.usualInterval == 100 && !onTime.late)
        let late = ClientPollAssessment(Self.poll(client: "a", first: -1_201, last: -201, polls: 11), newestLabel: nil, now: now)
        #expect(late.late)
        // A burst (three polls in two seconds) counts as at least a minute apart: ten seconds of silence is not late.
        let burst = ClientPollAssessment(Self.poll(client: "a", first: -12, last: -10, polls: 3), newestLabel: nil, now: now)
        #expect(burst.usualInterval == 60 && !burst.late)
        #expect(ClientPollAssessment(Self.poll(client: "a", first: -123, last: -121, polls: 3), newestLabel: nil, now: now).late)
        // The feed changed after its last poll: behind once more than one interval has passed since the change.
        let changedJustNow = TimestampLabel(now.addingTimeInterval(-50))
        #expect(!ClientPollAssessment(Self.poll(client: "a", first: -1_150, last: -150, polls: 11), newestLabel: changedJustNow, now: now).behind)
        let changedEarlier = TimestampLabel(now.addingTimeInterval(-120))
        #expect(ClientPollAssessment(Self.poll(client: "a", first: -1_150, last: -150, polls: 11), newestLabel: changedEarlier, now: now).behind)
    }

    static func feedFacts() throws -> FeedFacts {
        let today = CalendarBucket.day(of: now)
        let judgement = Judgement(
            observable: Observable(normalisedType: .domain, value: "evil.example\(hostile)"), source: "etd", reason: "phish \(hostile)",
            validTime: ValidTime(start: now.addingTimeInterval(-3_600))
        )
        return FeedFacts(
            feed: try feed(), statistics: .init(live: 2, judgements: 3, newest: TimestampLabel(now)),
            types: [TypeCount(type: "domain", count: 2)],
            additions: [DayCount(day: today, count: 7), DayCount(day: today - 3, count: 2), DayCount(day: today - 40, count: 99)],
            ends: [DayCount(day: today - 1, count: 4)],
            pollHours: [ClientHourCount(client: "192.0.2.10", hour: CalendarBucket.hour(of: now), polls: 12, failures: 2)],
            newest: [StoredJudgement(id: "j-1", label: TimestampLabel(now), indicatorID: "indicator-1", created: now, modified: now, judgement: judgement)],
            grantedUsers: ["esa-gateway"], now: now
        )
    }

    @Test func feedPageShowsChartsJudgementsAndSettingsWithoutTheSecret() throws {
        let facts = try Self.feedFacts()
        let page = FeedPage(facts: facts, search: nil, publicBase: "https://feeds.example.com:8443", chrome: Self.chrome)
        let html = try #require(try AdminTemplates.Renderer().html(page, template: "feed"))
        // 30 days: the day 40 days ago is left out of the totals.
        #expect(page.added30 == 9 && page.ended30 == 4)
        #expect(html.contains("added 9") && html.contains("ended 4"))
        #expect(html.contains(": 7 added</title>"))
        #expect(html.contains("polls 12") && html.contains("failed 2"))
        #expect(html.contains(": 10 polls answered</title>") && html.contains(": 2 polls refused</title>"))
        #expect(html.contains("<svg class=\"chart\""))
        #expect(html.contains("feeds.example.com") && html.contains("8443") && html.contains(">Yes<"))
        #expect(html.contains("/ctia/feed/\(facts.feed.id)/view"))
        #expect(!html.contains(facts.feed.secret.reveal))
        #expect(html.contains("action=\"/ui/feeds/esa-blocklist/reveal\""))
        #expect(!html.contains(Self.hostile))
        #expect(html.contains("evil.example&lt;script&gt;"))
        #expect(html.contains("phish &lt;script&gt;"))

        let revealed = FeedPage(
            facts: facts, search: nil, publicBase: "https://feeds.example.com:8443", chrome: Self.chrome, revealedSecret: facts.feed.secret.reveal
        )
        let shown = try #require(try AdminTemplates.Renderer().html(revealed, template: "feed"))
        #expect(shown.contains(facts.feed.secret.reveal))
        #expect(!shown.contains("/reveal\""))
    }

    @Test func feedSearchShowsTheLookupOrItsError() throws {
        let facts = try Self.feedFacts()
        let refused = FeedPage(facts: facts, search: FeedSearch(query: "not a value \(Self.hostile)", report: nil, error: "not an observable"), publicBase: "http://127.0.0.1:8080", chrome: Self.chrome)
        let refusedHTML = try #require(try AdminTemplates.Renderer().html(refused, template: "feed"))
        #expect(refusedHTML.contains("class=\"error\">not an observable<"))
        #expect(!refusedHTML.contains(Self.hostile))
        let empty = LookupReport(results: [], at: Self.now)
        let nothing = FeedPage(facts: facts, search: FeedSearch(query: "x.example", report: empty, error: nil), publicBase: "http://127.0.0.1:8080", chrome: Self.chrome)
        #expect(try #require(try AdminTemplates.Renderer().html(nothing, template: "feed")).contains("Nothing known about it."))
    }

    @Test func etdPageListsConvictionsHeldBackAndProblemsFirst() throws {
        let today = CalendarBucket.day(of: Self.now)
        func record(_ id: String, _ state: RemediationState) -> RemediationRecord {
            RemediationRecord(
                messageID: id, internetMessageID: nil, subject: "Invoice \(Self.hostile)", action: .fwdDelete, state: state, attempts: 2,
                nextAttempt: nil, created: Self.now, updated: Self.now, request: nil, answerStatus: 500, answerBody: nil
            )
        }
        let facts = ETDFacts(
            convictions: [VerdictDayCount(day: today, verdict: "bec", count: 3), VerdictDayCount(day: today - 1, verdict: "phishing", count: 5)],
            heldBackByReason: ["freemail-domain": 4, "allowlisted": 0],
            heldBack: [HeldBackEntry(
                reason: .freemailDomain, kind: "senderDomain", type: .domain, value: "gmail.com", decided: Self.now, endedLive: false,
                messageID: "m-1", verdict: "bec", messageTime: Self.now, subject: "Wire transfer", fromAddress: "ceo@gmail.com", returnPath: nil
            )],
            queue: [record("m-9", .failed), record("m-8", .done)], now: Self.now
        )
        let html = try #require(try AdminTemplates.Renderer().html(ETDPage(facts: facts, chrome: Self.chrome), template: "etd"))
        #expect(html.contains("bec 3") && html.contains("phishing 5"))
        #expect(html.contains("gmail.com") && html.contains("freemail-domain") && html.contains("Wire transfer"))
        let failed = try #require(html.range(of: "m-9")), done = try #require(html.range(of: "m-8"))
        #expect(failed.lowerBound < done.lowerBound)
        #expect(html.contains("<tr class=\"problem\"><td>failed</td>"))
        #expect(!html.contains(Self.hostile))
    }
}
