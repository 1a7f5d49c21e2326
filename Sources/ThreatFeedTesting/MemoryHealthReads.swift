import Foundation
import Synchronization
import ThreatFeedCore

/// `HealthReads` in memory, for testing the health handlers without SQLite: the test sets what the store would
/// hold, and can make the database "unreachable".
public final class MemoryHealthReads: HealthReads {
    private struct State {
        var reachable = true
        var pollStatus = ETDPollStatus()
        var feeds: [FeedSummary] = []
        var chain = ConvictionChainStatus(
            poll: ETDPollStatus(), remediation: RemediationStatus(),
            notifications: NotificationStatus(enabledSince: nil, counts: [:], lastSent: nil, lastError: nil, lastErrorAt: nil),
            blocklist: BlocklistStatus(list: .blocklist, gateway: nil, counts: [:], lastRun: BlocklistRunRecord())
        )
    }
    private let state = Mutex(State())

    public init() {}

    public var reachable: Bool {
        get { state.withLock { $0.reachable } }
        set { state.withLock { $0.reachable = newValue } }
    }

    public var pollStatus: ETDPollStatus {
        get { state.withLock { $0.pollStatus } }
        set { state.withLock { $0.pollStatus = newValue; $0.chain.poll = newValue } }
    }

    public var feeds: [FeedSummary] {
        get { state.withLock { $0.feeds } }
        set { state.withLock { $0.feeds = newValue } }
    }

    public var chain: ConvictionChainStatus {
        get { state.withLock { $0.chain } }
        set { state.withLock { $0.chain = newValue; $0.pollStatus = newValue.poll } }
    }

    public func isReachable() async -> Bool { reachable }
    public func etdPollStatus() async throws -> ETDPollStatus { pollStatus }
    public func feedSummaries(at now: Date) async throws -> [FeedSummary] { feeds }
    public func convictionChainStatus(blocklist: BlocklistKind) async throws -> ConvictionChainStatus {
        var chain = self.chain
        chain.blocklist.list = blocklist
        return chain
    }
}
