import Foundation
import Testing
import ThreatFeedTesting

/// The admin role from the command line, and the pages of a real `serve` over HTTPS with curl: the session cookie is
/// `Secure` there, and revealing a feed's secret is logged with who did it, never the secret.
@Suite struct AdminPagesServeTests {
    static let password = "an-admin-passphrase"

    func curl(_ arguments: [String]) throws -> CommandRunner.Result {
        try CommandRunner.run(program: "/usr/bin/curl", ["-sS", "--max-time", "20"] + arguments)
    }

    @Test func adminRoleIsGivenAtAddOrLaterAndTakenAway() async throws {
        try await withTemporaryDirectory { dir in
            let db = dir.file("t.sqlite")
            let added = try CommandRunner.run(["user", "add", "boss", "--admin", "--db", db], stdin: Data("\(Self.password)\n".utf8))
            #expect(added.status == 0, "\(added.stderr)")
            #expect(added.stdout == "added admin 'boss'; log in at /ui/login\n")
            let again = try CommandRunner.run(["user", "allow", "boss", "admin", "--db", db])
            #expect(again.stdout == "user 'boss' already had admin\n")
            #expect(try CommandRunner.run(["user", "add", "gateway", "--db", db], stdin: Data("\(Self.password)\n".utf8)).status == 0)
            let granted = try CommandRunner.run(["user", "allow", "gateway", "ADMIN", "--db", db])
            #expect(granted.stdout == "user 'gateway' may now use admin\n", "\(granted.stderr)")
            let taken = try CommandRunner.run(["user", "disallow", "gateway", "admin", "--db", db])
            #expect(taken.stdout == "user 'gateway' may no longer use admin\n")
            let unknown = try CommandRunner.run(["user", "allow", "gateway", "root", "--db", db])
            #expect(unknown.status == 1)
            #expect(unknown.stderr == "error: invalid permission 'root': use lookup, admin\n")
            // A refused password leaves no half-made admin behind.
            let weak = try CommandRunner.run(["user", "add", "weak", "--admin", "--db", db], stdin: Data("short\n".utf8))
            #expect(weak.status == 1)
            #expect(try CommandRunner.run(["user", "allow", "weak", "admin", "--db", db]).stderr.contains("no user named 'weak'"))
        }
    }

    @Test func overHTTPSTheSessionCookieIsSecureAndARevealIsLogged() async throws {
        try await withTemporaryDirectory { dir in
            let (ca, chain, key) = try ServeTLSTests().makeCertificates(in: dir)
            let db = dir.file("t.sqlite")
            #expect(try CommandRunner.run(["user", "add", "boss", "--admin", "--db", db], stdin: Data("\(Self.password)\n".utf8)).status == 0)
            #expect(try CommandRunner.run(["feed", "create", "esa", "--indicator", "blocklist", "--db", db]).status == 0)
            let shown = try CommandRunner.run(["feed", "show", "esa", "--json", "--db", db]).stdout
            let secret = try #require((try JSONSerialization.jsonObject(with: Data(shown.utf8)) as? [String: Any])?["secret"] as? String)
            let server = try ServerProcess(database: db, extraArguments: ["--tls-cert", chain, "--tls-key", key])
            defer { server.stop() }
            let jar = dir.file("cookies")
            let base = server.baseURL
            let form = try await onThread { try self.curl(["--cacert", ca, "-c", jar, "-D", "-", "\(base)/ui/login"]) }
            #expect(form.status == 0, "\(form.stderr)")
            let loginCookie = try #require(form.stdout.split(separator: "\r\n").first { $0.lowercased().hasPrefix("set-cookie: tf_login=") })
            #expect(loginCookie.contains("; Secure") && loginCookie.contains("HttpOnly") && loginCookie.contains("SameSite=Strict"))
            let token = try #require(form.stdout.components(separatedBy: "name=\"csrf\" value=\"").dropFirst().first?.prefix { $0 != "\"" })
            let login = try await onThread {
                try self.curl([
                    "--cacert", ca, "-b", jar, "-c", jar, "-D", "-", "-o", "/dev/null", "--data-urlencode", "csrf=\(token)",
                    "--data-urlencode", "username=boss", "--data-urlencode", "password=\(Self.password)", "\(base)/ui/login",
                ])
            }
            let sessionCookie = try #require(login.stdout.split(separator: "\r\n").first { $0.lowercased().hasPrefix("set-cookie: tf_session=") })
            #expect(sessionCookie.contains("; Secure") && sessionCookie.contains("HttpOnly") && sessionCookie.contains("SameSite=Strict"))
            #expect(sessionCookie.contains("Path=/ui"))

            let page = try await onThread { try self.curl(["--cacert", ca, "-b", jar, "\(base)/ui/feeds/esa"]) }
            #expect(page.stdout.contains("Feed esa") && page.stdout.contains(">Yes<"), "HTTPS in the gateway settings")
            #expect(!page.stdout.contains(secret))
            let revealToken = try #require(page.stdout.components(separatedBy: "/reveal\"><input type=\"hidden\" name=\"csrf\" value=\"").dropFirst().first?.prefix { $0 != "\"" })
            let revealed = try await onThread {
                try self.curl(["--cacert", ca, "-b", jar, "--data-urlencode", "csrf=\(revealToken)", "\(base)/ui/feeds/esa/reveal"])
            }
            #expect(revealed.stdout.contains(secret))
            // The log reaches us through a pipe: wait for the line, not a fixed time.
            try await waitUntil("the reveal is logged", limit: 10) { server.stderrText.contains("feed secret revealed") }
            let line = try #require(server.stderrText.split(separator: "\n").first { $0.contains("feed secret revealed") })
            #expect(line.contains("boss") && line.contains("esa"))
            #expect(!server.stderrText.contains(secret), "the secret itself is never logged")
            #expect(!server.stderrText.contains(Self.password))
        }
    }
}
