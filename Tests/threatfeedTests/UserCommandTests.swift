import Foundation
import GRDB
import Testing
import ThreatFeedTesting

/// `threatfeed user …` and `feed grant|revoke`, then the cabby command-line tools against `threatfeed serve`.
@Suite struct UserCommandTests {
    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func usersAreAddedFromStdinStoredAsBcryptAndGrantedFeeds() async throws {
        try await withTemporaryDirectory { dir in
            let db = dir.file("t.sqlite")
            let password = "a-long-gateway-passphrase"
            let added = try CommandRunner.run(["user", "add", "gateway", "--db", db], stdin: Data("\(password)\n".utf8))
            #expect(added.status == 0, "\(added.stderr)")
            #expect(added.stdout.contains("added user 'gateway'"))
            // Stored as a cost-12 bcrypt hash; the password itself is nowhere in the file.
            let hash = try DatabaseQueue(path: db).read { try String.fetchOne($0, sql: "SELECT password_hash FROM user") }
            #expect(hash?.hasPrefix("$2b$12$") == true)
            let bytes = try Data(contentsOf: URL(fileURLWithPath: db))
            #expect(bytes.range(of: Data(password.utf8)) == nil)
            #expect(!added.stdout.contains(password) && !added.stderr.contains(password))

            let duplicate = try CommandRunner.run(["user", "add", "gateway", "--db", db], stdin: Data("\(password)\n".utf8))
            #expect(duplicate.status == 1)
            #expect(duplicate.stderr == "error: a user named 'gateway' already exists\n")
            for (bad, reason) in [("abc123", "too short"), (String(repeating: "x", count: 73), "too long")] {
                let refused = try CommandRunner.run(["user", "add", "weak", "--db", db], stdin: Data("\(bad)\n".utf8))
                #expect(refused.status == 1)
                #expect(refused.stderr.contains(reason), "\(refused.stderr)")
                #expect(!refused.stderr.contains(bad))
            }
            let empty = try CommandRunner.run(["user", "add", "nobody", "--db", db], stdin: Data())
            #expect(empty.status == 1)
            #expect(empty.stderr.contains("no password on stdin"))

            #expect(try CommandRunner.run(["feed", "create", "esa", "--indicator", "blocklist", "--db", db]).status == 0)
            let granted = try CommandRunner.run(["feed", "grant", "esa", "gateway", "--db", db])
            #expect(granted.stdout == "granted feed 'esa' to user 'gateway'\n")
            #expect(try CommandRunner.run(["feed", "grant", "esa", "gateway", "--db", db]).stdout.contains("could already poll"))
            let unknown = try CommandRunner.run(["feed", "grant", "esa", "ghost", "--db", db])
            #expect(unknown.status == 1)
            #expect(unknown.stderr == "error: no user named 'ghost'\n")

            let listed = try json(try CommandRunner.run(["user", "list", "--json", "--db", db]).stdout)
            let users = try #require(listed["users"] as? [[String: Any]])
            #expect(users.map { $0["name"] as? String } == ["gateway"])
            #expect(users.first?["feeds"] as? [String] == ["esa"])
            #expect(!(users.first?.keys.contains { $0.contains("hash") || $0.contains("password") } ?? true))

            let shown = try CommandRunner.run(["feed", "show", "esa", "--db", db, "--public-url", "https://feeds.example.com"])
            #expect(shown.stdout.contains("Or as a classic STIX/TAXII source"))
            #expect(shown.stdout.contains("Polling Path:      /taxii/poll"))
            #expect(shown.stdout.contains("Collection Name:   esa"))
            #expect(shown.stdout.contains("User Credentials:  Yes — granted to gateway"))
            let shownJSON = try json(try CommandRunner.run(["feed", "show", "esa", "--json", "--db", db]).stdout)
            let taxii = try #require(shownJSON["taxii"] as? [String: Any])
            #expect(taxii["polling_path"] as? String == "/taxii/poll")
            #expect(taxii["users"] as? [String] == ["gateway"])

            #expect(try CommandRunner.run(["feed", "revoke", "esa", "gateway", "--db", db]).stdout.contains("revoked"))
            let changed = try CommandRunner.run(["user", "password", "gateway", "--db", db], stdin: Data("another-long-passphrase\n".utf8))
            #expect(changed.status == 0, "\(changed.stderr)")
            let newHash = try DatabaseQueue(path: db).read { try String.fetchOne($0, sql: "SELECT password_hash FROM user") }
            #expect(newHash != hash)
            #expect(try CommandRunner.run(["user", "remove", "gateway", "--db", db]).status == 0)
            #expect(try CommandRunner.run(["user", "list", "--db", db]).stdout.contains("no users"))
        }
    }

