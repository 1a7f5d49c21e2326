import ArgumentParser
import Foundation
import Logging
import ThreatFeedCore
import ThreatFeedETD
import ThreatFeedService
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

    var overrides: PolicyOverrides {
        PolicyOverrides(directory: policyDirectory, ownDomains: ownDomains, gatewayAddresses: gatewayAddresses)
    }

    func configuration(_ settings: Settings) throws -> ETDConfiguration? { try ETDSettings.configuration(settings) }

    func tune(_ configuration: inout ETDConfiguration, _ settings: Settings) throws { try ETDSettings.tune(&configuration, settings) }

    func policy(_ settings: Settings) throws -> SafetyPolicy { try ETDSettings.policy(settings, overrides: overrides) }

    func poller(store: Store, configuration: ETDConfiguration, settings: Settings, logger: Logger) throws -> ETDPoller {
        try ETDSettings.poller(ledger: store, configuration: configuration, settings: settings, overrides: overrides, logger: logger)
    }
}
