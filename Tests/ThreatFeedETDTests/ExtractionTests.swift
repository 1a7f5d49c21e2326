import Foundation
import Testing
import ThreatFeedCore
import ThreatFeedTesting

@testable import ThreatFeedETD

@Suite struct ExtractionTests {
    static func page(_ name: String) throws -> ETDSearchPage {
        try ETDSearchPage.decode(try ETDFixtures.data(name), endpoint: "/v1/messages/search")
    }

    static func values(_ message: ETDMessage) -> [String] {
        ConvictionExtractor.extract(from: message).values.map { "\($0.kind.rawValue) \($0.observable)" }
    }

    @Test func decodesThePagingEnvelope() throws {
        let first = try Self.page("search-response-page1.json")
        #expect(first.messages.count == 4)
        #expect(first.nextPageToken == "eyJjdXJzb3IiOiIyMDI2LTExLTIyVDEyOjU0OjAyWnw3YzFlIiwicGFnZSI6Mn0")
        #expect(first.totalSize == 5)
        let last = try Self.page("search-response-page2.json")
        #expect(last.messages.count == 1)
        #expect(last.nextPageToken == nil)
        #expect(try Self.page("search-response-empty.json").messages.isEmpty)
    }

    @Test func becWithoutGatewayUsesClientIPAndSenderDomainsNotDomainOrReplyTo() throws {
        let message = try Self.page("search-response-page1.json").messages[0]
        // fromAddress and returnPath share a domain: it appears once. `domain` (example.com) and replyTo are not used.
        #expect(Self.values(message) == ["senderIP ip:192.0.2.145", "senderDomain domain:execmail.example.net"])
    }

