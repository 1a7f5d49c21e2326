import Foundation

/// What the store found about a set of observables; `ObservableLookup.report` turns it into a `LookupReport`.
public struct LookupFacts: Sendable {
    public var judgements: [Observable: [JudgementFact]] = [:]
    public var heldBack: [Observable: [LookupHeldBack]] = [:]
    /// Stored URLs (and, under a domain, subdomains) by the host looked up (`hostForURLs`: a domain, an IPv4 address or `[ipv6]`).
    public var urlsOnHost: [String: [Observable]] = [:]
    public var feeds: [Feed] = []
    /// Indicator names by id.
    public var indicatorNames: [String: String] = [:]
    public var clientPolls: [ClientPoll] = []

    public init() {}
}

/// A stored judgement with the ETD convictions that back it.
public struct JudgementFact: Sendable {
    public var stored: StoredJudgement
    public var convictions: [ETDConvictionReference]

    public init(stored: StoredJudgement, convictions: [ETDConvictionReference]) {
        self.stored = stored
        self.convictions = convictions
    }
}

/// The lookup rules, pure: which related observables are reported, what "live" and "delivered" mean.
public enum ObservableLookup {
    /// The most URLs on one host (and its subdomains, and subdomains) reported with a domain or address (a shortener may
    /// carry thousands).
    public static let maxURLsPerHost = 100

    /// The report for `subjects` from the facts the store found, as of `now`.
    public static func report(for subjects: [LookupSubject], facts: LookupFacts, now: Date) -> LookupReport {
        let feedsByIndicator = Dictionary(grouping: facts.feeds, by: \.indicatorID)
        let pollsByFeed = Dictionary(grouping: facts.clientPolls, by: \.feed)
        func judgements(of observable: Observable) -> [LookupJudgement] {
            (facts.judgements[observable] ?? [])
                .sorted { $0.stored.label > $1.stored.label }
                .map { judgement($0, feeds: feedsByIndicator[$0.stored.indicatorID] ?? [], polls: pollsByFeed, facts: facts, now: now) }
        }
        let results = subjects.map { subject -> LookupResult in
            var related: [RelatedObservable] = []
            for (observable, relation) in subject.impliedRelated {
                related.append(
                    RelatedObservable(relation: relation, observable: observable, judgements: judgements(of: observable), heldBack: facts.heldBack[observable] ?? []))
            }
            if let host = subject.hostForURLs {
                for url in (facts.urlsOnHost[host] ?? []).prefix(maxURLsPerHost) {
                    let relation: LookupRelation = url.type == .url ? .urlOnHost : .subdomain
                    related.append(RelatedObservable(relation: relation, observable: url, judgements: judgements(of: url), heldBack: facts.heldBack[url] ?? []))
                }
            }
            // A related observable nothing is known about is noise in the answer.
            related.removeAll { $0.judgements.isEmpty && $0.heldBack.isEmpty }
            let own = subject.observable.map(judgements(of:)) ?? []
            let heldBack = subject.observable.flatMap { facts.heldBack[$0] } ?? []
            return LookupResult(subject: subject, judgements: own, heldBack: heldBack, related: related)
        }
        return LookupReport(results: results, at: now)
    }

    static func judgement(
        _ fact: JudgementFact, feeds: [Feed], polls: [String: [ClientPoll]], facts: LookupFacts, now: Date
    ) -> LookupJudgement {
        let stored = fact.stored
        let j = stored.judgement
        let state: LookupJudgement.State =
            j.validTime.covers(now) ? .live : (j.validTime.start > now ? .notYetValid : .ended)
        let deliveries = feeds.sorted { $0.name.value < $1.name.value }.map { feed in
            FeedDelivery(
                feed: feed.name.value, feedID: feed.id, output: feed.output.rawValue, serving: state == .live && feed.isLive(at: now),
                clients: (polls[feed.name.value] ?? []).sorted { $0.client < $1.client }.map {
                    delivery(of: stored.label, validTime: j.validTime, state: state, to: $0)
                }
            )
        }
        return LookupJudgement(
            id: stored.id, indicator: facts.indicatorNames[stored.indicatorID] ?? stored.indicatorID, source: j.source, reason: j.reason,
            disposition: j.disposition.rawValue, dispositionName: j.disposition.name, priority: j.priority,
            confidence: j.confidence.rawValue, severity: j.severity.rawValue, tlp: j.tlp.rawValue,
            validTime: LookupValidTime(startTime: Timestamps.iso8601Milli(j.validTime.start), endTime: j.validTime.end.map(Timestamps.iso8601Milli)),
            state: state, label: stored.label.description, created: Timestamps.iso8601Milli(stored.created),
            modified: Timestamps.iso8601Milli(stored.modified), etd: fact.convictions, feeds: deliveries
        )
    }

    /// A client has the judgement when its last poll succeeded (served, or not-modified: its copy is current)
    /// at or after the judgement's label. Polls record only the last outcome per client and feed, so after a
    /// failed poll an earlier success is not known: that is said rather than guessed.
    /// A poll after the judgement ended no longer served it, so it proves nothing about delivery.
    static func delivery(of label: TimestampLabel, validTime: ValidTime, state: LookupJudgement.State, to poll: ClientPoll) -> ClientDelivery {
        let lastPoll = Timestamps.iso8601Milli(poll.lastSeen)
        let covered = TimestampLabel(poll.lastSeen) >= label && validTime.covers(poll.lastSeen)
        let delivered = poll.succeeded && covered
        let status: String
        if !poll.succeeded {
            status = "last poll at \(lastPoll) failed (\(poll.outcome.rawValue)): not known to be delivered"
        } else if delivered {
            status = "delivered to \(poll.client) at \(lastPoll)"
        } else if state == .live {
            status = "not yet polled since \(label) (last poll \(lastPoll))"
        } else {
            status = "not known to be delivered to \(poll.client): its last poll (\(lastPoll)) was outside the judgement's valid time"
        }
        return ClientDelivery(
            client: poll.client, kind: poll.kind.rawValue, lastPoll: lastPoll, outcome: poll.outcome.rawValue, delivered: delivered,
            status: status
        )
    }
}
