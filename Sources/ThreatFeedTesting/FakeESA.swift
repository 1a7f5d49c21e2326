import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// A fake Secure Email Gateway (AsyncOS API) on a loopback port: `POST {prefix}/login` and the
/// spam-quarantine blocklist and safelist by sender (`GET` view, `POST` append, `DELETE`), kept in
/// memory. Same login, token and error envelope as `FakeSMA`; faults are injected on the list calls
/// (`.quarantine`) or the login, with `FakeSMAFault`.
public final class FakeESA: Sendable {
    public static let username = "esaapi"
    public static let passphrase = "Example-ESA-Passphrase-do-not-log"

    /// One list request as received, and the status it got (nil while held by `.stall`).
    public struct Received: Sendable {
        public var method: String
        public var list: String
        public var body: Data
        public var answerStatus: Int?

        public var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] }
    }

    private struct State {
        var faults: [FakeESAKey: [FakeSMAFault]] = [:]
        var tokens: Set<String> = []
        var logins = 0
        /// List ("blocklist"/"safelist") → sender → recipients.
        var lists: [String: [String: Set<String>]] = [:]
        var received: [Received] = []
        var stalled = 0
        var released = false
        var stopping = false
    }

    private enum FakeESAKey: Hashable { case login, quarantine }

    private let state = Mutex(State())
    public let prefix: String

    public init(prefix: String = "/esa/api/v2.0") { self.prefix = prefix }

    public func inject(_ fault: FakeSMAFault, onLogin: Bool = false, times: Int = 1) {
        state.withLock { $0.faults[onLogin ? .login : .quarantine, default: []] += Array(repeating: fault, count: times) }
    }

    public var logins: Int { state.withLock { $0.logins } }
    public var received: [Received] { state.withLock { $0.received } }
    /// Changing requests (POST, DELETE) that arrived.
    public var changes: [Received] { received.filter { $0.method != "GET" } }
    public var stalledRequests: Int { state.withLock { $0.stalled } }
    public func release() { state.withLock { $0.released = true } }
    public func expireAllTokens() { state.withLock { $0.tokens.removeAll() } }

    /// The senders on a list, and their recipients.
    public func entries(_ list: String = "blocklist") -> [String: Set<String>] { state.withLock { $0.lists[list] ?? [:] } }

    /// An entry the administrator made on the appliance.
    public func addEntry(sender: String, recipients: [String], list: String = "blocklist") {
        state.withLock { $0.lists[list, default: [:]][sender, default: []].formUnion(recipients) }
    }

    // MARK: Running

    public func run<T: Sendable>(port: Int, _ body: @Sendable @escaping () async throws -> T) async throws -> T {
        let router = Router()
        router.post("\(prefix)/login") { request, _ in try await self.login(request) }
        for list in ["blocklist", "safelist"] {
            router.get("\(prefix)/quarantine/\(list)") { request, _ in try await self.quarantine(request, list: list) }
            router.post("\(prefix)/quarantine/\(list)") { request, _ in try await self.quarantine(request, list: list) }
            router.delete("\(prefix)/quarantine/\(list)") { request, _ in try await self.quarantine(request, list: list) }
        }
        state.withLock { $0.stopping = false }
        return try await serveOnLoopback(router, port: port, label: "fake-esa", stopping: { self.state.withLock { $0.stopping = true } }, body)
    }

    // MARK: Handlers

    private func login(_ request: Request) async throws -> Response {
        if let fault = take(.login), let response = await serve(fault) { return response }
        let body = try await request.body.collect(upTo: 1 << 16)
        guard let object = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any],
            let data = object["data"] as? [String: Any], let user = data["userName"] as? String, let pass = data["passphrase"] as? String,
            Self.decode(user) == Self.username, Self.decode(pass) == Self.passphrase
        else { return FakeSMA.error(401) }
        let token = "esa." + UUID().uuidString
        state.withLock {
            $0.tokens.insert(token)
            $0.logins += 1
        }
        return Self.json(200, ["data": ["userName": Self.username, "is2FactorRedirectRequired": false, "role": "Administrator", "jwtToken": token] as [String: Any]])
    }

    private func quarantine(_ request: Request, list: String) async throws -> Response {
        let token = request.headers[HTTPField.Name("jwtToken")!]
        let body = Data(try await request.body.collect(upTo: 1 << 20).readableBytesView)
        guard let token, state.withLock({ $0.tokens.contains(token) }) else { return FakeSMA.error(401) }
        let fault = take(.quarantine)
        if fault == .expiredToken {
            state.withLock { _ = $0.tokens.remove(token) }
            return FakeSMA.error(401)
        }
        let method = request.method.rawValue
        let index = state.withLock { state -> Int in
            state.received.append(Received(method: method, list: list, body: body, answerStatus: nil))
            return state.received.count - 1
        }
        var response: Response
        if let fault, let faulted = await serve(fault) {
            response = faulted
        } else {
            response = apply(method: method, list: list, query: request.uri.queryParameters, body: body)
        }
        let status = Int(response.status.code)
        state.withLock { $0.received[index].answerStatus = status }
        return response
    }

    /// The list operation itself, as AsyncOS answers it.
    private func apply(method: String, list: String, query: Parameters, body: Data) -> Response {
        if method == "GET" {
            guard query["action"] == "view", query["viewBy"] == "sender" else {
                return FakeSMA.error(400, message: "Bad Request.", explanation: "400 = action=view and viewBy=sender are required here.")
            }
            let entries = self.entries(list).sorted { $0.key < $1.key }
            let offset = query["offset"].flatMap { Int($0) } ?? 0
            let limit = query["limit"].flatMap { Int($0) } ?? 25
            let page = entries.dropFirst(offset).prefix(limit).map { ["senderAddress": $0.key, "recipientList": $0.value.sorted()] as [String: Any] }
            return Self.json(200, ["meta": ["totalCount": entries.count], "data": Array(page)])
        }
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any],
            object["quarantineType"] as? String == "spam", object["viewBy"] as? String == "sender"
        else { return FakeSMA.error(400, message: "Bad Request.", explanation: "400 = quarantineType spam and viewBy sender are required.") }
        if method == "POST" {
            guard object["action"] as? String == "append", let senders = object["senderAddresses"] as? [String], !senders.isEmpty,
                let recipients = object["recipientList"] as? [String], !recipients.isEmpty
            else { return FakeSMA.error(400, message: "Bad Request.", explanation: "400 = Invalid append request.") }
            let added = state.withLock { state -> Bool in
                var changed = false
                for sender in senders {
                    let before = state.lists[list]?[sender] ?? []
                    if !before.isSuperset(of: recipients) {
                        state.lists[list, default: [:]][sender, default: []].formUnion(recipients)
                        changed = true
                    }
                }
                return changed
            }
            guard added else { return FakeSMA.error(409, message: "Conflict.", explanation: "409 = The sender is already in the list.") }
            return Self.json(200, ["data": ["action": "append", "senderAddresses": senders, "recipientList": recipients] as [String: Any]])
        }
        guard let senders = object["senderList"] as? [String], !senders.isEmpty else {
            return FakeSMA.error(400, message: "Bad Request.", explanation: "400 = senderList is required.")
        }
        let removed = state.withLock { state -> Bool in
            var any = false
            for sender in senders where state.lists[list]?.removeValue(forKey: sender) != nil { any = true }
            return any
        }
        guard removed else { return FakeSMA.error(404, message: "Not Found.", explanation: "404 = Nothing matches the given URI.") }
        return Self.json(200, ["data": ["senderList": senders]])
    }

    private func serve(_ fault: FakeSMAFault) async -> Response? {
        if fault == .stall {
            state.withLock { $0.stalled += 1 }
            while !state.withLock({ $0.stopping || $0.released }) { try? await Task.sleep(for: .milliseconds(20)) }
            state.withLock { $0.stalled -= 1 }
        }
        return fault.cannedResponse(badRequest: "400 = Invalid value for senderAddresses.")
    }

    private func take(_ key: FakeESAKey) -> FakeSMAFault? {
        state.withLock { state in
            guard var queue = state.faults[key], !queue.isEmpty else { return nil }
            let fault = queue.removeFirst()
            state.faults[key] = queue
            return fault
        }
    }

    private static func decode(_ base64: String) -> String? { Data(base64Encoded: base64).map { String(decoding: $0, as: UTF8.self) } }

    private static func json(_ status: Int, _ object: [String: Any]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data("{}".utf8)
        return Response(
            status: HTTPResponse.Status(code: status), headers: [.contentType: "application/json", .contentLength: String(data.count)],
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}
