import Foundation
import ThreatFeedCore

/// Everything the remediation runner needs; the CLI fills it from `remediation.*` settings.
public struct RemediationConfiguration: Sendable {
    /// `https://sma.example.com:4431` (Cisco's script: port 4431); the API paths are appended.
    public var smaURL: String
    public var credentials: AsyncOSCredentials
    public var action: RemediationAction = .fwdDelete
    /// Where SMA forwards copies (`fwd_email_address`); may be empty.
    public var forwardTo: [String] = []
    /// Convictions with these verdicts are remediated (lower case, as ETD writes them).
    public var verdicts: [String] = ["bec", "scam", "phishing", "malicious"]
    /// Log and record the request that would be sent; never contact SMA.
    public var dryRun = false
    /// A PEM file of CA certificates to trust for the SMA's HTTPS (a private CA), besides the system's.
    public var caFile: String?
    public var requestTimeout: TimeSpan = TimeSpan(seconds: 30)
    /// How often the runner looks for work when nothing wakes it (the ETD poller wakes it after each cycle).
    public var interval: TimeSpan = TimeSpan(seconds: 60)
    public var retry = RetryPolicy.remediation

    public init(smaURL: String, credentials: AsyncOSCredentials) {
        self.smaURL = smaURL.hasSuffix("/") ? String(smaURL.dropLast()) : smaURL
        self.credentials = credentials
    }

    /// The SMA's host name, sent as `initiated_source` as the script does.
    public var smaHost: String { URLComponents(string: smaURL)?.host ?? smaURL }
}