    @Test func scamTakesBothSenderDomainsAndMetadataURLs() throws {
        let message = try Self.page("search-response-page1.json").messages[1]
        #expect(Self.values(message) == [
            "senderIP ip:198.51.100.23", "senderDomain domain:prize-desk.example.org",
            "senderDomain domain:mailer.prize-desk.example.org", "url url:https://prize-desk.example.org/claim?ref=77120",
        ])
    }

    @Test func gatewayOriginalCIPWinsOverClientIP() throws {
        let message = try Self.page("search-response-page1.json").messages[2]
        let values = Self.values(message)
        #expect(values.first == "senderIP ip:203.0.113.45")
        #expect(!values.contains("senderIP ip:198.51.100.10"))
        #expect(values.contains("url url:https://qr.m365-login.example.net/r/8f2k"))
    }

    @Test func attachmentHashFromTheSha256Key() throws {
        let message = try Self.page("search-response-page1.json").messages[3]
        #expect(Self.values(message).last == "attachmentSHA256 sha256:a16069f6dd203c02b71a0a981249a2cbd7cc253dc1ac08d64413bbef8e59130e")
    }

    @Test func legacyURLsWhenThereIsNoURLMetadata() throws {
        let message = try Self.page("search-response-page2.json").messages[0]
        #expect(Self.values(message) == [
            "senderIP ip:203.0.113.200", "senderDomain domain:track.example.net",
            "url url:https://track.example.net/parcel/label?id=55810",
            "attachmentSHA256 sha256:2c053c837e251eec013f4d4cf849bfda5915664d571d667e75383a396b8ccd70",
        ])
    }

    @Test(arguments: ETDMessage.Attachment.hashKeys)
    func attachmentHashUnderAnyKnownKey(_ key: String) throws {
        let json = """
            {"data":{"messages":[{"id":"m1","timestamp":"2026-11-22T12:00:00Z","verdict":{"category":"malicious"},
            "attachments":[{"fileName":"a.zip","\(key)":"2C053C837E251EEC013F4D4CF849BFDA5915664D571D667E75383A396B8CCD70"}]}]}}
            """
        let message = try ETDSearchPage.decode(Data(json.utf8), endpoint: "search").messages[0]
        #expect(Self.values(message) == ["attachmentSHA256 sha256:2c053c837e251eec013f4d4cf849bfda5915664d571d667e75383a396b8ccd70"])
    }

    @Test func convictionCarriesReasonProvenanceAndRuleDurations() throws {
        let message = try Self.page("search-response-page1.json").messages[2]
        let configuration = ETDConfiguration.fake(port: 1)
        let extractor = ConvictionExtractor(configuration: configuration, policy: SafetyPolicy())
        let now = Date(timeIntervalSince1970: 1_795_000_000)
        let conviction = extractor.conviction(from: message, now: now)
        #expect(conviction.key == ConvictionKey(messageID: "f585f234-cbfa-4786-b765-37f681b9ef9d", verdict: "phishing"))
        let judgement = try #require(conviction.judgements.first?.judgement)
        #expect(judgement.reason == "ETD phishing: Brand impersonation, Request for credentials, QR code, Malicious URL")
        #expect(judgement.source == "etd")
        #expect(judgement.provenance["etd.message_id"] == "f585f234-cbfa-4786-b765-37f681b9ef9d")
        #expect(judgement.provenance["etd.verdict"] == "phishing")
        #expect(judgement.provenance["etd.techniques"] == "Brand impersonation; Request for credentials; QR code; Malicious URL")
        #expect(judgement.provenance["etd.message_time"] == "2026-11-22T12:52:30.987654321Z")
        #expect(conviction.judgements.allSatisfy { $0.indicator.value == "etd-convictions" })
        let byType = Dictionary(grouping: conviction.judgements.map(\.judgement), by: \.observable.type)
        #expect(byType[.ip]?.first?.validTime == ValidTime(start: now, lasting: .days(7)))
        #expect(byType[.domain]?.first?.validTime == ValidTime(start: now, lasting: .days(30)))
        #expect(byType[.url]?.first?.validTime == ValidTime(start: now, lasting: .days(30)))
    }

    /// What actions on the conviction need later, from the fixture message that SMA's remediation fixture names.
    @Test func convictionCarriesTheMessageDetails() throws {
        let message = try Self.page("search-response-page1.json").messages[3]
        let extractor = ConvictionExtractor(configuration: ETDConfiguration.fake(port: 1), policy: SafetyPolicy())
        let conviction = extractor.conviction(from: message, now: Date(timeIntervalSince1970: 1_795_000_000))
        let details = conviction.details
        #expect(details.internetMessageID == "<48213.1795351994@invoices.example.org>")
        #expect(details.subject == "Overdue invoice 48213 - payment reminder")
        #expect(details.fromAddress == "accounts@invoices.example.org")
        #expect(details.mailboxes == ["ap@example.com"])
        #expect(details.observables == conviction.judgements.map(\.judgement.observable))
        #expect(!details.observables.isEmpty)
    }

    @Test func ruleLimitsKindsAndPolicyCountsWhatItHoldsBack() throws {
        let message = try Self.page("search-response-page1.json").messages[1]
        var configuration = ETDConfiguration.fake(port: 1)
        configuration.rules["scam"] = ETDRule(kinds: [.senderDomain, .senderIP], indicator: try EntityName("scams"))
        var policy = SafetyPolicy()
        policy.allowlist.insert(try Observable(parsing: "prize-desk.example.org", as: .domain))
        let conviction = ConvictionExtractor(configuration: configuration, policy: policy).conviction(from: message, now: Date())
        #expect(conviction.judgements.map(\.judgement.observable.description) == ["ip:198.51.100.23"])
        #expect(conviction.judgements.first?.indicator.value == "scams")
        // Both sender domains are under the allowlisted one; the URL is not a kind this rule publishes.
        #expect(conviction.heldBack == [.allowlisted: 2])
    }

    @Test func invalidValuesAreCountedNotPublished() throws {
        let json = """
            {"data":{"messages":[{"id":"m1","timestamp":"2026-11-22T12:00:00Z","verdict":{"category":"phishing"},
            "clientIP":"not-an-ip","fromAddress":"nobody","urlMetadata":[{"url":"javascript:alert(1)"},{"qrCode":true}]}]}}
            """
        let message = try ETDSearchPage.decode(Data(json.utf8), endpoint: "search").messages[0]
        let (values, invalid) = ConvictionExtractor.extract(from: message)
        #expect(values.isEmpty)
        #expect(invalid == 2)
    }

    @Test func filtersCombineWithAnd() throws {
        let messages = try Self.page("search-response-page1.json").messages
        var configuration = ETDConfiguration.fake(port: 1)
        configuration.techniques = ["malicious url"]
        configuration.mailboxes = ["VIP@example.com"]
        let extractor = ConvictionExtractor(configuration: configuration, policy: SafetyPolicy())
        // Only the phishing message has both the technique and the mailbox; the scam reaches vip@ without it.
        #expect(messages.filter(extractor.matchesFilters).map(\.verdict.category) == ["phishing"])
        configuration.mailboxes = []
        #expect(ConvictionExtractor(configuration: configuration, policy: SafetyPolicy()).matchesFilters(messages[3]))
    }

    @Test func malformedBodiesNameTheProblem() {
        #expect(throws: ETDError.malformedResponse(endpoint: "s", problem: "the body is not valid JSON")) {
            try ETDSearchPage.decode(Data("{\"data\": {".utf8), endpoint: "s")
        }
        #expect(throws: ETDError.malformedResponse(endpoint: "s", problem: "missing field 'id' in data.messages[0]")) {
            try ETDSearchPage.decode(Data(#"{"data":{"messages":[{"timestamp":"x","verdict":{"category":"bec"}}]}}"#.utf8), endpoint: "s")
        }
        #expect(throws: ETDError.malformedResponse(endpoint: "s", problem: "data.messages is not a list")) {
            try ETDSearchPage.decode(Data(#"{"data":{"messages":{}}}"#.utf8), endpoint: "s")
        }
    }
}
