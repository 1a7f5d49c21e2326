import Foundation

/// Polls of a feed by one client in one hour (`hour` = hours since the epoch).
public struct ClientHourCount: Sendable, Hashable {
    public var client: String
    public var hour: Int64
    public var polls: Int
    public var failures: Int

    public init(client: String, hour: Int64, polls: Int, failures: Int) {
        self.client = client
        self.hour = hour
        self.polls = polls
        self.failures = failures
    }
}
