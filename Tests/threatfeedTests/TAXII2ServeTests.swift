import Foundation
import Testing
import ThreatFeedTesting

/// TAXII 2.1 through `threatfeed serve` processes: a `next` cursor from one server is honoured by another on the
/// same database, and by a new one after both stopped (the signing key lives in the database).
@Suite struct TAXII2ServeTests {
    static let password = "a-long-siem-passphrase"

    static func get(_ url: String) throws -> [String: Any] {
        try PythonClients.json("taxii2_client.py", ["get", url, "--user", "siem", "--password", password])
    }

    @Test func cursorWorksAcrossInstancesAndRestarts() async throws {
        try PythonClients.requireVenv()
        try await withTemporaryDirectory { dir in
            let db = dir.file("t.sqlite")
            let input = try dir.write("in.txt", (0..<9).map { "host\($0).example.org" }.joined(separator: "\n"))
            #expect(try CommandRunner.run(["import", "--db", db, "--indicator", "manual", input]).status == 0)
            #expect(try CommandRunner.run(["feed", "create", "siem-feed", "--indicator", "manual", "--db", db]).status == 0)
            #expect(try CommandRunner.run(["user", "add", "siem", "--db", db], stdin: Data((Self.password + "\n").utf8)).status == 0)
            #expect(try CommandRunner.run(["feed", "grant", "siem-feed", "siem", "--db", db]).status == 0)
            let shown = try CommandRunner.run(["feed", "show", "siem-feed", "--json", "--db", db])
            let taxii2 = try #require((try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])?["taxii2"] as? [String: Any])
            let collection = try #require(taxii2["collection_id"] as? String)
            let path = "/taxii2/api/collections/\(collection)/objects/?limit=4"

            let first = try ServerProcess(database: db)
            let second = try ServerProcess(database: db)
            var seen: [String] = []
            let page1 = try Self.get(first.baseURL + path)
            #expect(page1["status"] as? Int == 200, "\(page1)")
            var body = try #require(page1["body"] as? [String: Any])
            seen += (body["objects"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            // The other instance continues the walk.
            let page2 = try Self.get(second.baseURL + path + "&next=" + (try #require(body["next"] as? String)))
            #expect(page2["status"] as? Int == 200, "\(page2)")
            body = try #require(page2["body"] as? [String: Any])
            seen += (body["objects"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            let next = try #require(body["next"] as? String)
            #expect(first.stop() == 0)
            #expect(second.stop() == 0)

            // A new process after both stopped.
            let third = try ServerProcess(database: db)
            defer { third.stop() }
            let page3 = try Self.get(third.baseURL + path + "&next=" + next)
            #expect(page3["status"] as? Int == 200, "\(page3)")
            body = try #require(page3["body"] as? [String: Any])
            seen += (body["objects"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            #expect(body["more"] as? Bool == false)
            #expect(seen.count == 10 && Set(seen).count == 10, "9 indicators and the identity, each once: \(seen)")
        }
    }
}