    /// cabby's own command-line tools against the real server. They exit 0 even on errors, so their output is what is checked.
    @Test func cabbyCommandLineToolsDiscoverListAndPoll() async throws {
        try PythonClients.requireVenv()
        try await withTemporaryDirectory { dir in
            let db = dir.file("t.sqlite")
            let input = try dir.write("in.txt", "cabby-cli.example\n203.0.113.45\nhttps://cabby-cli.example/login\n")
            #expect(try CommandRunner.run(["import", "--db", db, "--indicator", "cli", input]).status == 0)
            #expect(try CommandRunner.run(["feed", "create", "esa", "--indicator", "cli", "--collection", "esa-feed", "--db", db]).status == 0)
            #expect(try CommandRunner.run(["user", "add", "gateway", "--db", db], stdin: Data("cabby-cli-passphrase\n".utf8)).status == 0)
            #expect(try CommandRunner.run(["feed", "grant", "esa", "gateway", "--db", db]).status == 0)
            let port = try freeLoopbackPort()
            let server = try ServerProcess(database: db, port: port, extraArguments: ["--public-url", "http://127.0.0.1:\(port)"])
            defer { server.stop() }
            let common = ["--host", "127.0.0.1", "--port", String(port)]
            let credentials = ["--username", "gateway", "--password", "cabby-cli-passphrase"]

            let discovery = try await onThread {
                try CommandRunner.run(program: PythonClients.tool("taxii-discovery"), common + ["--discovery", "/taxii/discovery"])
            }
            #expect(discovery.stdout.components(separatedBy: "Service Type: POLL").count == 2, "exactly one POLL service: \(discovery.stdout)")
            #expect(discovery.stdout.contains("Service Address: http://127.0.0.1:\(port)/taxii/poll"))
            #expect(!discovery.stdout.contains("message:xml:1.0"), "only the TAXII 1.1 message binding")

            let collections = try await onThread {
                try CommandRunner.run(
                    program: PythonClients.tool("taxii-collections"), common + ["--path", "/taxii/collection-management"] + credentials)
            }
            #expect(collections.stdout.contains("Collection Name: esa-feed"), "\(collections.stdout) \(collections.stderr)")
            #expect(collections.stdout.contains("Poll Address: http://127.0.0.1:\(port)/taxii/poll"))

            let poll = try await onThread {
                try CommandRunner.run(
                    program: PythonClients.tool("taxii-poll"), common + ["--path", "/taxii/poll", "-c", "esa-feed"] + credentials)
            }
            let text = poll.stdout + poll.stderr
            #expect(text.contains("3 blocks polled"), "\(text.suffix(3000))")
            for value in ["cabby-cli.example", "203.0.113.45", "https://cabby-cli.example/login"] {
                #expect(poll.stdout.contains(value), "\(value)")
            }

            let refused = try await onThread {
                try CommandRunner.run(
                    program: PythonClients.tool("taxii-poll"),
                    common + ["--path", "/taxii/poll", "-c", "esa-feed", "--username", "gateway", "--password", "wrong-one"])
            }
            #expect((refused.stdout + refused.stderr).contains("UNAUTHORIZED"), "\(refused.stdout) \(refused.stderr)")
        }
    }
}
