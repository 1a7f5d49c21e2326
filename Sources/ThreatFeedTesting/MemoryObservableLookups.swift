import Foundation
import Synchronization
import ThreatFeedCore

/// `ObservableLookups` in memory, for handler tests: the test sets the facts the store would find, and each lookup
/// answers through the same `ObservableLookup.report` as the store, restricted to what the subjects ask about.
public final class MemoryObservableLookups: ObservableLookups {
    private let state = Mutex(LookupFacts())

    public init() {}

    public var facts: LookupFacts {
        get { state.withLock { $0 } }
        set { state.withLock { $0 = newValue } }
    }

    public func lookup(_ subjects: [LookupSubject], now: Date) async throws -> LookupReport {
        let all = facts
        // What the store reads for these subjects: the observables, their implied relatives and the URLs on their hosts.
        var asked = Set<Observable>()
        var facts = LookupFacts()
        for subject in subjects {
            if let observable = subject.observable { asked.insert(observable) }
            asked.formUnion(subject.impliedRelated.map(\.0))
            if let host = subject.hostForURLs, let urls = all.urlsOnHost[host] {
                facts.urlsOnHost[host] = urls
                asked.formUnion(urls)
            }
        }
        facts.judgements = all.judgements.filter { asked.contains($0.key) }
        facts.heldBack = all.heldBack.filter { asked.contains($0.key) }
        if !facts.judgements.isEmpty {
            facts.feeds = all.feeds
            facts.indicatorNames = all.indicatorNames
            facts.clientPolls = all.clientPolls
        }
        return ObservableLookup.report(for: subjects, facts: facts, now: now)
    }
}
