import Foundation
import Testing
import ThreatFeedCore
import ThreatFeedStore
import ThreatFeedTesting

@testable import ThreatFeedFormats
@testable import ThreatFeedServer

/// A window larger than one read is streamed in chunks rendered inside separate read transactions, and a smaller one is
/// rendered before it is counted (its first rows without a count query); either way the answer must be byte for byte
/// the Poll_Response written in one piece from the same judgements (whose blocks `PollAnswerGoldenTests` pins to the
/// renderer's old bytes), whatever the chunk boundaries.
@Suite(.serialized) struct TAXIIStreamedPollTests {
    /// The header's `message_id` is random: read it back, then write the expected answer with it.
    static func messageID(_ answer: [UInt8]) throws -> String {
        let head = String(decoding: answer.prefix(600), as: UTF8.self)
        let start = try #require(head.range(of: #"message_id=""#))
        return String(head[start.upperBound...].prefix { $0 != "\"" })
    }

    @Test(arguments: [
        0, 1,
        TAXIIPollService.firstStreamChunk,  // the largest window counted by its rows
        TAXIIPollService.firstStreamChunk + 1,  // the smallest one counted by a query
        TAXIIPollService.streamChunk,  // the largest window answered from one read
        TAXIIPollService.streamChunk + 1,  // the smallest streamed window
        TAXIIPollService.firstStreamChunk + TAXIIPollService.streamChunk,  // ends exactly on a chunk: one empty read after
        TAXIIPollService.firstStreamChunk + 2 * TAXIIPollService.streamChunk + 17,
    ])
    func answerIsTheOnePieceAnswer(blocks: Int) async throws {
        let server = try TAXIITestServer()
        defer { server.directory.remove() }
        // Every type, some reasons needing escapes; one observable per judgement.
        let values = (0..<blocks).map { index -> String in
            switch index % 4 {
            case 0: "host-\(index).example"
            case 1: "https://site\(index).example/a?b=<\(index)>&c=\"d\""
            case 2: "10.\(index / 65_536).\(index / 256 % 256).\(index % 256)"
            default: String(repeating: String(format: "%08x", index), count: 8)
            }
        }
        for slice in stride(from: 0, to: values.count, by: 500) {
            server.clock.advance(by: 1)
            try server.record(Array(values[slice..<min(slice + 500, values.count)]))
        }
        let store = server.store, indicatorID = server.indicatorID, now = server.clock.now
        try await server.run {
            // curl, as a poller would: the body to a file, the headers to stdout.
            let bodyFile = server.directory.file("answer.xml")
            let result = try await onThread {
                try CommandRunner.run(
                    program: "/usr/bin/curl",
                    [
                        "-s", "-D", "-", "-o", bodyFile, "-X", "POST", "--data-binary", "@-", "-H", "Content-Type: application/xml",
                        "-H", "X-TAXII-Content-Type: urn:taxii.mitre.org:message:xml:1.1",
                        "-H", "X-TAXII-Services: urn:taxii.mitre.org:services:1.1",
                        "-H", "X-TAXII-Protocol: urn:taxii.mitre.org:protocol:http:1.0",
                        "-u", "gateway:\(TAXIITestServer.password)", server.base + "/taxii/poll",
                    ],
                    stdin: Data(TAXIITestServer.pollRequest(id: "streamed").utf8)
                )
            }
            #expect(result.status == 0, "\(result.stderr)")
            let headers = result.stdout.lowercased()
            #expect(headers.hasPrefix("http/1.1 200"))
            if blocks > TAXIIPollService.streamChunk {
                #expect(!headers.contains("content-length:"), "a streamed answer has no length up front")
            } else {
                #expect(headers.contains("content-length:"), "an answer from one read is sent whole")
            }
            let answer = Array(try Data(contentsOf: URL(fileURLWithPath: bodyFile)))

            var stored: [StoredJudgement] = []
            try store.readNow { reader in try reader.forEachLiveJudgement(ofIndicator: indicatorID, at: now) { stored.append($0) } }
            #expect(stored.count == blocks)
            let newest = try store.readNow { try $0.lastLabel() }
            var writer = TAXIIPollResponseWriter(
                messageID: try Self.messageID(answer), inResponseTo: "streamed", collectionName: "esa-feed", inclusiveEnd: newest,
                recordCount: TAXIIRecordCount(blocks), indentWidth: 0
            )
            let renderer = STIXPackageRenderer(
                version: .v1_2, idNamespace: ServerConfiguration().stixIDNamespace, producerName: ServerConfiguration().stixProducer
            )
            for judgement in stored { writer.appendContentBlock(judgement, renderer: renderer) }
            let expected = writer.finish()
            #expect(answer.count == expected.count)
            #expect(answer == expected, "first difference at byte \(zip(answer, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(answer.count, expected.count))")
        }
    }
}
