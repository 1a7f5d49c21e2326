import Testing
import ThreatFeedCore

/// Terms as analysts type them, and observables found in free text.
@Suite struct LookupTermTests {
    @Test(arguments: [
        (#"ip:"203.0.113.7""#, "ip", "203.0.113.7"),
        ("ip:203.0.113.7", "ip", "203.0.113.7"),
        ("IPv4:203.0.113.7", "ip", "203.0.113.7"),
        ("203.0.113.7", "ip", "203.0.113.7"),
        ("domain:Evil.Example.", "domain", "evil.example"),
        ("hostname:evil.example", "domain", "evil.example"),
        ("evil[.]example", "domain", "evil.example"),
        ("hxxp://evil[.]example", "url", "http://evil.example/"),
        ("hxxps[:]//evil[.]example/a?b=1", "url", "https://evil.example/a?b=1"),
        (#"url:"http://evil.example/x y""#, "", ""),
        ("2001:DB8::1", "ipv6", "2001:db8::1"),
        ("[2001:db8::1]", "ipv6", "2001:db8::1"),
        ("ipv6:2001:0db8:0:0:0:0:0:1", "ipv6", "2001:db8::1"),
        ("fe80::1", "ipv6", "fe80::1"),
        ("bücher.example", "domain", "xn--bcher-kva.example"),
        ("md5:D41D8CD98F00B204E9800998ECF8427E", "md5", "d41d8cd98f00b204e9800998ecf8427e"),
        ("sha1:da39a3ee5e6b4b0d3255bfef95601890afd80709", "sha1", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
        ("email:Someone@Evil.Example", "email", "Someone@evil.example"),
        ("someone[@]evil[.]example", "email", "someone@evil.example"),
        ("mailto:someone@evil.example", "email", "someone@evil.example"),
        (#"email:"<someone@bücher.example>""#, "email", "someone@xn--bcher-kva.example"),
    ])
    func termsAreReadAsAnImportWould(term: String, type: String, value: String) throws {
        if type.isEmpty {
            #expect(throws: ObservableError.self) { try LookupTerm.parse(term) }
            return
        }
        let subject = try LookupTerm.parse(term)
        #expect(subject.type == type, "\(term)")
        #expect(subject.value == value, "\(term)")
    }

    @Test(arguments: ["foo:bar", "ip:999.0.0.1", "sha256:abcd", "url:evil.example", "email:nobody", "email:@evil.example", "", "   ", "10.0.0.0/8"])
    func badTermsAreRefusedWithAReason(term: String) {
        do {
            _ = try LookupTerm.parse(term)
            Issue.record("\(term) was accepted")
        } catch {
            #expect(!error.reason.isEmpty)
        }
    }

    @Test func unknownTypesAreNilForTheRelayAndBlankValuesRefused() throws {
        #expect(try LookupTerm.typed(type: "mac_address", value: "00:11:22:33:44:55") == nil)
        #expect(try LookupTerm.typed(type: "ip", value: "203.0.113.7")?.value == "203.0.113.7")
        #expect(throws: ObservableError.self) { try LookupTerm.typed(type: "ip", value: "  ") }
    }

    @Test func relatedObservables() throws {
        let url = try LookupTerm.parse("http://evil.example:8080/x")
        #expect(url.impliedRelated.map(\.0) == [Observable(normalisedType: .domain, value: "evil.example")])
        let ipURL = try LookupTerm.parse("http://[2001:db8::1]/x")
        #expect(ipURL.impliedRelated.map(\.0) == [Observable(normalisedType: .ipv6, value: "2001:db8::1")])
        #expect(try LookupTerm.parse("2001:db8::1").hostForURLs == "[2001:db8::1]")
        #expect(try LookupTerm.parse("evil.example").hostForURLs == "evil.example")
        #expect(try LookupTerm.parse("a@evil.example").impliedRelated.map(\.1) == [.domainOfEmail])
    }

    @Test func freeTextYieldsEachObservableOnceInOrder() {
        let text = """
            Received: from mx.evil.example (mx.evil.example [203.0.113.7]) by gw.ours.example; Mon, 7 Dec 2026 10:00:00 +0000
            From: "Boss" <boss@evil.example>
            Body: click hxxp://evil[.]example/login now. See also 2001:db8::7, e.g. or 1.5 times.
            X-Hash: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
            """
        let found = ObservableExtraction.subjects(in: text).map { "\($0.type):\($0.value)" }
        #expect(found == [
            "domain:mx.evil.example", "ip:203.0.113.7", "domain:gw.ours.example", "email:boss@evil.example", "url:http://evil.example/login",
            "ipv6:2001:db8::7", "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        ])
        #expect(ObservableExtraction.subjects(in: "a.example b.example c.example", limit: 2).count == 2)
        #expect(ObservableExtraction.subjects(in: "nothing to see here, really.").isEmpty)
    }
}
