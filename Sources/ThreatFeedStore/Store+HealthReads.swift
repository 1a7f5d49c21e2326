import Foundation
import ThreatFeedCore

extension Store: HealthReads {
    public func isReachable() async -> Bool { await ping() }

    public func etdPollStatus() async throws -> ETDPollStatus { try await read { try $0.etdPollStatus() } }

    public func feedSummaries(at now: Date) async throws -> [FeedSummary] {
        try await read { reader in
            try reader.feeds().map { feed in
                let statistics = try reader.statistics(ofIndicator: feed.indicatorID, at: now)
                return FeedSummary(
                    feed: feed, indicatorName: try reader.indicator(id: feed.indicatorID)?.name.value,
                    liveObservables: statistics.liveObservables, judgements: statistics.judgements, newestLabel: statistics.newestLabel
                )
            }
        }
    }

    public func convictionChainStatus(blocklist list: BlocklistKind) async throws -> ConvictionChainStatus {
        try await read { try $0.convictionChainStatus(blocklist: list) }
    }
}
