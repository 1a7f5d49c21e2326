import Testing

@testable import ThreatFeedCore

/// A value that must be accepted: input, forced type (nil = detect), expected type and text.
struct GoodObservable: Sendable, CustomTestStringConvertible {
    let input: String
    let forced: ObservableType?
    let type: ObservableType
    let value: String

    init(_ input: String, _ forced: ObservableType?, _ type: ObservableType, _ value: String) {
        self.input = input
        self.forced = forced
        self.type = type
        self.value = value
    }

    var testDescription: String { "\(input.debugDescription) as \(forced?.rawValue ?? "auto")" }
}

/// A value that must be refused: input, forced type (nil = detect), and a part of the reason.
struct BadObservable: Sendable, CustomTestStringConvertible {
    let input: String
    let forced: ObservableType?
    let reason: String

    init(_ input: String, _ forced: ObservableType?, _ reason: String) {
        self.input = input
        self.forced = forced
        self.reason = reason
    }

    var testDescription: String { "\(input.prefix(60).debugDescription) as \(forced?.rawValue ?? "auto")" }
}

private let sha256Upper = "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"
private let sha256Lower = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
private let sha1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709"
private let md5 = "d41d8cd98f00b204e9800998ecf8427e"

private let goodCases: [GoodObservable] = [
    // Domains: case, trailing dot, surrounding whitespace, underscore.
    GoodObservable("example.com", nil, .domain, "example.com"),
    GoodObservable("Sub.Example.COM", nil, .domain, "sub.example.com"),
    GoodObservable("example.com.", nil, .domain, "example.com"),
    GoodObservable("EXAMPLE.COM.", .domain, .domain, "example.com"),
    GoodObservable("  example.com\t", nil, .domain, "example.com"),
    GoodObservable("\r\nexample.org \n", .domain, .domain, "example.org"),
    GoodObservable("www.example.com", nil, .domain, "www.example.com"),
    GoodObservable("foo_bar.duckdns.org", nil, .domain, "foo_bar.duckdns.org"),
    GoodObservable("a-b.c-d.example", nil, .domain, "a-b.c-d.example"),
    GoodObservable("123.example.com", nil, .domain, "123.example.com"),
    GoodObservable("a.b", nil, .domain, "a.b"),
    GoodObservable("xn--bcher-kva.example", nil, .domain, "xn--bcher-kva.example"),
    GoodObservable(String(repeating: "a", count: 63) + ".com", nil, .domain, String(repeating: "a", count: 63) + ".com"),
    // IDN to punycode.
    GoodObservable("bücher.example", nil, .domain, "xn--bcher-kva.example"),
    GoodObservable("münchen.de", nil, .domain, "xn--mnchen-3ya.de"),
    GoodObservable("MÜNCHEN.De", .domain, .domain, "xn--mnchen-3ya.de"),
    GoodObservable("BÜCHER.Example.", nil, .domain, "xn--bcher-kva.example"),
    GoodObservable("例え.テスト", nil, .domain, "xn--r8jz45g.xn--zckzah"),
    GoodObservable("例え。テスト", nil, .domain, "xn--r8jz45g.xn--zckzah"),
    GoodObservable("bu\u{308}cher.example", nil, .domain, "xn--bcher-kva.example"),
    GoodObservable("ß.de", nil, .domain, "xn--zca.de"),
    GoodObservable("ｅｘａｍｐｌｅ.com", nil, .domain, "example.com"),
    // Refanging.
    GoodObservable("evil[.]example[.]com", nil, .domain, "evil.example.com"),
    GoodObservable("evil(.)example(.)com", nil, .domain, "evil.example.com"),
    GoodObservable("evil{.}example{.}com", nil, .domain, "evil.example.com"),
    GoodObservable("evil[dot]example[DOT]com", nil, .domain, "evil.example.com"),
    GoodObservable("1[.]2[.]3[.]4", nil, .ip, "1.2.3.4"),
    GoodObservable("2001[:]db8[:][:]1", nil, .ipv6, "2001:db8::1"),
    GoodObservable("hxxp://evil[.]com/a[.]php", nil, .url, "http://evil.com/a.php"),
    GoodObservable("hXXps://evil.com/login", nil, .url, "https://evil.com/login"),
    GoodObservable("HXXP[:]//evil(.)com", nil, .url, "http://evil.com/"),
    GoodObservable("hxxps[:]//evil[dot]com[/]login", nil, .url, "https://evil.com/login"),
    GoodObservable("http://paypal.com[@]evil[.]com/", nil, .url, "http://paypal.com@evil.com/"),
    GoodObservable("http://paypal.com[at]evil[.]com/", nil, .url, "http://paypal.com@evil.com/"),
    GoodObservable("hxxp://evil[.]com:8080/x(.)y", nil, .url, "http://evil.com:8080/x.y"),
    // A URL that was not defanged keeps its path and query as written.
    GoodObservable("https://example.com/wiki/A_(.)_b[.]c?q=[at]", nil, .url, "https://example.com/wiki/A_(.)_b[.]c?q=[at]"),
    // IPv4.
    GoodObservable("1.2.3.4", nil, .ip, "1.2.3.4"),
    GoodObservable("192.168.100.200", .ip, .ip, "192.168.100.200"),
    GoodObservable("0.0.0.0", nil, .ip, "0.0.0.0"),
    GoodObservable("255.255.255.255", nil, .ip, "255.255.255.255"),
    // IPv6, RFC 5952 canonical text.
    GoodObservable("2001:0db8:0000:0000:0000:0000:0000:0001", nil, .ipv6, "2001:db8::1"),
    GoodObservable("2001:db8:0:0:1:0:0:1", nil, .ipv6, "2001:db8::1:0:0:1"),
    GoodObservable("2001:db8:0:1:1:1:1:1", nil, .ipv6, "2001:db8:0:1:1:1:1:1"),
    GoodObservable("::", nil, .ipv6, "::"),
    GoodObservable("::1", .ipv6, .ipv6, "::1"),
    GoodObservable("FE80::", nil, .ipv6, "fe80::"),
    GoodObservable("FE80:0:0:0:0200:5EFF:FE00:5300", nil, .ipv6, "fe80::200:5eff:fe00:5300"),
    GoodObservable("::ffff:192.0.2.128", nil, .ipv6, "::ffff:192.0.2.128"),
    GoodObservable("0:0:0:0:0:FFFF:C000:0280", nil, .ipv6, "::ffff:192.0.2.128"),
    GoodObservable("[2001:db8::1]", nil, .ipv6, "2001:db8::1"),
    GoodObservable("[2001:DB8::1]", .ipv6, .ipv6, "2001:db8::1"),
    GoodObservable("1:2:3:4:5:6:7::", nil, .ipv6, "1:2:3:4:5:6:7:0"),
    GoodObservable("0:0:1:0:0:1:0:0", nil, .ipv6, "::1:0:0:1:0:0"),
    GoodObservable("1:0:0:2:0:0:0:3", nil, .ipv6, "1:0:0:2::3"),
    GoodObservable("64:ff9b::192.0.2.33", nil, .ipv6, "64:ff9b::c000:221"),
    // Hashes.
    GoodObservable(sha256Upper, nil, .sha256, sha256Lower),
    GoodObservable(sha256Lower, .sha256, .sha256, sha256Lower),
    GoodObservable(sha1.uppercased(), nil, .sha1, sha1),
    GoodObservable(sha1, .sha1, .sha1, sha1),
    GoodObservable(md5.uppercased(), nil, .md5, md5),
    GoodObservable(" \(md5) ", .md5, .md5, md5),
    // URLs.
    GoodObservable("http://example.com", nil, .url, "http://example.com/"),
    GoodObservable("HTTP://Example.COM:80/Path?Q=Mixed#Frag", nil, .url, "http://example.com/Path?Q=Mixed#Frag"),
    GoodObservable("https://example.com:443", nil, .url, "https://example.com/"),
    GoodObservable("https://example.com:8443/x", nil, .url, "https://example.com:8443/x"),
    GoodObservable("http://example.com:080/", .url, .url, "http://example.com/"),
    GoodObservable("http://example.com:/", nil, .url, "http://example.com/"),
    GoodObservable("ftp://files.example.org:21/pub", nil, .url, "ftp://files.example.org/pub"),
    GoodObservable("http://example.com?x=1", nil, .url, "http://example.com/?x=1"),
    GoodObservable("http://example.com#top", nil, .url, "http://example.com/#top"),
    GoodObservable("http://example.com./a", nil, .url, "http://example.com/a"),
    GoodObservable("http://bücher.example/ä?q=%20x", nil, .url, "http://xn--bcher-kva.example/ä?q=%20x"),
    GoodObservable("http://BÜCHER.Example:80", .url, .url, "http://xn--bcher-kva.example/"),
    GoodObservable("http://[2001:DB8:0:0:0:0:0:1]:8080/", nil, .url, "http://[2001:db8::1]:8080/"),
    GoodObservable("https://[::ffff:1.2.3.4]/", nil, .url, "https://[::ffff:1.2.3.4]/"),
    GoodObservable("http://1.2.3.4:8080/x", nil, .url, "http://1.2.3.4:8080/x"),
    GoodObservable("http://User:Pass@Example.com/", nil, .url, "http://User:Pass@example.com/"),
    GoodObservable("http://x.com/?u=http://y.com/%2F", nil, .url, "http://x.com/?u=http://y.com/%2F"),
    GoodObservable("http://exa_mple.com/", nil, .url, "http://exa_mple.com/"),
]

