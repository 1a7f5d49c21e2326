import ArgumentParser
import AsyncHTTPClient
import Foundation
import Logging
import ThreatFeedActions
import ThreatFeedCore
import ThreatFeedETD
import ThreatFeedStore

/// Options shared by `serve` and `etd poll`: where the safety policy lives and what is ours.
/// The ETD connection itself comes from the THREATFEED_ETD_* environment variables only, so
/// secrets never appear in a process listing.
struct ETDOptions: ParsableArguments {
    @Option(
        name: .customLong("policy-dir"),
        help: ArgumentHelp("Directory of the safety policy lists (env THREATFEED_POLICY_DIR).", valueName: "path")
    )
    var policyDirectory: String?

    @Option(
        name: .customLong("own-domain"),
        help: ArgumentHelp("One of our own domains, never published (repeatable; env THREATFEED_OWN_DOMAINS, comma-separated).", valueName: "domain")
    )
    var ownDomains: [String] = []

    @Option(
        name: .customLong("gateway-ip"),
        help: ArgumentHelp("Our own gateway/egress address or CIDR block, never published (repeatable; env THREATFEED_GATEWAY_IPS).", valueName: "cidr")
    )
    var gatewayAddresses: [String] = []

    static func list(_ text: String?) -> [String] {
        (text ?? "").split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
    }

    /// The ETD configuration from flags, environment and configuration file (the connection and the tuning);
    /// nil when ETD is not configured at all.
    func configuration(_ settings: Settings) throws -> ETDConfiguration? {
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
    func tune(_ configuration: inout ETDConfiguration, _ settings: Settings) throws {
        func span(_ key: SettingKey) throws -> TimeSpan? {
            guard let text = settings.string(key) else { return nil }
            do { return try TimeSpan(parsing: text) } catch { throw CLIError("\(key.key) (\(key.environment)): \(error)") }
        }
        if let value = try span(.etdPollInterval) { configuration.pollInterval = value }
        if let value = try span(.etdSettleDelay) { configuration.settleDelay = value }
        if let value = try span(.etdLookBack) { configuration.lookBack = value }
        if let value = try span(.etdCycleDeadline) { configuration.cycleDeadline = value }
        if let text = settings.string(.etdMaxPagesPerCycle) {
            guard let pages = Int(text), pages > 0 else { throw CLIError("\(settings.origin(of: .etdMaxPagesPerCycle)): '\(text)' is not a whole number above zero") }
            configuration.maxPagesPerCycle = pages
        }
        if let text = settings.string(.etdVerdicts) { configuration.verdicts = Self.list(text).map { $0.lowercased() } }
        if let text = settings.string(.etdTechniques) { configuration.techniques = Set(Self.commaList(text)) }
        if let text = settings.string(.etdMailboxes) { configuration.mailboxes = Set(Self.list(text).map { $0.lowercased() }) }
        if let text = settings.string(.etdIndicator) {
            do { configuration.defaultRule.indicator = try EntityName(text) } catch { throw CLIError("etd.indicator '\(text)': \(error)") }
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

    /// Technique names hold spaces ("Malicious URL"): only commas separate them.
    static func commaList(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    func policy(_ settings: Settings) throws -> SafetyPolicy {
        try PolicyFiles.load(
            directory: policyDirectory ?? settings.string(.policyDirectory) ?? "./feeds/policy",
            ownDomains: ownDomains + Self.list(settings.string(.policyOwnDomains)),
            gatewayAddresses: gatewayAddresses + Self.list(settings.string(.policyGatewayIPs))
        )
    }

    /// A poller writing into `store`, talking to ETD with the shared HTTP client.
    func poller(store: Store, configuration: ETDConfiguration, settings: Settings, logger: Logger) throws -> ETDPoller {
        let clock = SystemETDClock()
        let client = ETDClient(configuration: configuration, httpClient: OutboundHTTPClient.shared, clock: clock, logger: logger)
        let extractor = ConvictionExtractor(configuration: configuration, policy: try policy(settings))
        return ETDPoller(client: client, ledger: store, extractor: extractor, clock: clock, logger: logger)
    }
}
