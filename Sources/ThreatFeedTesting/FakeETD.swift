import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// A fake Cisco ETD API on a loopback port: `POST /v1/oauth/token` and `POST /v1/messages/search`
/// served from a data set, paged, with faults injected on demand. It checks what the real service
/// checks (Basic credentials, x-api-key, bearer tokens it issued, the search body) and counts every
/// request, so tests can assert the client's token reuse and its rate (2/s, burst 4).
public final class FakeETD: Sendable {
    public static let clientID = "fake-client-id"
    public static let clientSecret = "fake-client-secret-do-not-log"
    public static let apiKey = "fake-api-key-do-not-log"

    /// What the fake has seen.
    public struct Counts: Sendable, Equatable {
        public var tokenRequests = 0
        public var searchRequests = 0
        /// Requests that exceeded 2/s with burst 4 (with `rateAllowance` for jitter between sending and arrival).
        public var rateViolations = 0
        /// Search requests answered with messages, by page token ("" for first pages).
        public var pagesServed = 0
    }

    private struct State {
        var messages: [FakeETDMessage] = []
        var faults: [FakeETDEndpoint: [FakeETDFault]] = [:]
        var tokens: Set<String> = []
        var counts = Counts()
        var bucket = 4.0
        var bucketTime: Date?
        var stopping = false
        var stalled = 0
    }

    private let state = Mutex(State())
    /// Largest page the fake returns, whatever the client asks: small pages make many pages.
    public let maxPageSize: Int
    /// The fake's "now", to reject windows that end in the future (tests pass their TestClock).
    private let now: @Sendable () -> Date
    /// Whether to count rate violations (only meaningful when the client runs on the real clock).
    public let checksRate: Bool
    /// Tokens of debt tolerated before a request counts as a violation (0.5 = 250 ms early at 2/s).
    public let rateAllowance = 1.0

    public init(messages: [FakeETDMessage] = [], maxPageSize: Int = 100, checksRate: Bool = false, now: @escaping @Sendable () -> Date = { Date() }) {
        self.maxPageSize = maxPageSize
        self.now = now
        self.checksRate = checksRate
        state.withLock { $0.messages = messages }
    }

    public var counts: Counts { state.withLock { $0.counts } }
    /// Requests currently held by a `.stall` fault.
    public var stalledRequests: Int { state.withLock { $0.stalled } }

    public func inject(_ fault: FakeETDFault, on endpoint: FakeETDEndpoint, times: Int = 1) {
        state.withLock { $0.faults[endpoint, default: []] += Array(repeating: fault, count: times) }
    }

    public var pendingFaults: Int { state.withLock { $0.faults.values.reduce(0) { $0 + $1.count } } }

    public func add(_ messages: [FakeETDMessage]) { state.withLock { $0.messages += messages } }

    /// Changes a message's verdict after the fact, as an analyst or a retrospective verdict does.
    public func reclassify(messageID: String, to verdict: String) {
        state.withLock { state in
            guard let index = state.messages.firstIndex(where: { $0.id == messageID }) else { return }
            state.messages[index].verdict = verdict
        }
    }

    public var messages: [FakeETDMessage] { state.withLock { $0.messages } }

    // MARK: Running

    /// Serves on `port` (see `freeLoopbackPort`) while `body` runs.
    public func run<T: Sendable>(port: Int, _ body: @Sendable @escaping () async throws -> T) async throws -> T {
        let router = Router()
        router.post("/v1/oauth/token") { request, _ in try await self.token(request) }
        router.post("/v1/messages/search") { request, _ in try await self.search(request) }
        state.withLock { $0.stopping = false }
        return try await serveOnLoopback(router, port: port, label: "fake-etd", stopping: { self.state.withLock { $0.stopping = true } }, body)
    }

    // MARK: Handlers

    private func token(_ request: Request) async throws -> Response {
        countAndMeter(\.tokenRequests)
        if let fault = takeFault(.token), let response = try await serve(fault) { return response }
        guard request.headers[HTTPField.Name("x-api-key")!] == Self.apiKey else { return Self.json(403, ["message": "Forbidden"]) }
        let expected = "Basic " + Data("\(Self.clientID):\(Self.clientSecret)".utf8).base64EncodedString()
        guard request.headers[.authorization] == expected else { return Self.json(401, ["message": "Unauthorized"]) }
        let token = "fake-token-\(UUID().uuidString)"
        state.withLock { _ = $0.tokens.insert(token) }
        return Self.json(200, ["accessToken": token])
    }