private let badCases: [BadObservable] = [
    // Every value.
    BadObservable("", nil, "empty value"),
    BadObservable(" \t\r\n", nil, "empty value"),
    BadObservable("", .domain, "empty value"),
    BadObservable("exa mple.com", nil, "value contains whitespace inside"),
    BadObservable("ex ample.com", .domain, "label 'ex ample' contains a space"),
    BadObservable("abc\tdef", nil, "value contains whitespace inside"),
    BadObservable("a\u{1}b.com", nil, "control character U+0001"),
    // Domains.
    BadObservable("foo", nil, "'foo' is not a domain (needs at least two labels), IP address, hash or URL"),
    BadObservable("foo", .domain, "needs at least two labels"),
    BadObservable("a..b", nil, "empty label in 'a..b'"),
    BadObservable("example.com..", nil, "empty label"),
    BadObservable("-foo.com", nil, "label '-foo' starts with a hyphen"),
    BadObservable("foo-.com", nil, "label 'foo-' ends with a hyphen"),
    BadObservable("ex!ample.com", nil, "label 'ex!ample' contains '!'"),
    BadObservable(String(repeating: "a", count: 64) + ".com", nil, "is 64 octets long (at most 63)"),
    BadObservable(String(repeating: "abcdefghi.", count: 26) + "com", nil, "domain is 263 octets long (at most 253)"),
    BadObservable("example.123", nil, "top-level label '123' is all digits"),
    BadObservable("*.example.com", nil, "wildcard '*.example.com'"),
    BadObservable("*.example.com", .domain, "wildcard"),
    BadObservable("1.2.3.4", .domain, "an IP address is not a domain (use type ip)"),
    BadObservable("2001:db8::1", .domain, "an IP address is not a domain (use type ipv6)"),
    BadObservable("example.com:8080", nil, "host name with a port (':8080')"),
    BadObservable("example.com:8080", .domain, "domain with a port (':8080')"),
    BadObservable("user[at]evil[.]com", nil, "looks like an email address"),
    BadObservable("xn--bücher.example", nil, "has the punycode prefix 'xn--' but is not ASCII"),
    BadObservable("xn--.example", nil, "label 'xn--' has nothing after the punycode prefix"),
    BadObservable("ex\u{200B}ample.com", nil, "contains U+200B"),
    BadObservable("http://example.com/", .domain, "a URL is not a domain (use type url)"),
    // IPv4.
    BadObservable("1.2.3.4:80", nil, "IPv4 address with a port (':80') — give the address alone"),
    BadObservable("1.2.3.4:8080", .ip, "IPv4 address with a port (':8080')"),
    BadObservable("10.0.0.0/8", nil, "CIDR '10.0.0.0/8' where a single address is expected"),
    BadObservable("10.0.0.0/8", .ip, "CIDR '10.0.0.0/8'"),
    BadObservable("256.1.1.1", nil, "octet '256' out of range"),
    BadObservable("1.2.3.4000", .ip, "octet '4000' out of range"),
    BadObservable("010.1.1.1", nil, "octet '010' has a leading zero"),
    BadObservable("1.2.3.04", .ip, "octet '04' has a leading zero"),
    BadObservable("1.2.3", nil, "IPv4 address needs 4 octets, got 3"),
    BadObservable("1.2.3.4.5", nil, "IPv4 address needs 4 octets, got 5"),
    BadObservable("0x7f.0.0.1", nil, "octet '0x7f' is hexadecimal"),
    BadObservable("1..2.3", nil, "empty octet"),
    BadObservable("::ffff:1.2.3.4", .ip, "IPv4-mapped IPv6 address"),
    BadObservable("2001:db8::1", .ip, "it is an IPv6 address (use type ipv6)"),
    BadObservable("example.com", .ip, "'example.com' is not a valid ip"),
    // IPv6.
    BadObservable("fe80::1%eth0", nil, "zone id '%eth0' not allowed"),
    BadObservable("[fe80::1%eth0]", .ipv6, "zone id '%eth0' not allowed"),
    BadObservable("[::1]:443", nil, "IPv6 address with a port (':443')"),
    BadObservable("2001:db8::/64", nil, "CIDR '2001:db8::/64' where a single address is expected"),
    BadObservable("1::2::3", nil, "more than one '::'"),
    BadObservable("12345::", nil, "IPv6 group '12345' has more than 4 hex digits"),
    BadObservable("1:2:3:4:5:6:7:8:9", nil, "more than 8 groups"),
    BadObservable("1:2:3:4:5:6:7", .ipv6, "IPv6 address has 7 groups"),
    BadObservable("1:2:3:4:5:6:7:8::", .ipv6, "8 groups and a '::'"),
    BadObservable("::g", .ipv6, "IPv6 group 'g' contains 'g', not a hex digit"),
    BadObservable(":1::", .ipv6, "starts with a single ':'"),
    BadObservable("1::2:", .ipv6, "ends with a single ':'"),
    BadObservable("::ffff:1.2.3.256", nil, "embedded IPv4 address: octet '256' out of range"),
    BadObservable("1.2.3.4", .ipv6, "'1.2.3.4' is not a valid ipv6: IPv6 address has no ':' (use type ip)"),
    // Hashes.
    BadObservable(String(sha256Lower.dropLast()), .sha256, "sha256 must be 64 hex digits, got 63"),
    BadObservable(String(sha1.dropLast()), .sha1, "sha1 must be 40 hex digits, got 39"),
    BadObservable(md5 + "0", .md5, "md5 must be 32 hex digits, got 33"),
    BadObservable(String(sha256Lower.dropLast()), nil, "hash must be 32 (md5), 40 (sha1) or 64 (sha256) hex digits, got 63"),
    BadObservable(String(sha256Lower.dropLast()) + "z", .sha256, "sha256 contains 'z', not a hex digit"),
    BadObservable("g" + String(sha256Lower.dropFirst()), nil, "sha256 contains 'g', not a hex digit"),
    BadObservable("1.2.3.4", .sha256, "'1.2.3.4' is not a valid sha256: sha256 contains '.'"),
    BadObservable(md5, .sha256, "sha256 must be 64 hex digits, got 32 (use type md5)"),
    // URLs.
    BadObservable("example.com/path", nil, "URL has no scheme (expected http:// or https://…)"),
    BadObservable("example.com", .url, "URL has no scheme (expected http:// or https://…)"),
    BadObservable("http:///path", nil, "URL has no host"),
    BadObservable("https://user@/x", nil, "URL has no host"),
    BadObservable("ftp://", .url, "URL has no host"),
    BadObservable("javascript:alert(1)", nil, "URL scheme 'javascript' not allowed"),
    BadObservable("javascript://alert(1)", .url, "URL scheme 'javascript' not allowed"),
    BadObservable("mailto:a@example.com", nil, "URL scheme 'mailto' not allowed"),
    BadObservable("http:example.com", nil, "URL scheme 'http' must be followed by '//'"),
    BadObservable("http://example.com/a b", .url, "URL contains a raw space"),
    BadObservable("http://example.com/a\tb", nil, "URL contains control character U+0009"),
    BadObservable("http://example.com:0/", nil, "URL port '0' out of range (1–65535)"),
    BadObservable("http://example.com:99999/", nil, "URL port '99999' out of range"),
    BadObservable("http://example.com:http/", nil, "URL port 'http' is not a number"),
    BadObservable("http://2001:db8::1/", nil, "URL IPv6 host must be in brackets"),
    BadObservable("http://010.1.1.1/", nil, "URL host: octet '010' has a leading zero"),
    BadObservable("https://[fe80::1%25eth0]/", nil, "URL host: zone id"),
    BadObservable("http://-bad.com/", nil, "URL host: label '-bad' starts with a hyphen"),
    BadObservable("http://*.example.com/", nil, "URL host: wildcard"),
    BadObservable("http://example.com/" + String(repeating: "a", count: 2100), nil, "URL is 2119 characters long (at most 2048)"),
]

