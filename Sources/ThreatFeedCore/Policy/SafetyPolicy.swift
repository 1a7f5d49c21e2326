/// What may be published from an automated source such as ETD. A feed that blocks good mail is
/// worse than none, so every observable passes here before it becomes a judgement.
///
/// Pure: the lists are given as values; reading `feeds/policy/*.txt` happens in the caller.
/// Checks run in a fixed order so that a value held back for several reasons is always counted
/// under the same one: allowlist, own domains, own gateways, reserved addresses, free-mail,
/// shared hosting, shared sender infrastructure.
///
/// A sender IP is judged with its message in view (`SenderContext`): when the message came from a
/// free-mail or large-provider domain, or the IP lies in a provider's published sending ranges,
/// the IP is the provider's relay and is held back; the message's URLs, hashes and non-provider
/// domains are still published.
public struct SafetyPolicy: Hashable, Sendable {
    /// Our own domains (configured). Covers subdomains and URLs on them.
    public var ownDomains: DomainSet
    /// Our own gateways and egress addresses (configured, CIDR allowed).
    public var gatewayRanges: [IPRange]
    /// Special-purpose blocks; `SpecialPurposeRanges.blocks` unless a test replaces them.
    public var reservedRanges: [IPRange]
    /// Free-mail and large mail providers: sender domains on them are never published.
    public var freemailDomains: DomainSet
    /// URL shorteners and large hosting/file-sharing sites: the bare domain is never published,
    /// full URLs on them are (they point at the one bad object, not at the service).
    public var sharedHostingDomains: DomainSet
    public var allowlist: Allowlist
    /// The published outbound ranges of large mail and e-mail-service providers
    /// (`feeds/policy/provider-ranges/*.txt`): a sender IP in them is a shared relay.
    public var providerRanges: AddressIntervalSet

    public init(
        ownDomains: DomainSet = DomainSet(),
        gatewayRanges: [IPRange] = [],
        reservedRanges: [IPRange] = SpecialPurposeRanges.blocks,
        freemailDomains: DomainSet = DomainSet(),
        sharedHostingDomains: DomainSet = DomainSet(),
        allowlist: Allowlist = Allowlist(),
        providerRanges: AddressIntervalSet = AddressIntervalSet()
    ) {
        self.ownDomains = ownDomains
        self.gatewayRanges = gatewayRanges
        self.reservedRanges = reservedRanges
        self.freemailDomains = freemailDomains
        self.sharedHostingDomains = sharedHostingDomains
        self.allowlist = allowlist
        self.providerRanges = providerRanges
    }

    /// The decision for a value with no message around it.
    public func decide(_ observable: Observable) -> SafetyDecision {
        decide(observable, context: .none)
    }

    /// The decision for a value taken from a message with this sender context.
    public func decide(_ observable: Observable, context: SenderContext) -> SafetyDecision {
        if let reason = holdBackReason(observable, context: context) { return .holdBack(reason) }
        return .publish
    }

    private func holdBackReason(_ observable: Observable, context: SenderContext) -> HoldBackReason? {
        if allowlist.exact.contains(observable) { return .allowlisted }
        switch observable.type {
        case .domain:
            return domainReason(observable.value, bare: true)
        case .ip, .ipv6:
            return addressReason(observable.value) ?? senderAddressReason(observable.value, context: context)
        case .url:
            switch URLHost.of(observable.value) {
            case .domain(let host): return domainReason(host, bare: false)
            case .address(let host): return addressReason(host)
            case nil: return nil
            }
        case .sha256, .md5, .sha1:
            return nil
        }
    }

    /// `bare` is true for a domain observable, false for the host of a URL: free-mail and shared
    /// hosting hold back only the former, since a full URL names one object, not the provider.
    private func domainReason(_ domain: String, bare: Bool) -> HoldBackReason? {
        if allowlist.domains.covers(domain) { return .allowlisted }
        if ownDomains.covers(domain) { return .ownDomain }
        guard bare else { return nil }
        if freemailDomains.covers(domain) { return .freemailDomain }
        if sharedHostingDomains.covers(domain) { return .sharedHostingDomain }
        return nil
    }

    private func addressReason(_ address: String) -> HoldBackReason? {
        if allowlist.ranges.contains(where: { $0.contains(address) }) { return .allowlisted }
        if gatewayRanges.contains(where: { $0.contains(address) }) { return .ownGatewayIP }
        if reservedRanges.contains(where: { $0.contains(address) }) { return .reservedAddress }
        return nil
    }

    /// A bare address (a sender IP): the provider's relay when the message came from a provider's
    /// domain or the address is in a provider's ranges. URLs on such an address are not covered:
    /// a full URL names one object, not the relay.
    private func senderAddressReason(_ address: String, context: SenderContext) -> HoldBackReason? {
        if context.senderDomains.contains(where: { freemailDomains.covers($0) }) { return .sharedSenderInfrastructure }
        if providerRanges.contains(address) { return .sharedSenderInfrastructure }
        return nil
    }
}