    private func search(_ request: Request) async throws -> Response {
        countAndMeter(\.searchRequests)
        let fault = takeFault(.search)
        if let fault, let response = try await serve(fault) { return response }
        guard request.headers[HTTPField.Name("x-api-key")!] == Self.apiKey else { return Self.json(403, ["message": "Forbidden"]) }
        let bearer = request.headers[.authorization] ?? ""
        let known = state.withLock { $0.tokens.contains(String(bearer.dropFirst("Bearer ".count))) }
        guard bearer.hasPrefix("Bearer "), known else { return Self.json(401, ["message": "Unauthorized"]) }

        let body = try await request.body.collect(upTo: 1 << 20)
        guard let object = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any],
            let window = object["timestamp"] as? [String], window.count == 2,
            let start = Self.parseTime(window[0]), let end = Self.parseTime(window[1])
        else { return Self.json(400, ["error": "timestamp must be [start, end] in ISO-8601 UTC"]) }
        guard start < end, end.timeIntervalSince(start) <= 32 * 86_400 else {
            return Self.json(400, ["error": "invalid timestamp range: start must be before end and the range at most 32 days"])
        }
        guard end <= now().addingTimeInterval(1) else {
            return Self.json(400, ["error": "invalid timestamp range: the end of the range must not be later than the current time"])
        }
        let pageSize = object["pageSize"] as? Int ?? 100
        guard (1...100).contains(pageSize) else { return Self.json(400, ["error": "pageSize must be between 1 and 100"]) }
        let verdicts = Set((object["verdicts"] as? [String]) ?? [])
        let offset = (object["pageToken"] as? String).flatMap { Int($0.dropFirst("page-".count)) } ?? 0

        let hits = state.withLock { state in
            state.messages
                .filter { $0.time >= start && $0.time <= end && (verdicts.isEmpty || verdicts.contains($0.verdict)) }
                .sorted { ($0.time, $0.id) < ($1.time, $1.id) }
        }
        let size = min(pageSize, maxPageSize)
        let page = Array(hits.dropFirst(offset).prefix(size))
        var messages = page.map { $0.jsonObject() }
        if fault == .messageWithoutID, !messages.isEmpty { messages[0].removeValue(forKey: "id") }
        var envelope: [String: Any] = ["data": ["messages": messages], "totalSize": hits.count]
        if offset + size < hits.count { envelope["nextPageToken"] = "page-\(offset + size)" }
        if fault == .endlessPages { envelope["nextPageToken"] = "page-0" }
        if !page.isEmpty { state.withLock { $0.counts.pagesServed += 1 } }
        return Self.json(200, envelope)
    }

    /// The response for a fault, or nil when the fault only delays (then the normal answer follows)
    /// or changes the body (`messageWithoutID`).
    private func serve(_ fault: FakeETDFault) async throws -> Response? {
        switch fault {
        case .expiredToken: return Self.json(401, ["message": "Unauthorized"])
        case .badAPIKey: return Self.json(403, ["message": "Forbidden"])
        case .tooManyRequests(let seconds):
            var response = Self.json(429, ["message": "Too Many Requests"])
            response.headers[.retryAfter] = String(seconds)
            return response
        case .serverError(let status): return Self.json(status, ["message": "Bad Gateway"])
        case .hang(let seconds):
            try? await Task.sleep(for: .seconds(seconds))
            return nil
        case .malformedJSON:
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: "{\"data\": {\"messages\": [{\"id\": "))
            )
        case .messageWithoutID, .passThrough, .endlessPages: return nil
        case .redirect(let status, let location):
            return Response(status: .init(code: status), headers: [.location: location, .contentLength: "0"])
        case .stall:
            state.withLock { $0.stalled += 1 }
            while !state.withLock({ $0.stopping }) { try? await Task.sleep(for: .milliseconds(20)) }
            return Self.json(503, ["message": "stopping"])
        }
    }

    private func takeFault(_ endpoint: FakeETDEndpoint) -> FakeETDFault? {
        state.withLock { state in
            guard var queue = state.faults[endpoint], !queue.isEmpty else { return nil }
            let fault = queue.removeFirst()
            state.faults[endpoint] = queue
            return fault
        }
    }

    /// Counts the request and meters it against ETD's documented limit: a bucket of 4 refilled at
    /// 2 per second. Arrival is not sending: on a loaded test machine a request can be held up and
    /// the next one arrive close behind it, so `rateAllowance` tokens of debt (half a second) are tolerated.
    private func countAndMeter(_ counter: WritableKeyPath<Counts, Int>) {
        let arrival = Date()
        state.withLock { state in
            state.counts[keyPath: counter] += 1
            if let last = state.bucketTime {
                state.bucket = min(4, state.bucket + arrival.timeIntervalSince(last) * 2)
            }
            state.bucketTime = arrival
            state.bucket -= 1
            if state.bucket < -rateAllowance {
                if checksRate { state.counts.rateViolations += 1 }
                state.bucket = 0
            }
        }
    }

    private static func json(_ status: Int, _ object: [String: Any]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data("{}".utf8)
        return Response(
            status: HTTPResponse.Status(code: status),
            headers: [.contentType: "application/json", .contentLength: String(data.count)],
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }

    /// ISO-8601 UTC with 0, 3 or 6 (or any number of) fractional digits, as real clients send.
    static func parseTime(_ text: String) -> Date? {
        guard text.hasSuffix("Z") else { return nil }
        var base = String(text.dropLast())
        var fraction = 0.0
        if let dot = base.firstIndex(of: ".") {
            let digits = base[base.index(after: dot)...]
            guard !digits.isEmpty, digits.allSatisfy(\.isNumber) else { return nil }
            fraction = Double("0." + digits) ?? 0
            base = String(base[..<dot])
        }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: base + "Z")?.addingTimeInterval(fraction)
    }
}