@Test(arguments: goodCases)
func acceptsAndNormalises(_ example: GoodObservable) throws {
    let (type, value) = try ObservableNormalizer.normalize(example.input, as: example.forced)
    #expect(type == example.type)
    #expect(value == example.value)
}

@Test(arguments: badCases)
func refusesWithReason(_ example: BadObservable) {
    #expect {
        _ = try ObservableNormalizer.normalize(example.input, as: example.forced)
    } throws: { error in
        guard let error = error as? ObservableError else { return false }
        return error.reason.contains(example.reason)
    }
}

@Test(arguments: goodCases)
func normalisedValuesAreStable(_ example: GoodObservable) throws {
    // Normalising a stored value again changes nothing, so re-imports de-duplicate.
    let (type, value) = try ObservableNormalizer.normalize(example.value, as: example.type)
    #expect(type == example.type)
    #expect(value == example.value)
}

@Test func reasonsCarryAtMostAboutAHundredCharactersOfTheValue() {
    let long = String(repeating: "x", count: 500)
    for (input, type) in [(long + ".com/x", ObservableType?.none), (long + "!.com", nil), ("1.2.3.4/" + long, .ip), (long, .sha256), (long, .url)] {
        do {
            _ = try ObservableNormalizer.normalize(input, as: type)
            Issue.record("accepted \(input.prefix(20))…")
        } catch {
            #expect(error.reason.count < 180, "\(error.reason)")
            #expect(!error.reason.contains(String(repeating: "x", count: 101)))
        }
    }
}

