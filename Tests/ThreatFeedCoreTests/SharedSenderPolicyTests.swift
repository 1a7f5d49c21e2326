import Testing

@testable import ThreatFeedCore

/// A sender IP judged with its message in view: a free-mail/provider sender or a provider's
/// published range makes the IP the provider's shared relay (never published); the message's
/// URLs, hashes and non-provider domains are still judged on their own.
@Suite struct SharedSenderPolicyTests {
    static func policy() throws -> SafetyPolicy {
        SafetyPolicy(
            gatewayRanges: try PolicyListParser.ranges(from: "198.51.100.10", file: "gw"),
            freemailDomains: try PolicyListParser.domains(from: "gmail.com\noutlook.com\nsendgrid.net\namazonses.com", file: "freemail"),
            allowlist: try PolicyListParser.allowlist(from: "203.0.113.200", file: "allow"),
            providerRanges: AddressIntervalSet(
                try PolicyListParser.providerRanges(
                    from: "ip4:40.107.0.0/16\nip4:209.85.128.0/17\n2a00:1450:4000::/36\nip6:2a01:111:f403::/49\n167.89.0.0/17", file: "ranges"
                )
            )
        )
    }

    static func decide(_ value: String, from: String?, returnPath: String? = nil) throws -> SafetyDecision {
        try policy().decide(try Observable(parsing: value), context: SenderContext(fromAddress: from, returnPath: returnPath))
    }

    @Test func freeMailSenderHoldsBackTheSenderIPWhateverTheAddress() throws {
        // A BEC from a gmail.com account: the IP is Google's relay, wherever it is.
        #expect(try Self.decide("203.0.113.7", from: "CEO <ceo.office@gmail.com>") == .holdBack(.sharedSenderInfrastructure))
        #expect(try Self.decide("2001:db8::7", from: "ceo.office@GMAIL.com") == .holdBack(.sharedSenderInfrastructure))
        // Only the envelope sender on a provider (a SendGrid bounce subdomain) is enough.
        #expect(
            try Self.decide("203.0.113.7", from: "billing@invoice-portal.example.org", returnPath: "<bounces+123@em4471.sendgrid.net>")
                == .holdBack(.sharedSenderInfrastructure)
        )
        // The same IP from the attacker's own domain is published.
        #expect(try Self.decide("203.0.113.7", from: "billing@invoice-portal.example.org", returnPath: "b@invoice-portal.example.org") == .publish)
        #expect(try Self.decide("203.0.113.7", from: nil) == .publish)
    }

    @Test func providerRangesHoldBackTheRelayForAnySender() throws {
        // Relayed through Microsoft 365's pool from a look-alike domain: the relay is held back, v4 and v6.
        #expect(try Self.decide("40.107.22.57", from: "it@micros0ft-support.example.net") == .holdBack(.sharedSenderInfrastructure))
        #expect(try Self.decide("2a01:111:f403:7000::1", from: "it@micros0ft-support.example.net") == .holdBack(.sharedSenderInfrastructure))
        #expect(try Self.decide("2a00:1450:4864:20::341", from: nil) == .holdBack(.sharedSenderInfrastructure))
        // Block edges: first and last address in, one past each out.
        #expect(try Self.decide("209.85.128.0", from: nil) == .holdBack(.sharedSenderInfrastructure))
        #expect(try Self.decide("209.85.255.255", from: nil) == .holdBack(.sharedSenderInfrastructure))
        #expect(try Self.decide("209.85.127.255", from: nil) == .publish)
        #expect(try Self.decide("209.86.0.0", from: nil) == .publish)
        #expect(try Self.decide("2a01:111:f403:8000::", from: nil) == .publish)
        #expect(try Self.decide("2a00:1450:3fff:ffff:ffff:ffff:ffff:ffff", from: nil) == .publish)
        // Without a message around it (an import), a range still holds back; a free-mail context cannot apply.
        #expect(try Self.policy().decide(try Observable(parsing: "167.89.1.1")) == .holdBack(.sharedSenderInfrastructure))
    }

    @Test func theRestOfTheMessageIsStillPublished() throws {
        let context = SenderContext(fromAddress: "Security <it@micros0ft-support.example.net>", returnPath: "x@gmail.com")
        let policy = try Self.policy()
        #expect(policy.decide(try Observable(parsing: "micros0ft-support.example.net", as: .domain), context: context) == .publish)
        #expect(policy.decide(try Observable(parsing: "https://micros0ft-support.example.net/login", as: .url), context: context) == .publish)
        #expect(policy.decide(try Observable(parsing: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"), context: context) == .publish)
        // A URL on a provider address names one object, not the relay.
        #expect(policy.decide(try Observable(parsing: "http://40.107.22.57/x", as: .url), context: context) == .publish)
        // The provider's own domain stays held back as before.
        #expect(policy.decide(try Observable(parsing: "gmail.com", as: .domain), context: context) == .holdBack(.freemailDomain))
    }

    @Test func earlierReasonsKeepTheirPlace() throws {
        // Allowlist, own gateway and reserved addresses come first, so a value is always counted under one reason.
        #expect(try Self.decide("203.0.113.200", from: "x@gmail.com") == .holdBack(.allowlisted))
        #expect(try Self.decide("198.51.100.10", from: "x@gmail.com") == .holdBack(.ownGatewayIP))
        #expect(try Self.decide("10.1.2.3", from: "x@gmail.com") == .holdBack(.reservedAddress))
    }

    @Test func senderDomainsAreNormalised() {
        #expect(SenderContext(fromAddress: " \"A, B\" <a@Mail.Gmail.COM> ", returnPath: "b@gmail[.]com").senderDomains == ["mail.gmail.com", "gmail.com"])
        #expect(SenderContext(fromAddress: "no-at-sign", returnPath: "x@").senderDomains.isEmpty)
        #expect(SenderContext(fromAddress: "a@xn--mnchen-3ya.example", returnPath: "a@münchen.example").senderDomains == ["xn--mnchen-3ya.example"])
    }

    @Test func aBadRangeLineNamesFileAndLine() {
        #expect(throws: PolicyListError(file: "ranges/x.txt", line: 3, problem: "'40.107.0.1/16' has host bits set below /16")) {
            try PolicyListParser.providerRanges(from: "# header\nip4:40.92.0.0/15\nip4:40.107.0.1/16\n", file: "ranges/x.txt")
        }
        #expect(throws: PolicyListError.self) { try PolicyListParser.providerRanges(from: "include:spf.example.net", file: "f") }
        #expect(throws: PolicyListError.self) { try PolicyListParser.providerRanges(from: "ip6:2a01:111:f403::/129", file: "f") }
    }
}

