import Testing

@testable import ThreatFeedCore

/// One observable and what the policy must decide for it.
struct PolicyCase: Sendable, CustomTestStringConvertible {
    let value: String
    let type: ObservableType?
    let expected: SafetyDecision

    init(_ value: String, _ type: ObservableType? = nil, _ expected: SafetyDecision) {
        self.value = value
        self.type = type
        self.expected = expected
    }

    var testDescription: String { "\(value) → \(expected)" }
}

@Suite struct SafetyPolicyTests {
    static func policy() throws -> SafetyPolicy {
        SafetyPolicy(
            ownDomains: try PolicyListParser.domains(from: "example.com\nexample-corp.net", file: "own"),
            gatewayRanges: try PolicyListParser.ranges(from: "198.51.100.0/28\n2001:db8:ffff::/48", file: "gw"),
            freemailDomains: try PolicyListParser.domains(from: "gmail.com\noutlook.com", file: "freemail"),
            sharedHostingDomains: try PolicyListParser.domains(from: "bit.ly\ndrive.google.com\n*.github.io", file: "shared"),
            allowlist: try PolicyListParser.allowlist(
                from: "partner.example.org\n203.0.113.128/25\nhttps://x.example.net/ok\n"
                    + "a16069f6dd203c02b71a0a981249a2cbd7cc253dc1ac08d64413bbef8e59130e",
                file: "allow"
            )
        )
    }

    static let cases: [PolicyCase] = [
        // Documentation ranges are attacker addresses in our tests and fixtures: published.
        PolicyCase("192.0.2.145", .ip, .publish),
        PolicyCase("203.0.113.45", .ip, .publish),
        PolicyCase("2001:db8::1", .ipv6, .publish),
        // Own gateway (CIDR, v4 and v6).
        PolicyCase("198.51.100.10", .ip, .holdBack(.ownGatewayIP)),
        PolicyCase("198.51.100.15", .ip, .holdBack(.ownGatewayIP)),
        PolicyCase("198.51.100.16", .ip, .publish),
        PolicyCase("2001:db8:ffff:1::25", .ipv6, .holdBack(.ownGatewayIP)),
        // Reserved.
        PolicyCase("10.1.2.3", .ip, .holdBack(.reservedAddress)),
        PolicyCase("172.31.255.255", .ip, .holdBack(.reservedAddress)),
        PolicyCase("172.32.0.1", .ip, .publish),
        PolicyCase("192.168.0.1", .ip, .holdBack(.reservedAddress)),
        PolicyCase("127.0.0.1", .ip, .holdBack(.reservedAddress)),
        PolicyCase("169.254.10.10", .ip, .holdBack(.reservedAddress)),
        PolicyCase("100.64.0.1", .ip, .holdBack(.reservedAddress)),
        PolicyCase("100.128.0.1", .ip, .publish),
        PolicyCase("224.0.0.251", .ip, .holdBack(.reservedAddress)),
        PolicyCase("255.255.255.255", .ip, .holdBack(.reservedAddress)),
        PolicyCase("0.0.0.0", .ip, .holdBack(.reservedAddress)),
        PolicyCase("::1", .ipv6, .holdBack(.reservedAddress)),
        PolicyCase("fe80::1", .ipv6, .holdBack(.reservedAddress)),
        PolicyCase("fd00::1", .ipv6, .holdBack(.reservedAddress)),
        PolicyCase("ff02::1", .ipv6, .holdBack(.reservedAddress)),
        PolicyCase("::ffff:10.0.0.1", .ipv6, .holdBack(.reservedAddress)),
        PolicyCase("2606:4700::1111", .ipv6, .publish),
        // Own domains and subdomains, and URLs on them.
        PolicyCase("example.com", .domain, .holdBack(.ownDomain)),
        PolicyCase("mail.EXAMPLE.com", .domain, .holdBack(.ownDomain)),
        PolicyCase("notexample.com", .domain, .publish),
        PolicyCase("https://login.example.com/reset", .url, .holdBack(.ownDomain)),
        // Free-mail: domain held back, a URL on it published.
        PolicyCase("gmail.com", .domain, .holdBack(.freemailDomain)),
        PolicyCase("eu.outlook.com", .domain, .holdBack(.freemailDomain)),
        PolicyCase("https://gmail.com/some/path", .url, .publish),
        // Shared hosting and shorteners: bare domain held back, full URL published.
        PolicyCase("bit.ly", .domain, .holdBack(.sharedHostingDomain)),
        PolicyCase("https://bit.ly/3xYz", .url, .publish),
        PolicyCase("drive.google.com", .domain, .holdBack(.sharedHostingDomain)),
        PolicyCase("google.com", .domain, .publish),
        PolicyCase("evil.github.io", .domain, .holdBack(.sharedHostingDomain)),
        // URLs on addresses follow the address rules.
        PolicyCase("http://10.0.0.5/payload", .url, .holdBack(.reservedAddress)),
        PolicyCase("http://[fe80::1]:8080/x", .url, .holdBack(.reservedAddress)),
        PolicyCase("http://198.51.100.3/x", .url, .holdBack(.ownGatewayIP)),
        PolicyCase("http://192.0.2.9/x", .url, .publish),
        // Allowlist: domains cover subdomains and URLs, blocks cover addresses, URLs and hashes exact.
        PolicyCase("partner.example.org", .domain, .holdBack(.allowlisted)),
        PolicyCase("mx.partner.example.org", .domain, .holdBack(.allowlisted)),
        PolicyCase("https://files.partner.example.org/a.pdf", .url, .holdBack(.allowlisted)),
        PolicyCase("203.0.113.200", .ip, .holdBack(.allowlisted)),
        PolicyCase("https://x.example.net/ok", .url, .holdBack(.allowlisted)),
        PolicyCase("https://x.example.net/other", .url, .publish),
        PolicyCase("A16069F6DD203C02B71A0A981249A2CBD7CC253DC1AC08D64413BBEF8E59130E", .sha256, .holdBack(.allowlisted)),
        PolicyCase("2c053c837e251eec013f4d4cf849bfda5915664d571d667e75383a396b8ccd70", .sha256, .publish),
    ]

