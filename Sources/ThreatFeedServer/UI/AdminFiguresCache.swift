import Foundation
import ThreatFeedCore
import ThreatFeedStore

/// The feed figures that read every judgement of an indicator (live count, types, added and ended per day), kept
/// per indicator while they stay right, so that a page costs a revision read rather than a walk over a million rows.
///
/// As with `FeedViewCache`, an entry is right while the indicator's revision is unchanged and no judgement has started
/// or stopped being live since it was computed; the per-day counts also end at midnight UTC, when the 30 days move.
actor AdminFiguresCache {
    struct Figures: Sendable {
        let statistics: StoreReader.IndicatorStatistics
        /// Nil when only the overview's statistics were computed.
        let detail: Detail?
    }

    struct Detail: Sendable {
        let types: [TypeCount]
        let additions: [DayCount]
        let ends: [DayCount]
    }

    private struct Entry {
        let revision: Int64
        let validUntil: Date
        let figures: Figures
    }

    private let store: Store
    private var entries: [String: Entry] = [:]

    init(store: Store) {
        self.store = store
    }

    func figures(ofIndicator id: String, detail: Bool, at now: Date) async throws -> Figures {
        let revision = try await store.read { try $0.revision(ofIndicator: id) } ?? -1
        if let entry = entries[id], entry.revision == revision, now < entry.validUntil, !detail || entry.figures.detail != nil {
            return entry.figures
        }
        let entry = try await store.read { reader -> Entry in
            // Read again inside the transaction, so the figures and their revision belong together.
            let revision = try reader.revision(ofIndicator: id) ?? -1
            let statistics = try reader.statistics(ofIndicator: id, at: now)
            var figuresDetail: Detail?
            if detail {
                let since = CalendarBucket.start(ofDay: CalendarBucket.day(of: now) - Int64(FeedPage.days) + 1)
                figuresDetail = Detail(
                    types: try reader.liveObservableTypes(ofIndicator: id, at: now),
                    additions: try reader.additionsPerDay(ofIndicator: id, since: since),
                    ends: try reader.endsPerDay(ofIndicator: id, since: since, now: now)
                )
            }
            let midnight = CalendarBucket.start(ofDay: CalendarBucket.day(of: now) + 1)
            let change = try reader.nextValidityChange(ofIndicator: id, after: now) ?? midnight
            return Entry(revision: revision, validUntil: min(change, midnight), figures: Figures(statistics: statistics, detail: figuresDetail))
        }
        entries[id] = entry
        return entry.figures
    }
}
