import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// A fake Secure Email and Web Manager (AsyncOS API) on a loopback port: `POST {prefix}/login`
/// and `POST {prefix}/remediation`, built from `shared/fixtures/sma/`. The login checks the Base64
/// user name and passphrase and issues a JWT-looking token that expires after `inactivityTimeout`
/// without use (401 with the AsyncOS envelope afterwards, or when missing); every remediation
/// request that arrives is recorded, with the answer it got. Faults are injected per endpoint.
public final class FakeSMA: Sendable {
    public static let username = "smaapi"
    public static let passphrase = "Example-Passphrase-1-do-not-log"

    /// One remediation request as received, and what it was answered (nil while held by `.stall`).
    public struct Received: Sendable {
        /// The JSON body as sent.
        public var body: Data
        public var jwtToken: String?
        public var answerStatus: Int?

        /// `data.message_details[].message_id`.
        public var messageIDs: [String] {
            guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
                let data = object["data"] as? [String: Any], let details = data["message_details"] as? [[String: Any]]
            else { return [] }
            return details.compactMap { $0["message_id"] as? String }
        }

        public var json: [String: Any]? {
            ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any])?["data"] as? [String: Any]
        }
    }

    private struct State {
        var faults: [FakeSMAEndpoint: [FakeSMAFault]] = [:]
        /// Token → last use.
        var tokens: [String: Date] = [:]
        var logins = 0
        var failedLogins = 0
        var received: [Received] = []
        var stalled = 0
        var released = false
        var stopping = false
    }

    private let state = Mutex(State())
    public let prefix: String
    public let inactivityTimeout: Double
    private let now: @Sendable () -> Date

    public init(prefix: String = "/sma/api/v2.0", inactivityTimeout: Double = 1800, now: @escaping @Sendable () -> Date = { Date() }) {
        self.prefix = prefix
        self.inactivityTimeout = inactivityTimeout
        self.now = now
    }

    public func inject(_ fault: FakeSMAFault, on endpoint: FakeSMAEndpoint, times: Int = 1) {
        state.withLock { $0.faults[endpoint, default: []] += Array(repeating: fault, count: times) }
    }

    public var logins: Int { state.withLock { $0.logins } }
    public var failedLogins: Int { state.withLock { $0.failedLogins } }
    /// Every remediation request that arrived, in order (faulted and held ones included).
    public var received: [Received] { state.withLock { $0.received } }
    /// Requests answered 2xx: what SMA would have acted on.
    public var accepted: [Received] { received.filter { ($0.answerStatus ?? 0) / 100 == 2 } }
    /// Requests currently held by `.stall`.
    public var stalledRequests: Int { state.withLock { $0.stalled } }

    /// Lets held requests answer (200).
    public func release() { state.withLock { $0.released = true } }

    /// Forgets every token, as an appliance restart would.
    public func expireAllTokens() { state.withLock { $0.tokens.removeAll() } }

    // MARK: Running

    /// Serves on `port` (see `freeLoopbackPort`) while `body` runs.
    public func run<T: Sendable>(port: Int, _ body: @Sendable @escaping () async throws -> T) async throws -> T {
        let router = Router()
        router.post("\(prefix)/login") { request, _ in try await self.login(request) }
        router.post("\(prefix)/remediation") { request, _ in try await self.remediation(request) }
        state.withLock { $0.stopping = false }
        return try await serveOnLoopback(router, port: port, label: "fake-sma", stopping: { self.state.withLock { $0.stopping = true } }, body)
    }

    // MARK: Handlers

    private func login(_ request: Request) async throws -> Response {
        let fault = takeFault(.login)
        if let fault, let response = try await serve(fault, received: nil) { return response }
        let body = try await request.body.collect(upTo: 1 << 16)
        guard let object = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any],
            let data = object["data"] as? [String: Any], let user = data["userName"] as? String, let pass = data["passphrase"] as? String,
            Self.decode(user) == Self.username, Self.decode(pass) == Self.passphrase
        else {
            state.withLock { $0.failedLogins += 1 }
            return Self.error(401)
        }
        let token = Self.jwt()
        let time = now()
        state.withLock {
            $0.tokens[token] = time
            $0.logins += 1
        }
        return Self.json(200, [
            "data": [
                "userName": Self.username, "is2FactorRedirectRequired": false, "role": "Administrator", "email": [String](),
                "jwtToken": token,
            ] as [String: Any]
        ])
    }

    private func remediation(_ request: Request) async throws -> Response {
        let token = request.headers[HTTPField.Name("jwtToken")!]
        let body = Data(try await request.body.collect(upTo: 1 << 20).readableBytesView)
        // The token first, as the appliance does: a refused token is not a received request.
        let time = now()
        let valid = state.withLock { state -> Bool in
            guard let token, let last = state.tokens[token] else { return false }
            guard time.timeIntervalSince(last) <= inactivityTimeout else {
                state.tokens[token] = nil
                return false
            }
            state.tokens[token] = time
            return true
        }
        guard valid else { return Self.error(401) }
        let fault = takeFault(.remediation)
        if fault == .expiredToken {
            state.withLock { _ = $0.tokens.removeValue(forKey: token ?? "") }
            return Self.error(401)
        }
        let index = state.withLock { state -> Int in
            state.received.append(Received(body: body, jwtToken: token, answerStatus: nil))
            return state.received.count - 1
        }
        var response: Response
        if let fault, let faulted = try await serve(fault, received: index) {
            response = faulted
        } else if (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] == nil {
            response = Self.error(400, message: "Bad Request.", explanation: "400 = The request body is not valid JSON.")
        } else {
            response = Self.json(200, ["data": ["batch_id": UUID().uuidString.lowercased(), "message": "Remediation request submitted."]])
        }
        let status = Int(response.status.code)
        state.withLock { $0.received[index].answerStatus = status }
        return response
    }

    /// The response for a fault; nil for `passThrough` and a released `stall` (the normal answer follows).
    private func serve(_ fault: FakeSMAFault, received: Int?) async throws -> Response? {
        if fault == .stall {
            state.withLock { $0.stalled += 1 }
            while !state.withLock({ $0.stopping || $0.released }) { try? await Task.sleep(for: .milliseconds(20)) }
            state.withLock { $0.stalled -= 1 }
        }
        return fault.cannedResponse(badRequest: "400 = Invalid value for message_details.")
    }

    private func takeFault(_ endpoint: FakeSMAEndpoint) -> FakeSMAFault? {
        state.withLock { state in
            guard var queue = state.faults[endpoint], !queue.isEmpty else { return nil }
            let fault = queue.removeFirst()
            state.faults[endpoint] = queue
            return fault
        }
    }

    private static func decode(_ base64: String) -> String? {
        Data(base64Encoded: base64).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Header.payload.signature, Base64url, like the appliance's HS256 tokens (the signature is random).
    private static func jwt() -> String {
        func url(_ data: Data) -> String {
            data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
        }
        let header = url(Data(#"{"alg":"HS256","typ":"JWT"}"#.utf8))
        let payload = url(Data(#"{"userName":"\#(username)","jti":"\#(UUID().uuidString)"}"#.utf8))
        let signature = url(Data((0..<32).map { _ in UInt8.random(in: 0...255) }))
        return "\(header).\(payload).\(signature)"
    }

    /// The AsyncOS error envelope (`code` is a string), as in `error-401.json`.
    static func error(_ status: Int, message: String = "Unauthorized.", explanation: String = "401 = No permission -- see authorization schemes.") -> Response {
        json(status, ["error": ["message": message, "code": String(status), "explanation": explanation]])
    }

    private static func json(_ status: Int, _ object: [String: Any]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data("{}".utf8)
        return Response(
            status: HTTPResponse.Status(code: status),
            headers: [.contentType: "application/json", .contentLength: String(data.count)],
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}
