import Foundation
import ThreatFeedCore
import ThreatFeedStore

/// The facts a feed page is drawn from, read in one store transaction (the search runs its own lookup).
struct FeedFacts: Sendable {
    var feed: Feed
    var statistics: StoreReader.IndicatorStatistics
    var types: [TypeCount]
    var additions: [DayCount]
    var ends: [DayCount]
    var pollHours: [ClientHourCount]
    var newest: [StoredJudgement]
    var grantedUsers: [String]
    var now: Date
}

/// A search on the feed page: the value asked for, and what the lookup answered or why the value was refused.
struct FeedSearch: Sendable {
    var query: String
    var report: LookupReport?
    var error: String?
}

struct FeedPage: Sendable {
    static let days = 30
    static let hours = 24
    static let newestLimit = 100

    struct TypeRow: Sendable {
        let type: String
        let count: Int
    }

    struct PollChart: Sendable {
        let client: String
        let total: Int
        let failed: Int
        let chart: BarChart
    }

    struct JudgementRow: Sendable {
        let label: String
        let type: String
        let value: String
        let disposition: String
        let reason: String
        let source: String
        let validUntil: String
        let live: Bool
    }

    struct SearchRow: Sendable {
        let observable: String
        let inFeed: String
        let disposition: String
        let source: String
        let reason: String
        let valid: String
    }

    struct Setting: Sendable {
        let settingName: String
        let settingValue: String
    }

    let title: String
    let chrome: PageChrome
    let formToken: String
    let feedName: String
    let href: String
    let liveObservables: Int
    let judgements: Int
    let newestLabel: String
    let types: [TypeRow]
    let added30: Int
    let ended30: Int
    let activity: BarChart
    let pollCharts: [PollChart]
    let query: String
    let searched: Bool
    let searchError: String?
    let results: [SearchRow]
    let newest: [JudgementRow]
    let settings: [Setting]
    /// Set only on the answer to a reveal.
    let revealedSecret: String?

