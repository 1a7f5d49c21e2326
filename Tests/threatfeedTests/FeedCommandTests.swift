import Foundation
import Testing
import ThreatFeedTesting

@Suite struct FeedCommandTests {
    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func createPrintsWhatTheGatewayFormAsksFor() async throws {
        try await withTemporaryDirectory { dir in
            let db = dir.file("t.sqlite")
            let created = try CommandRunner.run(
                ["feed", "create", "esa-blocklist", "--indicator", "manual", "--db", db, "--public-url", "https://feeds.example.com:8443"]
            )
            #expect(created.status == 0, "\(created.stderr)")
            let out = created.stdout
            #expect(out.contains("created empty indicator 'manual'"))
            #expect(out.contains("Hostname:          feeds.example.com"))
            #expect(out.contains("Polling Port:      8443"))
            #expect(out.contains("Use HTTPS:         Yes"))
            #expect(out.contains("User Credentials:  No"))
            let path = try #require(out.split(separator: "\n").first { $0.contains("Polling Path:") })
            #expect(path.contains("/ctia/feed/feed-"))
            #expect(path.hasSuffix("/view"))

            let shown = try json(try CommandRunner.run(["feed", "show", "esa-blocklist", "--json", "--db", db]).stdout)
            let id = try #require(shown["id"] as? String)
            let secret = try #require(shown["secret"] as? String)
            #expect(id.hasPrefix("feed-"))
            #expect(secret.count == 36)
            #expect(out.contains("Collection Name:   \(secret)"))
            #expect(out.contains("Feed URL:  https://feeds.example.com:8443/ctia/feed/\(id)/view?s=\(secret)"))
            let gateway = try #require(shown["gateway"] as? [String: Any])
            #expect(gateway["collection_name"] as? String == secret)
            #expect(gateway["polling_path"] as? String == "/ctia/feed/\(id)/view")
            #expect(gateway["use_https"] as? Bool == false)  // no --public-url on show: the loopback default
            #expect(shown["collection"] as? String == "esa-blocklist")
        }
    }

    @Test func listRotateAndDelete() async throws {
        try await withTemporaryDirectory { dir in
            let db = dir.file("t.sqlite")
            #expect(try CommandRunner.run(["feed", "create", "a", "--indicator", "i", "--db", db]).status == 0)
            #expect(try CommandRunner.run(["feed", "create", "b", "--indicator", "i", "--output", "judgements", "--lifetime", "30d", "--db", db]).status == 0)
            let duplicate = try CommandRunner.run(["feed", "create", "a", "--indicator", "i", "--db", db])
            #expect(duplicate.status == 1)
            #expect(duplicate.stderr.contains("a feed named 'a' already exists"))
            let badOutput = try CommandRunner.run(["feed", "create", "c", "--indicator", "i", "--output", "csv", "--db", db])
            #expect(badOutput.stderr.contains("invalid --output 'csv'"))

            let list = try json(try CommandRunner.run(["feed", "list", "--json", "--db", db]).stdout)
            let feeds = try #require(list["feeds"] as? [[String: Any]])
            #expect(feeds.map { $0["name"] as? String } == ["a", "b"])
            #expect(feeds.allSatisfy { $0["secret"] == nil })
            #expect(feeds[1]["output"] as? String == "judgements")
            #expect(feeds[1]["expires"] != nil)
            let table = try CommandRunner.run(["feed", "list", "--db", db]).stdout
            #expect(table.hasPrefix("NAME"))

            let before = try json(try CommandRunner.run(["feed", "show", "a", "--json", "--db", db]).stdout)["secret"] as? String
            let rotated = try CommandRunner.run(["feed", "rotate-secret", "a", "--json", "--db", db])
            #expect(rotated.status == 0)
            let after = try json(rotated.stdout)["secret"] as? String
            #expect(before != nil && after != nil && before != after)

            #expect(try CommandRunner.run(["feed", "delete", "a", "--db", db]).status == 0)
            let gone = try CommandRunner.run(["feed", "show", "a", "--db", db])
            #expect(gone.status == 1)
            #expect(gone.stderr.contains("no feed named 'a'"))
        }
    }
}
