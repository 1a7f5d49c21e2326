import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import Testing
import ThreatFeedCore
import ThreatFeedServer
import ThreatFeedStore
import ThreatFeedTesting

/// How the ETD tests see a feed as a gateway does: the real server over `store` on a loopback port, for as long as
/// `body` runs.
func withServedStore<T: Sendable>(
    _ store: Store, clock: @escaping @Sendable () -> Date, _ body: @escaping @Sendable (Int) async throws -> T
) async throws -> T {
    let port = try freeLoopbackPort()
    let (started, signal) = AsyncStream<Int>.makeStream()
    var logger = Logger(label: "server")
    logger.logLevel = .critical
    let app = try buildApplication(
        store: store, configuration: ServerConfiguration(host: "127.0.0.1", port: port), logger: logger,
        clock: clock, onServerRunning: { signal.yield($0) }
    )
    return try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask {
            try await app.runService(gracefulShutdownSignals: [])
            return nil
        }
        for await _ in started { break }
        defer { group.cancelAll() }
        return try await body(port)
    }
}

/// `/ctia/feed/<id>/view`: the observables as the JSON lists them.
func ctiaView(port: Int, feed: Feed) async throws -> [(type: String, value: String)] {
    let request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/ctia/feed/\(feed.id)/view?s=\(feed.secret.reveal)")
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
    #expect(response.status.code == 200)
    let body = try await response.body.collect(upTo: 16 << 20)
    struct View: Decodable {
        struct Item: Decodable { var type: String; var value: String }
        var observables: [Item]
    }
    return try JSONDecoder().decode(View.self, from: Data(body.readableBytesView)).observables.map { ($0.type, $0.value) }
}