    init(facts: FeedFacts, search: FeedSearch?, publicBase: String, chrome: PageChrome, revealedSecret: String? = nil) {
        let feed = facts.feed
        let now = facts.now
        title = "Feed \(feed.name.value)"
        self.chrome = chrome
        formToken = chrome.formToken
        feedName = feed.name.value
        href = AdminRoutes.feedPath(feed.name.value)
        liveObservables = facts.statistics.liveObservables
        judgements = facts.statistics.judgements
        newestLabel = facts.statistics.newestLabel.map { AdminText.time($0.date) } ?? "none yet"
        types = facts.types.map { TypeRow(type: $0.type, count: $0.count) }

        let today = CalendarBucket.day(of: now)
        let days = (0..<Int64(Self.days)).map { today - Int64(Self.days) + 1 + $0 }
        let added = Dictionary(facts.additions.map { ($0.day, $0.count) }, uniquingKeysWith: +)
        let ended = Dictionary(facts.ends.map { ($0.day, $0.count) }, uniquingKeysWith: +)
        added30 = days.reduce(0) { $0 + (added[$1] ?? 0) }
        ended30 = days.reduce(0) { $0 + (ended[$1] ?? 0) }
        activity = BarChart(
            label: "judgements added and ended per day", slotNames: days.map(AdminText.day),
            series: [
                .init(kind: "add", name: "added", values: days.map { added[$0] ?? 0 }),
                .init(kind: "end", name: "ended", values: days.map { ended[$0] ?? 0 }),
            ],
            tickEvery: 7
        )

        let thisHour = CalendarBucket.hour(of: now)
        let hours = (0..<Int64(Self.hours)).map { thisHour - Int64(Self.hours) + 1 + $0 }
        let hourNames = hours.map { String(AdminText.time(CalendarBucket.start(ofHour: $0)).dropFirst(11).prefix(5)) }
        pollCharts = Dictionary(grouping: facts.pollHours.filter { $0.hour >= hours[0] }, by: \.client).sorted { $0.key < $1.key }.map {
            client, counts in
            let byHour = Dictionary(counts.map { ($0.hour, $0) }, uniquingKeysWith: { first, _ in first })
            let failed = hours.map { byHour[$0]?.failures ?? 0 }
            let served = hours.map { (byHour[$0]?.polls ?? 0) - (byHour[$0]?.failures ?? 0) }
            return PollChart(
                client: client, total: counts.reduce(0) { $0 + $1.polls }, failed: counts.reduce(0) { $0 + $1.failures },
                chart: BarChart(
                    label: "polls per hour by \(client)", slotNames: hourNames,
                    series: [.init(kind: "poll", name: "polls answered", values: served), .init(kind: "fail", name: "polls refused", values: failed)],
                    stacked: true, tickEvery: 6, height: 100
                )
            )
        }

        query = search?.query ?? ""
        searched = search?.report != nil
        searchError = search?.error
        results = search?.report.map { Self.searchRows($0, feedID: feed.id) } ?? []

        newest = facts.newest.map { stored in
            let judgement = stored.judgement
            return JudgementRow(
                label: Timestamps.iso8601Micro(stored.label), type: judgement.observable.type.rawValue, value: judgement.observable.value,
                disposition: judgement.disposition.name, reason: judgement.reason ?? "", source: judgement.source,
                validUntil: judgement.validTime.end.map { AdminText.time($0) } ?? "no end", live: judgement.validTime.covers(now)
            )
        }

        // The secret is the CTIA Collection Name and the feed URL's `s=`: shown as a placeholder until revealed.
        let url = URLComponents(string: publicBase)
        let https = url?.scheme == "https"
        let host = url?.host ?? publicBase
        let port = url?.port ?? (https ? 443 : 80)
        let hidden = "(hidden: reveal below)"
        settings = [
            Setting(settingName: "Source type", settingValue: "Threat Response / JSON style"),
            Setting(settingName: "Hostname", settingValue: host),
            Setting(settingName: "Polling Path", settingValue: "/ctia/feed/\(feed.id)/view"),
            Setting(settingName: "Collection Name", settingValue: hidden),
            Setting(settingName: "Polling Port", settingValue: "\(port)"),
            Setting(settingName: "Use HTTPS", settingValue: https ? "Yes" : "No"),
            Setting(settingName: "User Credentials", settingValue: "No"),
            Setting(settingName: "Feed URL", settingValue: "\(publicBase)/ctia/feed/\(feed.id)/view?s=\(hidden)"),
            Setting(settingName: "Or STIX/TAXII: Polling Path", settingValue: "/taxii/poll"),
            Setting(settingName: "STIX/TAXII Collection Name", settingValue: feed.collectionName),
            Setting(
                settingName: "STIX/TAXII users",
                settingValue: facts.grantedUsers.isEmpty ? "none granted yet (threatfeed feed grant \(feed.name.value) USER)" : facts.grantedUsers.joined(separator: ", ")
            ),
        ]
        self.revealedSecret = revealedSecret
    }

    private static func searchRows(_ report: LookupReport, feedID: String) -> [SearchRow] {
        var rows: [SearchRow] = []
        func add(type: String, value: String, judgements: [LookupJudgement]) {
            for judgement in judgements {
                let delivery = judgement.feeds.first { $0.feedID == feedID }
                rows.append(SearchRow(
                    observable: "\(type):\(value)",
                    inFeed: delivery.map { $0.serving ? "yes, served" : "yes, not served now" } ?? "no (indicator \(judgement.indicator))",
                    disposition: judgement.dispositionName, source: judgement.source, reason: judgement.reason ?? "",
                    valid: "\(judgement.state.rawValue), until \(judgement.validTime.endTime.map { AdminText.time(iso: $0) } ?? "no end")"
                ))
            }
        }
        for result in report.results {
            add(type: result.type, value: result.value, judgements: result.judgements)
            for related in result.related { add(type: related.type, value: related.value, judgements: related.judgements) }
        }
        return rows
    }
}