@Test func reasonsStartLowerCaseWithoutTrailingPeriod() {
    for example in badCases where !example.input.isEmpty {
        guard let reason = try? reasonFor(example) else { continue }
        // Lower-case start, except for an acronym (URL, CIDR, IPv4, IPv6).
        let firstWord = reason.prefix { $0 != " " }
        let isAcronym = firstWord.count > 1 && firstWord.dropFirst().first?.isUppercase == true
        #expect(reason.first?.isUppercase == false || isAcronym, "\(reason)")
        #expect(!reason.hasSuffix("."), "\(reason)")
    }
}

/// The reason `example` is refused, or nil if it is accepted.
private func reasonFor(_ example: BadObservable) throws -> String? {
    do {
        _ = try ObservableNormalizer.normalize(example.input, as: example.forced)
        return nil
    } catch {
        return error.reason
    }
}

@Test func observableParsingUsesTheNormaliser() throws {
    let observable = try Observable(parsing: "hxxps://Evil[.]Example/login")
    #expect(observable.type == .url)
    #expect(observable.value == "https://evil.example/login")
    #expect(throws: ObservableError.self) { try Observable(parsing: "10.0.0.0/8") }
}

// MARK: Punycode, RFC 3492 §7.1 sample strings

struct PunycodeSample: Sendable, CustomTestStringConvertible {
    let name: String
    let unicode: String
    let punycode: String
    var testDescription: String { name }
}