    @Test(arguments: cases)
    func decides(_ testCase: PolicyCase) throws {
        let observable = try Observable(parsing: testCase.value, as: testCase.type)
        #expect(try Self.policy().decide(observable) == testCase.expected)
    }

    @Test func allowlistWinsOverEveryOtherReason() throws {
        var policy = try Self.policy()
        policy.allowlist.insert(try Observable(parsing: "10.0.0.1"))
        #expect(policy.decide(try Observable(parsing: "10.0.0.1")) == .holdBack(.allowlisted))
    }

    @Test func defaultPolicyStillRefusesReservedAddresses() throws {
        let policy = SafetyPolicy()
        #expect(policy.decide(try Observable(parsing: "192.168.1.1")) == .holdBack(.reservedAddress))
        #expect(policy.decide(try Observable(parsing: "gmail.com", as: .domain)) == .publish)
    }

    @Test func holdBackReasonRawValuesAreStable() {
        // These strings are persisted counter keys and monitoring labels: changing one loses history.
        #expect(HoldBackReason.allCases.map(\.rawValue) == [
            "allowlisted", "own-domain", "own-gateway-ip", "reserved-address", "freemail-domain", "shared-hosting-domain",
            "shared-sender-infrastructure", "invalid-value",
        ])
    }
}

@Suite struct IPRangeTests {
    @Test(arguments: [
        ("192.0.2.0/24", "192.0.2.255", true), ("192.0.2.0/24", "192.0.3.0", false),
        ("0.0.0.0/0", "8.8.8.8", true), ("0.0.0.0/0", "::1", false),
        ("2001:db8::/32", "2001:db8:1234::1", true), ("2001:db8::/32", "2001:db9::1", false),
        ("::/0", "2606:4700::1", true), ("203.0.113.7", "203.0.113.7", true), ("203.0.113.7", "203.0.113.8", false),
        ("2001:db8::1/128", "2001:0db8:0:0:0:0:0:1", true), ("fe80::/10", "febf::1", true), ("fe80::/10", "fec0::1", false),
    ])
    func contains(_ range: String, _ address: String, _ expected: Bool) throws {
        #expect(try IPRange(parsing: range).contains(address) == expected)
    }

    @Test(arguments: ["192.0.2.1/24", "192.0.2.0/33", "2001:db8::/129", "not-an-ip", "192.0.2.0/", "10.0.0.0/x"])
    func refuses(_ text: String) {
        #expect(throws: ObservableError.self) { try IPRange(parsing: text) }
    }

    @Test func describesCanonically() throws {
        #expect(try IPRange(parsing: "2001:DB8:0::/48").description == "2001:db8::/48")
        #expect(try IPRange(parsing: "10.0.0.0/8").description == "10.0.0.0/8")
    }

    @Test func specialPurposeBlocksParse() {
        #expect(SpecialPurposeRanges.blocks.count == 22)
    }
}

@Suite struct PolicyListParserTests {
    @Test func skipsCommentsAndBlankLinesAndNormalises() throws {
        let set = try PolicyListParser.domains(from: "# header\n\n  Gmail.COM  # comment\n*.Example.NET\nhotmail[.]com\n", file: "f")
        #expect(set.names == ["gmail.com", "example.net", "hotmail.com"])
    }

    @Test func reportsTheLineNumberOfABadEntry() {
        #expect(throws: PolicyListError.self) { try PolicyListParser.domains(from: "gmail.com\n\nnot a domain\n", file: "freemail.txt") }
        do {
            _ = try PolicyListParser.domains(from: "gmail.com\n\nnot a domain\n", file: "freemail.txt")
        } catch {
            #expect(error.line == 3)
            #expect(error.description.hasPrefix("freemail.txt:3: "))
        }
        do {
            _ = try PolicyListParser.ranges(from: "10.0.0.0/8\n192.0.2.1/24", file: "gw")
        } catch {
            #expect(error.line == 2)
            #expect(error.problem.contains("host bits"))
        }
    }

    @Test func allowlistAcceptsEveryKind() throws {
        let list = try PolicyListParser.allowlist(
            from: "example.org\n192.0.2.0/24\n2001:db8::5\nhttps://example.net/x\n2c053c837e251eec013f4d4cf849bfda5915664d571d667e75383a396b8ccd70",
            file: "allow"
        )
        #expect(list.domains.names == ["example.org"])
        #expect(list.ranges.count == 2)
        #expect(list.exact.count == 2)
    }
}
