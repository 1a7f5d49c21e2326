import Foundation
import ThreatFeedCore

/// Everything the gateway blocklist sync needs; the CLI fills it from `blocklist.*` settings.
public struct BlocklistConfiguration: Sendable {
    /// The ESA (or, for the centralised spam quarantine, the SMA) base URL; `prefix` picks the API.
    public var baseURL: String
    public var prefix: String
    public var credentials: AsyncOSCredentials
    public var list: BlocklistKind = .blocklist
    /// The indicator whose live domain, IPv4 and IPv6 values are kept on the list.
    public var indicator: String
    /// Each sender is listed for these recipients (`recipientList`).
    public var recipients: [String]
    /// Requests per run, adds and deletes together; the rest waits for the next run.
    public var maxPerRun = 100
    /// The gateway's per-list limit: the sync never grows the list past it.
    public var maxEntries = 500
    public var interval: TimeSpan = TimeSpan(seconds: 900)
    /// Log the JSON that would be sent; contact nothing, change nothing.
    public var dryRun = false
    public var caFile: String?
    public var requestTimeout: TimeSpan = TimeSpan(seconds: 30)
    /// Attempts per request within a run (5xx, 429, no answer); a 429 asking for longer than `maxRetryAfter` ends the run.
    public var retry = RetryPolicy.blocklist

    public init(baseURL: String, prefix: String, credentials: AsyncOSCredentials, indicator: String, recipients: [String]) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.prefix = prefix
        self.credentials = credentials
        self.indicator = indicator
        self.recipients = recipients
    }
}
