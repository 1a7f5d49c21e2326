import Foundation
import Logging
import ThreatFeedActions
import ThreatFeedCore
import ThreatFeedETD
import ThreatFeedStore

/// What the policy flags of `serve` and `etd poll` add: a directory in place of `policy.directory`, and domains and
/// addresses on top of `policy.own_domains` / `policy.gateway_ips`.
public struct PolicyOverrides: Sendable {
    public var directory: String?
    public var ownDomains: [String]
    public var gatewayAddresses: [String]

    public init(directory: String? = nil, ownDomains: [String] = [], gatewayAddresses: [String] = []) {
        self.directory = directory
        self.ownDomains = ownDomains
        self.gatewayAddresses = gatewayAddresses
    }
}

/// The `etd.*` and `policy.*` settings turned into the poller's configuration. The connection comes from the
/// settings only (environment or file), so secrets never appear in a process listing.
public enum ETDSettings {
    /// The ETD configuration (the connection and the tuning); nil when ETD is not configured at all.
    public static func configuration(_ settings: Settings) throws -> ETDConfiguration? {
        // The connection check lives in ETDConfiguration; hand it the resolved values under their variable names.
        var connection: [String: String] = [:]
        for key in [SettingKey.etdRegion, .etdBaseURL, .etdClientID, .etdClientSecret, .etdAPIKey] {
            if let value = settings.string(key) { connection[key.environment] = value }
        }
        guard var configuration = try ETDConfiguration(environment: connection) else { return nil }
        try tune(&configuration, settings)
        return configuration
    }

    /// The poller's tuning from the settings, and the per-verdict rules of the feeds-as-code files.
    public static func tune(_ configuration: inout ETDConfiguration, _ settings: Settings) throws {
        func span(_ key: SettingKey) throws -> TimeSpan? {
            guard let text = settings.string(key) else { return nil }
            do { return try TimeSpan(parsing: text) } catch { throw settings.error(key, "\(error)") }
        }
        if let value = try span(.etdPollInterval) { configuration.pollInterval = value }
        if let value = try span(.etdSettleDelay) { configuration.settleDelay = value }
        if let value = try span(.etdLookBack) { configuration.lookBack = value }
        if let value = try span(.etdCycleDeadline) { configuration.cycleDeadline = value }
        if let text = settings.string(.etdMaxPagesPerCycle) {
            guard let pages = Int(text), pages > 0 else {
                throw settings.error(.etdMaxPagesPerCycle, "'\(text)' is not a whole number above zero")
            }
            configuration.maxPagesPerCycle = pages
        }
        if let text = settings.string(.etdVerdicts) { configuration.verdicts = Settings.list(text).map { $0.lowercased() } }
        if let text = settings.string(.etdTechniques) { configuration.techniques = Set(Settings.commaList(text)) }
        if let text = settings.string(.etdMailboxes) { configuration.mailboxes = Set(Settings.list(text).map { $0.lowercased() }) }
        if let text = settings.string(.etdIndicator) {
            do { configuration.defaultRule.indicator = try EntityName(text) } catch { throw settings.error(.etdIndicator, "'\(text)': \(error)") }
        }
        let validFor: [(SettingKey, ETDObservableKind)] = [
            (.etdValidForIP, .senderIP), (.etdValidForDomain, .senderDomain), (.etdValidForURL, .url), (.etdValidForHash, .attachmentSHA256),
        ]
        for (key, kind) in validFor {
            if let value = try span(key) { configuration.defaultRule.validFor[kind] = value }
        }
        if let directory = settings.string(.feedsDirectory) {
            configuration.rules = try FeedDefinitions.load(directory: directory).etdRules(base: configuration.defaultRule, actedOn: configuration.verdicts)
        }
    }

    public static func policy(_ settings: Settings, overrides: PolicyOverrides) throws -> SafetyPolicy {
        try policySource(settings, overrides: overrides)()
    }

    /// Reads the policy files each time it is called (the poller calls it every cycle).
    public static func policySource(_ settings: Settings, overrides: PolicyOverrides) -> @Sendable () throws -> SafetyPolicy {
        let directory = overrides.directory ?? settings.string(.policyDirectory) ?? "./feeds/policy"
        let own = overrides.ownDomains + Settings.list(settings.string(.policyOwnDomains))
        let gateways = overrides.gatewayAddresses + Settings.list(settings.string(.policyGatewayIPs))
        return { try PolicyFiles.load(directory: directory, ownDomains: own, gatewayAddresses: gateways) }
    }

    /// A poller writing into `store`, talking to ETD with the shared HTTP client.
    public static func poller(
        ledger: any ConvictionLedger, configuration: ETDConfiguration, settings: Settings, overrides: PolicyOverrides,
        clock: any WallClock = SystemClock(), logger: Logger
    ) throws -> ETDPoller {
        let client = ETDClient(configuration: configuration, httpClient: OutboundHTTPClient.shared, clock: clock, logger: logger)
        // Read once here so that a bad line stops start-up; the poller reads the files again every cycle.
        let extractor = ConvictionExtractor(configuration: configuration, policy: try policy(settings, overrides: overrides))
        return ETDPoller(
            client: client, ledger: ledger, extractor: extractor, clock: clock, logger: logger,
            policySource: policySource(settings, overrides: overrides)
        )
    }
}