/// The sorted-interval lookup agrees with the plain definition (any block contains the address).
@Suite struct AddressIntervalSetTests {
    @Test func mergesOverlappingAndAdjacentBlocks() throws {
        let set = AddressIntervalSet(
            try ["10.0.0.0/24", "10.0.1.0/24", "10.0.0.128/25", "10.0.3.0/24", "::/0", "2001:db8::/32"].map { try IPRange(parsing: $0) }
        )
        #expect(set.blockCount == 6)
        // 10.0.0.0-10.0.1.255 and 10.0.3.0/24 stay apart; ::/0 swallows the IPv6 block.
        #expect(set.intervalCount == 3)
        #expect(set.contains("10.0.1.255"))
        #expect(!set.contains("10.0.2.0"))
        #expect(set.contains("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"))
        // IPv4 text is never looked up in the IPv6 intervals (::/0 holds 0.0.0.0/96 as numbers, not IPv4).
        #expect(!set.contains("10.0.2.1"))
        #expect(!set.contains("not an address"))
        #expect(AddressIntervalSet(try [IPRange(parsing: "0.0.0.0/0")]).contains("255.255.255.255"))
        #expect(!AddressIntervalSet().contains("1.2.3.4"))
    }

    @Test func agreesWithALinearScanOnRandomBlocks() throws {
        var random = SplitMix(seed: 7)
        for round in 0..<20 {
            var blocks: [IPRange] = []
            for _ in 0..<(50 + round * 10) {
                let prefix = Int(random.next() % 17) + 16
                let address = UInt32(truncatingIfNeeded: random.next()) & (prefix == 32 ? .max : ~(UInt32.max >> UInt32(prefix)))
                blocks.append(try IPRange(parsing: Self.text(address) + "/\(prefix)"))
                let prefix6 = Int(random.next() % 97) + 16
                var groups: [String] = []
                let high = random.next()
                let low = random.next()
                for i in 0..<8 {
                    let word = i < 4 ? high >> UInt64(48 - 16 * i) : low >> UInt64(48 - 16 * (i - 4))
                    groups.append(String(UInt16(truncatingIfNeeded: word), radix: 16))
                }
                // Clear the host bits by reparsing through the block's own description.
                let address6 = groups.joined(separator: ":")
                if let block = Self.block(address6, prefix6) { blocks.append(block) }
            }
            let set = AddressIntervalSet(blocks)
            for _ in 0..<500 {
                let probe: String
                if random.next() % 2 == 0 {
                    // Near a block edge half of the time, where off-by-one errors live.
                    let block = blocks[Int(random.next() % UInt64(blocks.count))]
                    probe = Self.near(block, &random)
                } else {
                    probe = Self.text(UInt32(truncatingIfNeeded: random.next()))
                }
                #expect(set.contains(probe) == blocks.contains { $0.contains(probe) }, "\(probe)")
            }
        }
    }

    static func text(_ v: UInt32) -> String { "\(v >> 24).\((v >> 16) & 0xFF).\((v >> 8) & 0xFF).\(v & 0xFF)" }

    static func block(_ address: String, _ prefix: Int) -> IPRange? {
        let interval = AddressIntervalSet.interval(of: try! IPRange(parsing: address))
        let hostBits = 128 - prefix
        let network = interval.first & ~((UInt128(1) << UInt128(hostBits)) - 1)
        return try? IPRange(parsing: v6Text(network) + "/\(prefix)")
    }

    static func v6Text(_ value: UInt128) -> String {
        (0..<8).map { String(UInt16(truncatingIfNeeded: value >> UInt128(112 - 16 * $0)), radix: 16) }.joined(separator: ":")
    }

    /// An address just inside or just outside the block's first or last address.
    static func near(_ block: IPRange, _ random: inout SplitMix) -> String {
        let interval = AddressIntervalSet.interval(of: block)
        let edge = random.next() % 2 == 0 ? interval.first : interval.last
        let step = Int(random.next() % 3) - 1
        let value: UInt128 = step < 0 ? (edge == 0 ? edge : edge - 1) : step > 0 ? (edge == .max ? edge : edge + 1) : edge
        if block.family == .v4 { return text(UInt32(truncatingIfNeeded: value)) }
        return v6Text(value)
    }
}

struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E4B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
