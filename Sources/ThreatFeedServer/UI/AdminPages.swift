import Foundation
import ThreatFeedCore
import ThreatFeedStore

/// What every logged-in page shows in its header: who is logged in, and the token of the logout form.
struct PageChrome: Sendable {
    let userName: String
    let formToken: String
}

struct LoginPage: Sendable {
    let title = "Log in"
    let csrf: String
    let username: String
    let message: String?
}

struct MessagePage: Sendable {
    let title: String
    let message: String
    let chrome: PageChrome?
}

// MARK: Overview

/// The facts the overview is drawn from, read in one store transaction.
struct OverviewFacts: Sendable {
    struct FeedFacts: Sendable {
        let feed: Feed
        let statistics: StoreReader.IndicatorStatistics
    }

    var feeds: [FeedFacts]
    var clientPolls: [ClientPoll]
    var etd: ConvictionChainHealth
    var now: Date
}

struct OverviewPage: Sendable {
    struct ClientRow: Sendable {
        let client: String
        let kind: String
        let lastPoll: String
        let lastPollAgo: String
        let outcome: String
        let polls: Int
        let interval: String
        let flags: [String]
        /// Stored, not computed: templates see stored properties only (Mirror).
        let flagged: Bool
    }

    struct FeedRow: Sendable {
        let feedName: String
        let href: String
        let liveObservables: Int
        let judgements: Int
        let newestLabel: String
        let clients: [ClientRow]
        let problem: Bool
    }

    struct ETDRow: Sendable {
        let state: String
        let lastSuccess: String
        let lag: String
        let failures: Int
        let failing: Bool
        let lastError: String
        let convictions: Int
    }

    struct Count: Sendable {
        let countName: String
        let count: Int
    }

    struct ActionRow: Sendable {
        let actionName: String
        let mode: String
        let counts: [Count]
        let lastError: String
        let hasError: Bool

        init(actionName: String, mode: String, counts: [Count], lastError: String) {
            self.actionName = actionName
            self.mode = mode
            self.counts = counts
            self.lastError = lastError
            hasError = lastError != "none"
        }
    }

    let title = "Overview"
    let chrome: PageChrome
    let generated: String
    let feeds: [FeedRow]
    let etd: ETDRow
    let actions: [ActionRow]

    init(facts: OverviewFacts, chrome: PageChrome) {
        self.chrome = chrome
        let now = facts.now
        generated = AdminText.time(now)
        let pollsByFeed = Dictionary(grouping: facts.clientPolls, by: \.feed)
        feeds = facts.feeds.map { one in
            let newest = one.statistics.newestLabel
            let clients = (pollsByFeed[one.feed.name.value] ?? []).sorted { $0.lastSeen > $1.lastSeen }.map { poll in
                let assessment = ClientPollAssessment(poll, newestLabel: newest, now: now)
                return ClientRow(
                    client: poll.client, kind: poll.kind.rawValue, lastPoll: AdminText.time(poll.lastSeen),
                    lastPollAgo: AdminText.ago(poll.lastSeen, now: now), outcome: poll.outcome.rawValue, polls: poll.polls,
                    interval: assessment.usualInterval.map { "every " + AdminText.span($0) } ?? "not known yet", flags: assessment.flags,
                    flagged: !assessment.flags.isEmpty
                )
            }
            return FeedRow(
                feedName: one.feed.name.value, href: AdminRoutes.feedPath(one.feed.name.value), liveObservables: one.statistics.liveObservables,
                judgements: one.statistics.judgements, newestLabel: newest.map { AdminText.time($0.date) } ?? "none yet", clients: clients,
                problem: clients.contains(where: \.flagged)
            )
        }
        let report = facts.etd
        etd = ETDRow(
            state: report.enabled ? "on" : "off (no ETD credentials configured)", lastSuccess: AdminText.time(iso: report.lastSuccess),
            lag: report.lagSeconds.map { AdminText.span(TimeInterval($0)) } ?? "—", failures: report.consecutiveFailures,
            failing: report.consecutiveFailures > 0, lastError: report.lastError ?? "none", convictions: report.convictionsSeen
        )
        var actions: [ActionRow] = []
        if let remediation = report.remediation {
            actions.append(ActionRow(
                actionName: "SMA remediation", mode: Self.mode(enabled: remediation.enabled, dryRun: remediation.dryRun),
                counts: Self.counts(remediation.counts, order: RemediationState.allCases.map(\.rawValue)),
                lastError: remediation.lastError.map { "\($0) (\(AdminText.time(iso: remediation.lastErrorAt)))" } ?? "none"
            ))
        }
        if let notifications = report.notifications {
            actions.append(ActionRow(
                actionName: "Notifications", mode: Self.mode(enabled: notifications.enabled, dryRun: false),
                counts: Self.counts(notifications.counts, order: NotificationState.allCases.map(\.rawValue)),
                lastError: notifications.lastError.map { "\($0) (\(AdminText.time(iso: notifications.lastErrorAt)))" } ?? "none"
            ))
        }
        if let blocklist = report.blocklist {
            actions.append(ActionRow(
                actionName: "Blocklist sync (\(blocklist.list))", mode: Self.mode(enabled: blocklist.enabled, dryRun: blocklist.dryRun),
                counts: Self.counts(blocklist.counts, order: BlocklistEntryState.allCases.map(\.rawValue)),
                lastError: blocklist.lastRun.error.map { "\($0) (\(AdminText.time(iso: blocklist.lastRun.errorAt)))" } ?? "none"
            ))
        }
        self.actions = actions
    }

    private static func mode(enabled: Bool, dryRun: Bool) -> String {
        enabled ? (dryRun ? "on, dry run" : "on") : "off"
    }

    private static func counts(_ counts: [String: Int], order: [String]) -> [Count] {
        order.map { Count(countName: $0, count: counts[$0] ?? 0) }
    }
}
