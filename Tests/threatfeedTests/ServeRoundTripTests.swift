import Foundation
import Testing
import ThreatFeedTesting

/// The whole path an administrator takes: import, create a feed, serve, poll with curl,
/// and import what was served into a new indicator whose feed then serves the same set.
@Suite struct ServeRoundTripTests {
    func curl(_ arguments: [String]) throws -> (status: Int32, body: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["curl", "-sS"] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = Pipe()
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    func feed(_ name: String, db: String) throws -> (id: String, secret: String) {
        let result = try CommandRunner.run(["feed", "show", name, "--json", "--db", db])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        return (try #require(object["id"] as? String), try #require(object["secret"] as? String))
    }

    @Test func curlSeesWhatWasImportedAndTheOutputRoundTrips() async throws {
        try await withTemporaryDirectory { dir in
            let db = dir.file("t.sqlite")
            let input = try dir.write(
                "in.txt",
                "203.0.113.7\nbad.example\nhttp://bad.example/login\n2001:db8::1\n\(String(repeating: "0f", count: 32))\n"
            )
            #expect(try CommandRunner.run(["import", "--db", db, "--indicator", "original", input]).status == 0)
            #expect(try CommandRunner.run(["feed", "create", "original", "--indicator", "original", "--db", db]).status == 0)
            let server = try ServerProcess(database: db)
            defer { server.stop() }
            let original = try feed("original", db: db)
            let view = "\(server.baseURL)/ctia/feed/\(original.id)/view"

            // Status codes through curl, as an administrator would check them.
            let codes = try [
                ("\(view)", "400"), ("\(view)?s=wrong", "401"), ("\(server.baseURL)/ctia/feed/feed-nope/view?s=x", "404"),
                ("\(view)?s=\(original.secret)", "200"), ("\(server.baseURL)/health", "200"),
            ].map { url, expected in (try curl(["-o", "/dev/null", "-w", "%{http_code}", url]).body, expected) }
            for (got, expected) in codes { #expect(got == expected) }

            let json = try curl(["\(view)?s=\(original.secret)"]).body
            let text = try curl(["\(view).txt?s=\(original.secret)"]).body
            #expect(text.split(separator: "\n").count == 5)
            let jsonFile = try dir.write("served.json", json)
            let textFile = try dir.write("served.txt", text)

            // A running server and an import at the same time: WAL lets both proceed.
            let fromJSON = try CommandRunner.run(["import", "--db", db, "--indicator", "copy-json", jsonFile])
            #expect(fromJSON.status == 0, "\(fromJSON.stderr)")
            let fromText = try CommandRunner.run(["import", "--db", db, "--indicator", "copy-text", textFile])
            #expect(fromText.status == 0, "\(fromText.stderr)")
            for name in ["copy-json", "copy-text"] {
                #expect(try CommandRunner.run(["feed", "create", name, "--indicator", name, "--db", db]).status == 0)
                let copy = try feed(name, db: db)
                let served = try curl(["\(server.baseURL)/ctia/feed/\(copy.id)/view.txt?s=\(copy.secret)"]).body
                #expect(served == text, "\(name)")
            }
            // The judgements body round-trips too.
            #expect(try CommandRunner.run(["feed", "create", "original-j", "--indicator", "original", "--output", "judgements", "--db", db]).status == 0)
            let judgementsFeed = try feed("original-j", db: db)
            let judgements = try curl(["\(server.baseURL)/ctia/feed/\(judgementsFeed.id)/view?s=\(judgementsFeed.secret)"]).body
            let judgementsFile = try dir.write("served-judgements.json", judgements)
            #expect(try CommandRunner.run(["import", "--db", db, "--indicator", "copy-j", judgementsFile]).status == 0)
            #expect(try CommandRunner.run(["feed", "create", "copy-j", "--indicator", "copy-j", "--db", db]).status == 0)
            let copyJ = try feed("copy-j", db: db)
            #expect(try curl(["\(server.baseURL)/ctia/feed/\(copyJ.id)/view.txt?s=\(copyJ.secret)"]).body == text)

            // The health command sees the running server; SIGTERM stops it cleanly.
            let health = try CommandRunner.run(["health", "--url", server.baseURL])
            #expect(health.status == 0, "\(health.stderr)")
            #expect(server.stop() == 0)
            let down = try CommandRunner.run(["health", "--url", server.baseURL, "--timeout", "2"])
            #expect(down.status == 1)
        }
    }

    @Test func plainHTTPOnANonLoopbackAddressIsRefused() async throws {
        try await withTemporaryDirectory { dir in
            let result = try CommandRunner.run(["serve", "--db", dir.file("t.sqlite"), "--host", "0.0.0.0", "--port", "0"])
            #expect(result.status == 1)
            #expect(result.stderr.contains("refusing plain HTTP on 0.0.0.0"))
        }
    }
}
