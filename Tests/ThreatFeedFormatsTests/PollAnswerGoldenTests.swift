import Foundation
import Testing
import ThreatFeedCore
import ThreatFeedFormats

/// The exact bytes of Poll_Responses as the per-element renderer wrote them before blocks were spliced from
/// templates (Fixtures/golden/, written by that renderer): every observable type, both STIX versions, with and
/// without a reason and an end time, every disposition and confidence, values and reasons that need escaping,
/// ids that need mending. Gateways and cabby saw these bytes; a change to them must be deliberate.
@Suite struct PollAnswerGoldenTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/golden")

    static let values: [(ObservableType, String)] = [
        (.url, "http://malicious.example.com/a?b=1&c=<2>&d=\"q\"&e='x'"),
        (.url, "https://xn--bcher-kva.example/p\u{E4}th"),
        (.domain, "evil.example.net"),
        (.ip, "198.51.100.23"),
        (.ipv6, "2001:db8::bad:1"),
        (.sha256, "5b0d86950557f7c405c4f9dfcc2249a13c4e57f0f334abfa7e3e552046c1eff8"),
        (.md5, "d41d8cd98f00b204e9800998ecf8427e"),
        (.sha1, "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
    ]
    static let reasons: [String?] = [nil, "", "observed in phishing mail", "a <b> & \"c\" 'd' \u{E9}t\u{E9} \u{1F600}\ttab\r\nline"]
    static let ids = ["judgement-00000000-0000-4000-8000-000000000001", "weird:id with/colons", "", "judgement-"]

    /// Every combination, deterministically: dates vary by row, down to the microsecond.
    static func judgements() throws -> [StoredJudgement] {
        var out: [StoredJudgement] = []
        var row = 0
        for (type, value) in values {
            for reason in reasons {
                for hasEnd in [false, true] {
                    let disposition = Disposition.allCases[row % Disposition.allCases.count]
                    let confidence = Confidence.allCases[row % Confidence.allCases.count]
                    let base = 1_705_320_000.0 + Double(row) * 3_601.000_123
                    let start = Date(timeIntervalSince1970: base)
                    let judgement = Judgement(
                        observable: try Observable(parsing: value, as: type), disposition: disposition, source: "etd",
                        confidence: confidence, reason: reason,
                        validTime: ValidTime(start: start, end: hasEnd ? start.addingTimeInterval(86_400.5) : nil)
                    )
                    out.append(StoredJudgement(
                        id: ids[row % ids.count], label: TimestampLabel(microseconds: 1_705_320_000_000_000 + Int64(row) * 1_000_001),
                        indicatorID: "indicator-1", created: start, modified: start.addingTimeInterval(0.25), judgement: judgement
                    ))
                    row += 1
                }
            }
        }
        return out
    }

    static func answer(_ version: STIXVersion) throws -> [UInt8] {
        let renderer = STIXPackageRenderer(
            version: version, idNamespace: try STIXIDNamespace(prefix: "example", uri: "urn:example:threatfeed"), producerName: "A & B <feeds>"
        )
        let blocks = try judgements()
        var writer = TAXIIPollResponseWriter(
            messageID: "golden-message", inResponseTo: "golden-request", collectionName: "golden",
            exclusiveBegin: TimestampLabel(microseconds: 1_705_000_000_000_000), inclusiveEnd: blocks.last!.label,
            recordCount: TAXIIRecordCount(blocks.count), indentWidth: 0
        )
        var bytes: [UInt8] = []
        for stored in blocks {
            writer.appendContentBlock(stored, renderer: renderer)
            bytes += writer.takeBytes()
        }
        return bytes + writer.finish()
    }

    /// The same packages on their own, indented (`render(_:)`, as a file export writes them).
    static func indentedPackages(_ version: STIXVersion) throws -> [UInt8] {
        let renderer = STIXPackageRenderer(version: version, producerName: "A & B <feeds>")
        return try judgements().flatMap { renderer.render($0) + [0x0A] }
    }

    @Test(arguments: STIXVersion.allCases)
    func pollAnswerKeepsItsBytes(version: STIXVersion) throws {
        try expectGolden(try Self.answer(version), "poll-stix-\(version.rawValue).xml")
    }

    @Test(arguments: STIXVersion.allCases)
    func indentedPackagesKeepTheirBytes(version: STIXVersion) throws {
        try expectGolden(try Self.indentedPackages(version), "packages-stix-\(version.rawValue).xml")
    }

    private func expectGolden(_ ours: [UInt8], _ name: String) throws {
        // Ours is left in the temporary directory when it differs (or the golden file is missing), for a diff.
        let path = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(name)
        guard let golden = try? Array(Data(contentsOf: Self.directory.appendingPathComponent(name))) else {
            try Data(ours).write(to: path)
            Issue.record("\(name) is missing; ours is in \(path.path)")
            return
        }
        if ours != golden { try Data(ours).write(to: path) }
        #expect(ours == golden, "\(name) differs: ours is in \(path.path)")
    }
}
