import Foundation
import Testing
import ThreatFeedTesting

/// SIGTERM while a large TAXII poll streams to a client reading slower than the server writes (40 MB at 2 MB/s):
/// the poll completes intact, its last bytes included (`FinishWritesBeforeClose`), then the server exits 0.
@Suite struct GracefulShutdownTests {
    @Test func aLargePollInProgressCompletesBeforeTheServerExits() async throws {
        try await withTemporaryDirectory { dir in
            let db = dir.file("t.sqlite")
            let count = 20_000
            let values = (0..<count).map { "drain-\($0).example" }.joined(separator: "\n")
            let input = try dir.write("big.txt", values)
            let imported = try CommandRunner.run(["import", input, "--indicator", "big", "--valid-for", "30d", "--db", db])
            #expect(imported.status == 0, "\(imported.stderr)")
            #expect(try CommandRunner.run(["feed", "create", "big", "--indicator", "big", "--db", db]).status == 0)
            let shown = try CommandRunner.run(["feed", "show", "big", "--json", "--db", db])
            let secret = try #require((try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])?["secret"] as? String)
            let server = try ServerProcess(database: db)

            let output = dir.file("poll.xml")
            let body = #"<taxii_11:Poll_Request xmlns:taxii_11="http://taxii.mitre.org/messages/taxii_xml_binding-1.1" message_id="1" collection_name="\#(secret)"><taxii_11:Poll_Parameters/></taxii_11:Poll_Request>"#
            let curl = Process()
            curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
            curl.arguments = ["-sS", "--max-time", "120", "--limit-rate", "2M", "-o", output, "--data", body, "\(server.baseURL)/taxii/poll"]
            try curl.run()
            // Wait until the answer is streaming, then ask the server to stop.
            try await waitUntil("the first 100 KB of the answer", every: .milliseconds(20)) {
                ((try? FileManager.default.attributesOfItem(atPath: output)[.size] as? Int) ?? 0) >= 100_000
            }
            kill(server.process.processIdentifier, SIGTERM)
            curl.waitUntilExit()
            server.process.waitUntilExit()
            #expect(curl.terminationStatus == 0, "curl exited \(curl.terminationStatus)")
            #expect(server.process.terminationStatus == 0)
            let text = try String(contentsOfFile: output, encoding: .utf8)
            #expect(text.hasSuffix("</taxii_11:Poll_Response>"), "\(text.suffix(200))")
            #expect(text.components(separatedBy: "<taxii_11:Content_Block>").count - 1 == count)
            _ = server.stop()
        }
    }
}
