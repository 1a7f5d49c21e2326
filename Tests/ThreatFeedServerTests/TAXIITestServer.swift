import Foundation
import Synchronization
import Hummingbird
import HummingbirdTesting
import Logging
import ThreatFeedCore
import ThreatFeedStore
import ThreatFeedTesting

@testable import ThreatFeedServer

/// A store with one feed (collection `esa-feed`, as in the shared fixtures) granted to user `gateway`,
/// served for real on a loopback port whose public URL is known before start (discovery advertises it).
struct TAXIITestServer {
    static let password = "correct-horse-battery"
    let directory: TemporaryDirectory
    let clock: TestClock
    let store: Store
    let feed: Feed
    let indicatorID: String
    let port: Int
    let logs: CapturedLogs
    /// Opens `/health/clients` and the health detail to `Authorization: Bearer <this>`.
    static let adminToken = "test-admin-token-4c1f"

    var base: String { "http://127.0.0.1:\(port)" }

    init(maxPartSize: Int? = nil) throws {
        directory = try TemporaryDirectory()
        clock = TestClock()
        store = try Store(path: directory.file("taxii.sqlite"), clock: clock.function)
        // Cost 4 keeps the suite fast; the production cost is checked by the CLI tests.
        let hash = try Passwords.hash(Self.password, cost: 4)
        (feed, indicatorID) = try store.writeNow { writer in
            let (indicator, _) = try writer.indicator(named: try EntityName("blocklist"))
            let feed = Feed(
                name: try EntityName("esa"), indicatorID: indicator.id, collectionName: "esa-feed", maxPartSize: maxPartSize,
                created: writer.now
            )
            try writer.create(feed)
            try writer.create(User(name: try EntityName("gateway"), passwordHash: hash, created: writer.now))
            try writer.create(User(name: try EntityName("other"), passwordHash: hash, created: writer.now))
            try writer.grant(feed: feed.name, toUser: try EntityName("gateway"))
            return (feed, indicator.id)
        }
        port = try freeLoopbackPort()
        logs = CapturedLogs()
    }

    /// Records `values` now, valid for 30 days, one judgement each.
    @discardableResult
    func record(_ values: [String], source: String = "test") throws -> [Observable] {
        let observables = try values.map { try Observable(parsing: $0) }
        try store.writeNow { writer in
            for observable in observables {
                try writer.record(
                    Judgement(
                        observable: observable, source: source, reason: "test: \(observable.value)",
                        validTime: ValidTime(start: writer.now, end: writer.now.addingTimeInterval(30 * 86_400))
                    ),
                    in: indicatorID
                )
            }
        }
        return observables
    }

    /// Starts the server on `port` (HummingbirdTesting's live mode would pick its own port, but discovery must
    /// advertise the real one), runs `body`, stops it.
    func run(_ body: @escaping @Sendable () async throws -> Void) async throws {
        let (started, signal) = AsyncStream<Int>.makeStream()
        var configuration = ServerConfiguration(host: "127.0.0.1", port: port, publicURL: base)
        configuration.adminToken = Self.adminToken
        let app = try buildApplication(
            store: store,
            configuration: configuration,
            logger: logs.logger(), clock: clock.function,
            onServerRunning: { port in signal.yield(port) }
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService(gracefulShutdownSignals: []) }
            for await _ in started { break }
            do {
                try await body()
            } catch {
                group.cancelAll()
                throw error
            }
            group.cancelAll()
        }
    }

    /// One raw exchange through `Tests/Clients/taxii_exchange.py`.
    func exchange(
        _ path: String, body: String, user: String? = nil, password: String = TAXIITestServer.password, extra: [String] = []
    ) async throws -> [String: Any] {
        let url = base + path
        var arguments = [url, "-"] + extra
        if let user { arguments += ["--user", user, "--password", password] }
        let fixed = arguments
        let text = try await onThread { try PythonClients.output("taxii_exchange.py", fixed, stdin: Data(body.utf8)) }
        return try PythonClients.decode(text, from: "taxii_exchange.py")
    }

    /// A cabby Python API call through `Tests/Clients/cabby_client.py`.
    func cabby(_ arguments: [String]) async throws -> [String: Any] {
        let text = try await onThread { try PythonClients.output("cabby_client.py", arguments) }
        return try PythonClients.decode(text, from: "cabby_client.py")
    }

    static func pollRequest(
        collection: String = "esa-feed", id: String = "42", begin: String? = nil, end: String? = nil, bindings: [String] = [],
        countOnly: Bool = false
    ) -> String {
        var text = #"<taxii_11:Poll_Request xmlns:taxii_11="http://taxii.mitre.org/messages/taxii_xml_binding-1.1" message_id="\#(id)" collection_name="\#(collection)">"#
        if let begin { text += "<taxii_11:Exclusive_Begin_Timestamp>\(begin)</taxii_11:Exclusive_Begin_Timestamp>" }
        if let end { text += "<taxii_11:Inclusive_End_Timestamp>\(end)</taxii_11:Inclusive_End_Timestamp>" }
        text += #"<taxii_11:Poll_Parameters allow_asynch="false"><taxii_11:Response_Type>\#(countOnly ? "COUNT_ONLY" : "FULL")</taxii_11:Response_Type>"#
        for binding in bindings { text += #"<taxii_11:Content_Binding binding_id="\#(binding)"/>"# }
        return text + "</taxii_11:Poll_Parameters></taxii_11:Poll_Request>"
    }

    static func fixture(_ name: String) throws -> String {
        let url = PythonClients.packageRoot.appendingPathComponent("Tests/ThreatFeedFormatsTests/Fixtures/taxii11/\(name)")
        return try String(contentsOf: url, encoding: .utf8)
    }
}

/// Every log line the server under test writes, to prove what never appears in them.
final class CapturedLogs: Sendable {
    private let lines = Mutex<[String]>([])

    var all: [String] { lines.withLock { $0 } }

    func logger() -> Logger {
        Logger(label: "threatfeed-test") { _ in CapturingHandler(sink: self) }
    }

    func append(_ line: String) { lines.withLock { $0.append(line) } }

    private struct CapturingHandler: LogHandler {
        let sink: CapturedLogs
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            sink.append("\(event.level) \(event.message) \(merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))")
        }
    }
}
