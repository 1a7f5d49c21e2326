import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing
import ThreatFeedCore
import ThreatFeedStore
import ThreatFeedTesting

@testable import ThreatFeedServer

/// `/health/feeds` and `/health/etd` give feed names, counts and peer errors to the administrator only.
@Suite struct HealthDetailAccessTests {
    static let token = "admin-token-0123456789abcdef"

    @Test func detailNeedsTheAdminTokenWhenOneIsConfigured() async throws {
        let clock = TestClock()
        try await withTemporaryStore(clock: clock) { store in
            try store.writeNow { writer in
                let (indicator, _) = try writer.indicator(named: try EntityName("manual"))
                try writer.create(Feed(name: try EntityName("secret-project-feed"), indicatorID: indicator.id, created: writer.now))
            }
            var configuration = ServerConfiguration(port: 0)
            configuration.adminToken = Self.token
            let app = try buildApplication(store: store, configuration: configuration, logger: Logger(label: "test"), clock: clock.function)
            try await app.test(.ahc(.http)) { client in
                // Public: liveness and readiness, with or without a token.
                #expect(try await client.execute(uri: "/health", method: .get).status == .ok)
                #expect(try await client.execute(uri: "/health/ready", method: .get).status == .ok)
                for path in ["/health/feeds", "/health/etd"] {
                    for headers: HTTPFields in [[:], [.authorization: "Bearer wrong"], [.authorization: "Basic \(Self.token)"],
                        [.authorization: "Bearer \(Self.token)x"]]
                    {
                        // Even from loopback: a configured token is the only way in.
                        let response = try await client.execute(uri: path, method: .get, headers: headers)
                        #expect(response.status == .ok)
                        let object = try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as? [String: Any]
                        #expect(object?["status"] as? String == "ok", "\(path)")
                        #expect(Set(object?.keys.map { $0 } ?? []) == ["status", "detail"], "\(path) \(headers)")
                        #expect(!String(buffer: response.body).contains("secret-project-feed"))
                    }
                    let admin = try await client.execute(uri: path, method: .get, headers: [.authorization: "Bearer \(Self.token)"])
                    #expect(admin.status == .ok)
                    let object = try JSONSerialization.jsonObject(with: Data(String(buffer: admin.body).utf8)) as? [String: Any]
                    #expect(object?["status"] == nil)
                    if path == "/health/feeds" {
                        #expect((object?["feeds"] as? [[String: Any]])?.first?["name"] as? String == "secret-project-feed")
                    } else {
                        #expect(object?["enabled"] as? Bool == false)
                    }
                }
            }
        }
    }

    /// The overall status says when the ETD poller is failing, without its error text.
    @Test func overallStatusIsDegradedWhileETDFails() async throws {
        let clock = TestClock()
        try await withTemporaryStore(clock: clock) { store in
            let peerError = "ETD did not answer /v1/messages/search at etd.internal.example after 5 attempts"
            try await store.recordFailure(at: clock.now, error: peerError)
            var configuration = ServerConfiguration(port: 0)
            configuration.adminToken = Self.token
            configuration.etdPollingEnabled = true
            let app = try buildApplication(store: store, configuration: configuration, logger: Logger(label: "test"), clock: clock.function)
            try await app.test(.ahc(.http)) { client in
                for path in ["/health/feeds", "/health/etd"] {
                    let response = try await client.execute(uri: path, method: .get)
                    let text = String(buffer: response.body)
                    #expect(text.contains(#""status":"degraded""#), "\(path): \(text)")
                    #expect(!text.contains("etd.internal.example"))
                    let admin = try await client.execute(uri: path, method: .get, headers: [.authorization: "Bearer \(Self.token)"])
                    #expect(String(buffer: admin.body).contains("etd.internal.example"))
                }
            }
        }
    }

    @Test func loopbackAddressesAreRecognised() {
        #expect(AdminAccess.isLoopback("127.0.0.1"))
        #expect(AdminAccess.isLoopback("127.8.9.10"))
        #expect(AdminAccess.isLoopback("::1"))
        #expect(AdminAccess.isLoopback("::ffff:127.0.0.1"))
        #expect(!AdminAccess.isLoopback("10.0.0.1"))
        #expect(!AdminAccess.isLoopback("1127.0.0.1"))
        #expect(!AdminAccess.isLoopback("::ffff:10.0.0.1"))
        #expect(!AdminAccess.isLoopback("unknown"))
    }
}
