import Foundation
import Synchronization
import Testing
import ThreatFeedCore
import ThreatFeedTesting

@testable import ThreatFeedServer

/// Wrong passwords cannot buy unlimited bcrypt: an address that keeps failing is refused unchecked for a while,
/// and checks run at most a few at once.
@Suite(.serialized) struct PasswordAbuseTests {
    /// One TAXII poll with Basic credentials through curl, sent from `source` (any 127.x address reaches the server).
    static func poll(_ server: TAXIITestServer, from source: String, password: String) async throws -> String {
        let arguments = [
            "-s", "--interface", source, "-u", "gateway:\(password)", "-H", "Content-Type: application/xml",
            "-H", "X-TAXII-Content-Type: urn:taxii.mitre.org:message:xml:1.1", "-H", "X-TAXII-Services: urn:taxii.mitre.org:services:1.1",
            "--data-binary", TAXIITestServer.pollRequest(countOnly: true), server.base + "/taxii/poll",
        ]
        return try await onThread { try CommandRunner.run(program: "/usr/bin/curl", arguments).stdout }
    }

    /// `threatfeed_password_checks_total` by result, read from `/metrics` as a scraper would.
    static func checks(_ server: TAXIITestServer) async throws -> [String: Int] {
        let text = try await onThread { try CommandRunner.run(program: "/usr/bin/curl", ["-s", server.base + "/metrics"]).stdout }
        var counts: [String: Int] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("threatfeed_password_checks_total{") {
            guard let open = line.range(of: "result=\""), let close = line[open.upperBound...].firstIndex(of: "\""),
                let value = line.split(separator: " ").last.flatMap({ Double($0) })
            else { continue }
            counts[String(line[open.upperBound..<close])] = Int(value)
        }
        return counts
    }

    @Test func anAddressThatKeepsFailingIsRefusedWithoutBcryptUntilTheClockMovesOn() async throws {
        let server = try TAXIITestServer()
        try server.record(["bad.example"])
        try await server.run {
            let attacker = "127.0.0.2"
            for attempt in 1...5 {
                let answer = try await Self.poll(server, from: attacker, password: "wrong-password-\(attempt)")
                #expect(answer.contains(#"status_type="UNAUTHORIZED""#), "\(answer)")
            }
            #expect(try await Self.checks(server)["wrong"] == 5)
            // The sixth attempt, even with the right password, is answered without a check.
            let refused = try await Self.poll(server, from: attacker, password: TAXIITestServer.password)
            #expect(refused.contains(#"status_type="UNAUTHORIZED""#))
            #expect(refused.contains("Too many wrong passwords from this address"))
            var counts = try await Self.checks(server)
            #expect(counts["wrong"] == 5)
            #expect(counts["backing_off"] == 1)
            #expect(counts["verified"] == nil)
            // An honest gateway elsewhere is served meanwhile.
            let honest = try await Self.poll(server, from: "127.0.0.1", password: TAXIITestServer.password)
            #expect(honest.contains("Poll_Response"), "\(honest)")
            #expect(try await Self.checks(server)["verified"] == 1)
            // The back-off (60 s for the fifth failure) ends when the server's clock passes it.
            server.clock.advance(by: 59)
            #expect(try await Self.poll(server, from: attacker, password: TAXIITestServer.password).contains("Too many wrong passwords"))
            server.clock.advance(by: 2)
            let after = try await Self.poll(server, from: attacker, password: TAXIITestServer.password)
            #expect(after.contains("Poll_Response"), "\(after)")
            counts = try await Self.checks(server)
            #expect(counts["backing_off"] == 2)
            #expect(counts["wrong"] == 5)
            // The right password was verified a minute ago for the honest gateway: remembered, no bcrypt.
            #expect(counts["remembered"] == 1)
            #expect(counts["verified"] == 1)
        }
    }

    @Test func backOffDoublesForFurtherFailuresAndASuccessForgets() {
        var table = FailedLoginTable(policy: .init(threshold: 3, backOff: 10, maxBackOff: 35, forgetAfter: 100, capacity: 10))
        let start = Date(timeIntervalSince1970: 1_000_000)
        #expect(table.recordFailure("a", now: start) == nil)
        #expect(table.recordFailure("a", now: start) == nil)
        #expect(table.recordFailure("a", now: start) == start.addingTimeInterval(10))
        #expect(table.blockedUntil("a", now: start.addingTimeInterval(9.9)) != nil)
        #expect(table.blockedUntil("a", now: start.addingTimeInterval(10)) == nil)
        #expect(table.recordFailure("a", now: start.addingTimeInterval(10)) == start.addingTimeInterval(30))
        #expect(table.recordFailure("a", now: start.addingTimeInterval(30)) == start.addingTimeInterval(65))  // capped at 35 s
        table.recordSuccess("a")
        #expect(table.blockedUntil("a", now: start.addingTimeInterval(31)) == nil)
        #expect(table.recordFailure("a", now: start.addingTimeInterval(31)) == nil)
        // Failures far apart are forgotten.
        #expect(table.recordFailure("b", now: start) == nil)
        #expect(table.recordFailure("b", now: start) == nil)
        #expect(table.recordFailure("b", now: start.addingTimeInterval(101)) == nil)
    }

    @Test func theTableKeepsAtMostItsCapacity() {
        var table = FailedLoginTable(policy: .init(threshold: 2, backOff: 10, maxBackOff: 10, forgetAfter: 100, capacity: 50))
        let start = Date(timeIntervalSince1970: 1_000_000)
        for index in 0..<10_000 {
            _ = table.recordFailure("10.0.\(index / 256).\(index % 256)", now: start.addingTimeInterval(Double(index) / 1000))
            #expect(table.count <= 50)
        }
        // The newest addresses are the ones kept.
        _ = table.recordFailure("10.0.39.15", now: start.addingTimeInterval(20))
        #expect(table.blockedUntil("10.0.39.15", now: start.addingTimeInterval(20)) != nil)
    }

    @Test func checksRunAtMostLimitAtOnceAndRefuseBeyondTheQueue() async throws {
        let permits = PasswordCheckPermits(limit: 2, maxWaiting: 3)
        final class Shared: Sendable {
            let inside = Mutex((current: 0, most: 0))
            let released = Mutex(false)
        }
        let shared = Shared()
        let results = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<5 {
                group.addTask {
                    let ran = await permits.withPermit { () async -> Bool in
                        shared.inside.withLock { $0.current += 1; $0.most = max($0.most, $0.current) }
                        while !shared.released.withLock({ $0 }) { await Task.yield() }
                        shared.inside.withLock { $0.current -= 1 }
                        return true
                    }
                    return ran != nil
                }
            }
            // Wait until two run and three wait; then a sixth is refused at once.
            while await permits.waitingCount < 3 || shared.inside.withLock({ $0.current }) < 2 { await Task.yield() }
            #expect(await permits.withPermit { true } == nil)
            shared.released.withLock { $0 = true }
            var all: [Bool] = []
            for try await result in group { all.append(result) }
            return all
        }
        #expect(results == [true, true, true, true, true])
        #expect(shared.inside.withLock { $0.most } == 2)
    }
}
