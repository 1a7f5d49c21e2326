import Foundation
import Logging
import ThreatFeedCore

/// What the poller does with one page of search results, apart from fetching it: pick the
/// convictions not yet processed, convert them, and commit them in one ledger transaction; or,
/// for a page of cleared messages, end what only they backed. `threatfeed etd replay` uses it
/// on recorded responses too.
public struct ConvictionPageProcessor: Sendable {
    public let extractor: ConvictionExtractor
    public let ledger: any ConvictionLedger
    public let clock: any WallClock
    public let logger: Logger

    public init(extractor: ConvictionExtractor, ledger: any ConvictionLedger, clock: any WallClock, logger: Logger) {
        self.extractor = extractor
        self.ledger = ledger
        self.clock = clock
        self.logger = logger
    }

    /// Converts and commits the page's convictions that pass the verdict and filter settings and were not processed before.
    public func convictions(in page: ETDSearchPage) async throws -> ConvictionPageOutcome {
        let acted = Set(extractor.configuration.verdicts.map { $0.lowercased() })
        let candidates = page.messages.filter {
            acted.contains($0.verdict.category.lowercased()) && extractor.matchesFilters($0)
        }
        let keys = candidates.map { ConvictionKey(messageID: $0.id, verdict: $0.verdict.category.lowercased()) }
        let done = try await ledger.processedKeys(among: keys)
        var seen: Set<ConvictionKey> = []
        var convictions: [ConvictionPage.Conviction] = []
        let now = clock.now()
        for (message, key) in zip(candidates, keys) {
            guard !done.contains(key), seen.insert(key).inserted else { continue }
            let conviction = extractor.conviction(from: message, now: now)
            for (reason, count) in conviction.heldBack {
                logger.info("ETD value held back", metadata: ["conviction": "\(key)", "reason": "\(reason.rawValue)", "count": "\(count)"])
            }
            convictions.append(conviction)
        }
        guard !convictions.isEmpty else { return ConvictionPageOutcome() }
        return try await ledger.commit(ConvictionPage(convictions: convictions))
    }

    /// Ends the judgements of the page's messages that ETD now classifies as not a threat.
    public func clearings(in page: ETDSearchPage) async throws -> ConvictionPageOutcome {
        let clearing = Set(extractor.configuration.clearingVerdicts.map { $0.lowercased() })
        let ids = page.messages.filter { clearing.contains($0.verdict.category.lowercased()) }.map(\.id)
        let convicted = try await ledger.convictedMessageIDs(among: ids)
        guard !convicted.isEmpty else { return ConvictionPageOutcome() }
        return try await ledger.commit(ConvictionPage(clearedMessageIDs: ids.filter { convicted.contains($0) }))
    }
}

extension ConvictionPageOutcome {
    /// Adds another page's outcome to this one.
    public mutating func add(_ other: ConvictionPageOutcome) {
        convictions += other.convictions
        created += other.created
        refreshed += other.refreshed
        ended += other.ended
        heldBack.merge(other.heldBack, uniquingKeysWith: +)
    }
}
