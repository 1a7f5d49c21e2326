import Foundation
import Testing
import ThreatFeedFormats

/// A brief property-based fuzz of the request parser, run in every CI build: thousands of mutants of the
/// fixture requests (flipped bytes, cut and repeated ranges, injected markup, DTDs and entity references).
/// Properties: the parser always returns a request or a typed error (no crash, no hang), and nothing with a
/// DOCTYPE is ever accepted.
@Suite struct TAXIIRequestFuzzTests {
    /// SplitMix64: tiny, seedable, the same mutants on every machine.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let fragments: [String] = [
        "<", ">", "\"", "'", "&", "&amp;", "&x;", "&#0;", "&#x110000;", "]]>", "<![CDATA[", "<?pi?>", "<!-- -->",
        "<!DOCTYPE r [<!ENTITY x \"y\">]>", "<!DOCTYPE r SYSTEM \"file:///etc/passwd\">", "<!ENTITY % p SYSTEM \"http://127.0.0.1:1/\">",
        "xmlns=\"\"", "xmlns:taxii_11=\"urn:other\"", "message_id=\"\"", "collection_name=\"\"", "\u{0}", "\u{FEFF}", "\u{FFFF}",
        "<taxii_11:Poll_Parameters>", "</taxii_11:Poll_Request>", "<taxii_11:Exclusive_Begin_Timestamp>9999-99-99T99:99:99Z",
        String(repeating: "<a>", count: 40), "\u{00E9}", "\u{1F600}",
    ]

    static func mutate(_ input: [UInt8], using generator: inout SeededGenerator) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...4, using: &generator) {
            let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &generator)
            switch Int.random(in: 0..<6, using: &generator) {
            case 0 where !bytes.isEmpty:
                bytes[position] ^= UInt8.random(in: 1...255, using: &generator)
            case 1 where !bytes.isEmpty:
                let end = min(bytes.count, position + Int.random(in: 1...32, using: &generator))
                bytes.removeSubrange(position..<end)
            case 2 where !bytes.isEmpty:
                let end = min(bytes.count, position + Int.random(in: 1...64, using: &generator))
                bytes.insert(contentsOf: bytes[position..<end], at: position)
            case 3:
                bytes.insert(contentsOf: Array(fragments.randomElement(using: &generator)!.utf8), at: position)
            case 4:
                bytes = Array(bytes.prefix(position))
            default:
                bytes.insert(UInt8.random(in: 0...255, using: &generator), at: position)
            }
        }
        return bytes
    }

    @Test func mutatedFixtureRequestsNeverCrashAndNeverAcceptADTD() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: TestFixtures.directory.path)
            .filter { $0.hasSuffix("_request.xml") }.sorted()
        #expect(names.count >= 10)
        var generator = SeededGenerator(state: 0x7A11_2026)
        var accepted = 0, refused = 0
        for name in names {
            let original = try TestFixtures.bytes(name)
            for _ in 0..<600 {
                let mutant = Self.mutate(original, using: &generator)
                do {
                    let request = try TAXIIRequest.parse(mutant)
                    accepted += 1
                    #expect(!String(decoding: mutant, as: UTF8.self).contains("<!DOCTYPE"), "a DOCTYPE got through: \(name)")
                    #expect(!request.messageID.isEmpty)
                } catch {
                    refused += 1
                    // Every refusal says what it was in a bounded kind (for metrics) and a description (for the status).
                    #expect(!error.kind.isEmpty && !error.description.isEmpty)
                }
            }
        }
        // Both outcomes must occur, or the mutator is not exercising the parser.
        #expect(accepted > 100 && refused > 1_000, "accepted \(accepted), refused \(refused)")
    }
}
