import Foundation
import Testing
import ThreatFeedTesting

/// `threatfeed health --detail` against the real server: the admin token from the environment opens the detail.
@Suite struct HealthDetailCommandTests {
    @Test func detailWithTheAdminTokenAndOverallStatusWithout() async throws {
        try await withTemporaryDirectory { dir in
            let db = dir.file("t.sqlite")
            let input = try dir.write("in.txt", "detail.example\n")
            #expect(try CommandRunner.run(["import", "--db", db, "--indicator", "seen", input]).status == 0)
            #expect(try CommandRunner.run(["feed", "create", "private-feed-name", "--indicator", "seen", "--db", db]).status == 0)
            let token = "admin-\(UUID().uuidString)"
            let server = try ServerProcess(database: db, environment: ["THREATFEED_ADMIN_TOKEN": token])
            defer { server.stop() }

            let admin = try await onThread {
                try CommandRunner.run(["health", "--url", server.baseURL, "--detail"], environment: ["THREATFEED_ADMIN_TOKEN": token])
            }
            #expect(admin.status == 0, "\(admin.stderr)")
            #expect(admin.stdout.contains("ready:"))
            #expect(admin.stdout.contains(#""name":"private-feed-name""#), "\(admin.stdout)")
            #expect(admin.stdout.contains("/health/etd: 200"))
            #expect(!admin.stdout.contains(token))

            // Without the token, even from loopback: the overall status only.
            let other = try await onThread { try CommandRunner.run(["health", "--url", server.baseURL, "--detail"]) }
            #expect(other.status == 0)
            #expect(other.stdout.contains(#"/health/feeds: 200 {"detail":"send Authorization: Bearer <admin token> for detail","status":"ok"}"#), "\(other.stdout)")
            #expect(!other.stdout.contains("private-feed-name"))
            let curl = try await onThread { try CommandRunner.run(program: "/usr/bin/curl", ["-s", "\(server.baseURL)/health/etd"]) }
            #expect(!curl.stdout.contains("enabled"), "\(curl.stdout)")
            #expect(curl.stdout.contains(#""status":"ok""#))
        }
    }
}