private let punycodeSamples: [PunycodeSample] = [
    PunycodeSample(
        name: "(A) Arabic (Egyptian)",
        unicode: "\u{0644}\u{064A}\u{0647}\u{0645}\u{0627}\u{0628}\u{062A}\u{0643}\u{0644}\u{0645}\u{0648}\u{0634}\u{0639}\u{0631}\u{0628}\u{064A}\u{061F}",
        punycode: "egbpdaj6bu4bxfgehfvwxn"),
    PunycodeSample(
        name: "(B) Chinese (simplified)",
        unicode: "\u{4ED6}\u{4EEC}\u{4E3A}\u{4EC0}\u{4E48}\u{4E0D}\u{8BF4}\u{4E2D}\u{6587}",
        punycode: "ihqwcrb4cv8a8dqg056pqjye"),
    PunycodeSample(
        name: "(L) 3<nen>B<gumi><kinpachi><sensei>", unicode: "3年B組金八先生", punycode: "3B-ww4c5e180e575a65lsy2b"),
    PunycodeSample(
        name: "(M) <amuro><namie>-with-SUPER-MONKEYS", unicode: "安室奈美恵-with-SUPER-MONKEYS",
        punycode: "-with-SUPER-MONKEYS-pc58ag80a8qai00g7n9n"),
    PunycodeSample(name: "(P) Maji<de>Koi<suru>5<byou><mae>", unicode: "MajiでKoiする5秒前", punycode: "MajiKoi5-783gue6qz075azm5e"),
    PunycodeSample(name: "(Q) <pafii>de<runba>", unicode: "パフィーdeルンバ", punycode: "de-jg4avhby1noc0d"),
    PunycodeSample(name: "(R) <sono><supiido><de>", unicode: "そのスピードで", punycode: "d9juau41awczczp"),
    PunycodeSample(name: "(S) -> $1.00 <-", unicode: "-> $1.00 <-", punycode: "-> $1.00 <--"),
]

