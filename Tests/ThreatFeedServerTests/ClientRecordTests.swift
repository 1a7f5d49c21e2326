import Foundation
import Logging
import Testing
import ThreatFeedCore
import ThreatFeedStore
import ThreatFeedTesting

@testable import ThreatFeedServer

/// Client records are written before authentication, so anyone can make them: they stay bounded and age out.
@Suite struct ClientRecordTests {
    static func curl(_ arguments: [String]) async throws -> String {
        try await onThread { try CommandRunner.run(program: "/usr/bin/curl", ["-sS", "--max-time", "10"] + arguments).stdout }
    }

    static func clients(_ server: TAXIITestServer, _ query: String = "") async throws -> [String: Any] {
        let text = try await curl(["-H", "Authorization: Bearer \(TAXIITestServer.adminToken)", server.base + "/health/clients" + query])
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(text)")
    }

    @Test func onlyRequestsNamingARealFeedAreSampledAndTheClientsPageIsPaged() async throws {
        let server = try TAXIITestServer()
        try server.record(["bad.example"])
        try await server.run {
            // Requests naming nothing real, from three addresses: rows (a misconfigured gateway shows), no samples.
            for source in ["127.0.0.2", "127.0.0.3", "127.0.0.4"] {
                _ = try await Self.curl(["--interface", source, server.base + "/ctia/feed/feed-00000000-0000-4000-8000-000000000000/view?s=x"])
                _ = try await Self.curl([
                    "--interface", source, "--data", TAXIITestServer.pollRequest(collection: "no-such-collection"), server.base + "/taxii/poll",
                ])
                _ = try await Self.curl(["--interface", source, "--data", "<not-taxii/>", server.base + "/taxii/poll"])
            }
            // Requests naming the real feed, even unauthorised, are sampled.
            _ = try await Self.curl(["--interface", "127.0.0.5", server.base + "/ctia/feed/\(server.feed.id)/view?s=wrong"])
            _ = try await Self.curl(["--interface", "127.0.0.6", "--data", TAXIITestServer.pollRequest(), server.base + "/taxii/poll"])

            let all = try await Self.clients(server)
            let sampled = Set((all["first_requests"] as? [[String: Any]] ?? []).compactMap { $0["client"] as? String })
            #expect(sampled == ["127.0.0.5", "127.0.0.6"])
            #expect(all["total"] as? Int == 5, "one row per (feed, client): '-' for the three, 'esa' for the two")
            #expect((all["clients"] as? [[String: Any]])?.count == 5)
            #expect(all["next_offset"] == nil)

            let first = try await Self.clients(server, "?limit=2")
            #expect((first["clients"] as? [[String: Any]])?.count == 2)
            #expect(first["next_offset"] as? Int == 2)
            let last = try await Self.clients(server, "?limit=2&offset=4")
            #expect((last["clients"] as? [[String: Any]])?.count == 1)
            #expect(last["next_offset"] == nil)
            let pages = Set(
                try await [Self.clients(server, "?limit=2"), Self.clients(server, "?limit=2&offset=2"), Self.clients(server, "?limit=2&offset=4")]
                    .flatMap { ($0["clients"] as? [[String: Any]] ?? []).map { "\($0["feed"] ?? "")@\($0["client"] ?? "")" } }
            )
            #expect(pages.count == 5)
            // Samples come with the clients on the page only.
            for page in [first, last] {
                let onPage = Set((page["clients"] as? [[String: Any]] ?? []).compactMap { $0["client"] as? String })
                let samples = Set((page["first_requests"] as? [[String: Any]] ?? []).compactMap { $0["client"] as? String })
                #expect(samples.isSubset(of: onPage))
            }
            for bad in ["?limit=0", "?limit=1001", "?limit=-1", "?limit=99999999999999999999", "?offset=x", "?limit=%2B5", "?offset=1e3"] {
                let status = try await Self.curl([
                    "-o", "/dev/null", "-w", "%{http_code}", "-H", "Authorization: Bearer \(TAXIITestServer.adminToken)",
                    server.base + "/health/clients" + bad,
                ])
                #expect(status == "400", "\(bad)")
            }
        }
    }

    @Test func theRecorderKeepsAtMostItsClientsAndAServedGatewayStillGetsIn() async throws {
        let clock = TestClock()
        try await withTemporaryStore(clock: clock) { store in
            let recorder = PollRecorder(store: store, logger: Logger(label: "test"), maxClients: 20)
            // A flood of refused requests from 500 addresses, saved in several rounds.
            for round in 0..<5 {
                for index in 0..<100 {
                    recorder.record(
                        feed: "-", client: "198.51.\(round).\(index)", kind: .taxii, outcome: .refused, served: nil,
                        at: clock.now.addingTimeInterval(Double(round * 100 + index))
                    )
                }
                await recorder.flush()
            }
            #expect(try await store.read { Set(try $0.clientPolls().map(\.client)).count } == 20)
            // A real gateway served a feed still gets a row, in place of the client seen least recently.
            recorder.record(feed: "esa", client: "192.0.2.10", kind: .ctiaJSON, outcome: .served, served: 3, at: clock.now.addingTimeInterval(600))
            await recorder.flush()
            let clients = try await store.read { try $0.clientPolls().map(\.client) }
            #expect(Set(clients).count == 20)
            #expect(clients.contains("192.0.2.10"))
            #expect(!clients.contains("198.51.0.0"))
            // Samples: at most the same number of clients.
            for index in 0..<50 {
                guard recorder.wantsSample(of: "203.0.113.\(index)") else { continue }
                recorder.keep(RequestSample(client: "203.0.113.\(index)", at: clock.now, method: "GET", target: "/x", headers: [], bodyPrefix: ""))
            }
            await recorder.flush()
            #expect(try await store.read { Set(try $0.requestSamples().map(\.client)).count } == 20)
        }
    }

    @Test func clientRecordsAgeOutWithRetention() async throws {
        let clock = TestClock()
        try await withTemporaryStore(clock: clock) { store in
            let old = clock.now
            let recent = clock.now.addingTimeInterval(40 * 86_400)
            try await store.write { writer in
                try writer.save([
                    ClientPoll(feed: "esa", client: "192.0.2.1", kind: .taxii, outcome: .served, served: 1, firstSeen: old, lastSeen: old, polls: 1, failures: 0),
                    ClientPoll(feed: "esa", client: "192.0.2.2", kind: .taxii, outcome: .served, served: 1, firstSeen: old, lastSeen: recent, polls: 9, failures: 0),
                ])
                try writer.save([
                    RequestSample(client: "192.0.2.1", at: old, method: "POST", target: "/taxii/poll", headers: [], bodyPrefix: ""),
                    RequestSample(client: "192.0.2.2", at: old, method: "POST", target: "/taxii/poll", headers: [], bodyPrefix: ""),
                ], perClient: 3)
            }
            let removed = try await store.write { try $0.pruneClientRecords(lastSeenBefore: recent.addingTimeInterval(-30 * 86_400)) }
            #expect(removed == 2)
            #expect(try await store.read { try $0.clientPolls().map(\.client) } == ["192.0.2.2"])
            // The first requests of a client still polling are kept however old.
            #expect(try await store.read { try $0.requestSamples().map(\.client) } == ["192.0.2.2"])
        }
    }
}
