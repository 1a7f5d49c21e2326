import Foundation
import Hummingbird
import NIOCore
import ThreatFeedCore
import ThreatFeedFormats

/// A Cisco XDR relay module under `/xdr/`: `POST /xdr/health`, `/xdr/observe/observables`,
/// `/xdr/deliberate/observables`, `/xdr/refer/observables` (xdr-relay-ctim.md §2). Every call carries
/// `Authorization: Bearer <JWT>` (HS256, `xdr.key`); refusals are answered as the relay template does:
/// HTTP 200 with the error in the JSON envelope (see `CTIMRelayRenderer.error`).
struct XDRController: Sendable {
    let store: any ObservableLookups
    let jwt: RelayJWT
    let renderer: CTIMRelayRenderer
    let configuration: XDRConfiguration
    let maxBodyBytes: Int
    let clock: @Sendable () -> Date

    func addRoutes(to router: Router<AppRequestContext>) {
        let group = router.group("xdr")
        group.post("health") { request, _ in
            if let refusal = authorize(request) { return refusal }
            return Self.answer(CTIMRelayRenderer.json(["data": ["status": "ok"]]))
        }
        group.post("observe/observables") { request, _ in
            try await relay(request) { renderer.observe(try await store.lookup($0, now: clock())) }
        }
        group.post("deliberate/observables") { request, _ in
            try await relay(request) { renderer.deliberate(try await store.lookup($0, now: clock())) }
        }
        group.post("refer/observables") { request, _ in
            try await relay(request) { renderer.refer($0) }
        }
    }

    private func relay(_ request: Request, _ body: ([LookupSubject]) async throws -> Data) async throws -> Response {
        if let refusal = authorize(request) { return refusal }
        let collected: ByteBuffer?
        do {
            collected = try await TAXIIController.collect(request.body, upTo: maxBodyBytes)
        } catch is RequestBodyDeadline.Exceeded {
            return Self.invalidArgument("the request body did not arrive in time")
        }
        guard let buffer = collected else { return Self.invalidArgument("body larger than \(maxBodyBytes) bytes") }
        let subjects: [LookupSubject]
        do throws(LookupRequestBody.Problem) {
            subjects = try LookupRequestBody.subjects(
                from: Data(buffer.readableBytesView), maxObservables: configuration.maxObservables, unknownTypes: .ignore, allowText: false
            )
        } catch {
            return Self.invalidArgument(error.message)
        }
        return Self.answer(try await body(subjects))
    }

    /// Nil when the bearer JWT is good.
    private func authorize(_ request: Request) -> Response? {
        do throws(RelayJWT.Refusal) {
            _ = try jwt.verify(authorization: request.headers[.authorization], now: clock())
            return nil
        } catch {
            return Self.answer(CTIMRelayRenderer.error(code: "authorization error", message: "Authorization failed: \(error.message)"))
        }
    }

    static func invalidArgument(_ message: String) -> Response {
        answer(CTIMRelayRenderer.error(code: "invalid argument", message: "Invalid JSON payload received. \(message)"))
    }

    static func answer(_ data: Data) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