@Test(arguments: punycodeSamples)
func punycodeEncodesRFC3492Samples(_ sample: PunycodeSample) {
    #expect(Punycode.encode(sample.unicode.unicodeScalars) == sample.punycode)
}

@Test func punycodeOfIDNLabels() {
    #expect(Punycode.encode("bücher".unicodeScalars) == "bcher-kva")
    #expect(Punycode.encode("münchen".unicodeScalars) == "mnchen-3ya")
    #expect(Punycode.encode("例え".unicodeScalars) == "r8jz45g")
    #expect(Punycode.encode("テスト".unicodeScalars) == "zckzah")
}

// MARK: Parsers used directly

@Test func ipv6CanonicalTextRoundTrips() throws {
    for text in ["::", "::1", "1::", "2001:db8::1", "2001:db8::1:0:0:1", "1:0:0:2::3", "::ffff:10.0.0.1", "fe80::200:5eff:fe00:5300"] {
        let address = try IPv6Address.parse(Array(text.utf8)[...])
        #expect(address.canonicalText == text)
    }
}

@Test func refangLeavesOrdinaryValuesAlone() {
    for text in ["example.com", "http://example.com/a(.)b[.]c?x=[at]", "https://[::1]:8443/x"] {
        let bytes = Array(text.utf8)[...]
        #expect(String(decoding: Refang.refang(bytes), as: UTF8.self) == text)
    }
}
