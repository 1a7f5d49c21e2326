import ArgumentParser
import AsyncHTTPClient
import Foundation
import Logging
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

    /// The ETD configuration from the environment; nil when ETD is not configured at all.
    func configuration(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ETDConfiguration? {
        try ETDConfiguration(environment: environment)
    }

    func policy(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> SafetyPolicy {
        try PolicyFiles.load(
            directory: policyDirectory ?? environment["THREATFEED_POLICY_DIR"] ?? "./feeds/policy",
            ownDomains: ownDomains + Self.list(environment["THREATFEED_OWN_DOMAINS"]),
            gatewayAddresses: gatewayAddresses + Self.list(environment["THREATFEED_GATEWAY_IPS"])
        )
    }

    /// A poller writing into `store`, talking to ETD with the shared HTTP client.
    func poller(store: Store, configuration: ETDConfiguration, logger: Logger) throws -> ETDPoller {
        let clock = SystemETDClock()
        let client = ETDClient(configuration: configuration, httpClient: HTTPClient.shared, clock: clock, logger: logger)
        let extractor = ConvictionExtractor(configuration: configuration, policy: try policy())
        return ETDPoller(client: client, ledger: store, extractor: extractor, clock: clock, logger: logger)
    }
}
