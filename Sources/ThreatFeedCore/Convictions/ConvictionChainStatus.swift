/// The ETD poller and what each action did with its convictions, read together (one snapshot of the store).
public struct ConvictionChainStatus: Sendable, Equatable {
    public var poll: ETDPollStatus
    public var remediation: RemediationStatus
    public var notifications: NotificationStatus
    public var blocklist: BlocklistStatus

    public init(poll: ETDPollStatus, remediation: RemediationStatus, notifications: NotificationStatus, blocklist: BlocklistStatus) {
        self.poll = poll
        self.remediation = remediation
        self.notifications = notifications
        self.blocklist = blocklist
    }
}
