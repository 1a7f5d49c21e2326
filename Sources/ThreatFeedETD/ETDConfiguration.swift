import Foundation
import ThreatFeedCore

/// Everything the ETD poller needs. A plain value: the environment fills it today
/// (`init(environment:)`), the configuration file loader of the config issue can fill it later.
public struct ETDConfiguration: Sendable {
    /// `https://api.<region>.etd.cisco.com`, or any base URL (the fake ETD in tests).
    public var baseURL: String
    public var credentials: ETDCredentials
    /// Default 5 minutes, as both Cisco sample scripts poll.
    public var pollInterval: TimeSpan = TimeSpan(seconds: 300)
    /// The window ends this long before now: ETD rejects windows too near the present, and mail
    /// takes a while to be classified (Verdict-Watch uses 5 minutes).
    public var settleDelay: TimeSpan = TimeSpan(seconds: 300)
    /// Re-scanned every cycle, so late and retrospective verdicts on older messages are seen.
    public var lookBack: TimeSpan = .hours(48)
    /// The verdicts acted on (lower case, as ETD writes them).
    public var verdicts: [String] = ["bec", "scam", "phishing", "malicious"]
    /// Verdicts that mean "not a threat after all": a message re-classified to one of these ends
    /// the judgements derived from it. Empty turns the clearing scan off.
    public var clearingVerdicts: [String] = ["neutral", "spam", "graymail"]
    /// How often the clearing scan runs (first cycle always). It searches the whole look-back for
    /// these verdicts, which on a busy tenant is most of its mail: hundreds of pages against a
    /// quota of 10,000 requests a day. So it runs hourly, not every cycle; a reclassified message
    /// stays in the feed up to this long.
    public var clearingScanInterval: TimeSpan = .hours(1)
    /// Only messages with one of these techniques (case-insensitive); empty = all.
    public var techniques: Set<String> = []
    /// Only messages held by one of these mailboxes (case-insensitive); empty = all.
    /// Both filters must match (AND), unlike Verdict-Watch's OR, which made one filter alone match everything.
    public var mailboxes: Set<String> = []
    /// Per verdict; a verdict without its own rule uses `defaultRule`.
    public var rules: [String: ETDRule] = [:]
    public var defaultRule = ETDRule()
    /// Requests per second and burst, ETD's documented per-tenant limit (token calls included).
    public var requestsPerSecond: Double = 2
    public var burst: Int = 4
    /// Per request; a hung connection fails after this and is retried.
    public var requestTimeout: TimeSpan = TimeSpan(seconds: 30)
    public var pageSize = 100
    /// Pages one cycle may read (both searches together): a peer that never stops sending next-page tokens
    /// cannot keep the poller in one cycle forever. 1,000 pages of 100 is a large backlog.
    public var maxPagesPerCycle = 1_000
    /// How long one cycle may take, checked before each page; past it the cycle fails and is retried next time.
    public var cycleDeadline: TimeSpan = TimeSpan(seconds: 30 * 60)

    public init(baseURL: String, credentials: ETDCredentials) {
        self.baseURL = baseURL
        self.credentials = credentials
    }

    public func rule(for verdict: String) -> ETDRule { rules[verdict] ?? defaultRule }

    /// The environment variables that configure the connection.
    public enum Variable {
        public static let region = "THREATFEED_ETD_REGION"
        public static let baseURL = "THREATFEED_ETD_BASE_URL"
        public static let clientID = "THREATFEED_ETD_CLIENT_ID"
        public static let clientSecret = "THREATFEED_ETD_CLIENT_SECRET"
        public static let apiKey = "THREATFEED_ETD_API_KEY"
    }

    /// Reads the connection from the environment. Nil when no ETD variable is set at all (ETD
    /// polling is off); an error when some are set but the set is incomplete or wrong.
    public init?(environment: [String: String]) throws(ETDError) {
        let names = [Variable.region, Variable.baseURL, Variable.clientID, Variable.clientSecret, Variable.apiKey]
        let value = { (name: String) -> String? in
            guard let text = environment[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            return text
        }
        guard names.contains(where: { value($0) != nil }) else { return nil }
        let base: String
        if let explicit = value(Variable.baseURL) {
            guard let url = URL(string: explicit), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
                throw ETDError.configuration("\(Variable.baseURL) '\(explicit)' is not an http(s) URL")
            }
            base = explicit.hasSuffix("/") ? String(explicit.dropLast()) : explicit
        } else if let regionText = value(Variable.region) {
            guard let region = ETDRegion(rawValue: regionText.lowercased()) else {
                let known = ETDRegion.allCases.map(\.rawValue).joined(separator: ", ")
                throw ETDError.configuration("\(Variable.region) '\(regionText)' is not an ETD region (\(known))")
            }
            base = region.baseURL
        } else {
            throw ETDError.configuration("set \(Variable.region) (us, de, au, in, ae, beta) or \(Variable.baseURL)")
        }
        let missing = [Variable.clientID, Variable.clientSecret, Variable.apiKey].filter { value($0) == nil }
        guard missing.isEmpty else {
            throw ETDError.configuration("ETD polling needs \(missing.joined(separator: ", ")) as well")
        }
        self.init(
            baseURL: base,
            credentials: ETDCredentials(
                clientID: value(Variable.clientID)!, clientSecret: value(Variable.clientSecret)!, apiKey: value(Variable.apiKey)!
            )
        )
    }
}
