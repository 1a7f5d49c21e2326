import Foundation
import ThreatFeedCore

extension StoreReader {
    /// `/health/etd` and `threatfeed etd status`: the poller and what the actions did with its convictions, in one
    /// read.
    public func convictionChainStatus(blocklist list: BlocklistKind) throws -> ConvictionChainStatus {
        ConvictionChainStatus(
            poll: try etdPollStatus(), remediation: try remediationStatus(), notifications: try notificationStatus(),
            blocklist: try blocklistStatus(list: list)
        )
    }
}
