import Foundation
import Hummingbird
import NIOCore
import ThreatFeedCore
import ThreatFeedStore

/// `GET /metrics` (Prometheus) and `GET /health/clients` ("is my gateway polling?").
///
/// `/metrics` answers loopback clients, or anyone with `Authorization: Bearer <metrics token>` when one is
/// configured. `/health/clients` shows client addresses and their first requests, so it needs the admin token.
struct ObservabilityController: Sendable {
    let store: Store
    let metrics: ServerMetrics
    let recorder: PollRecorder
    let configuration: ServerConfiguration
    let clock: @Sendable () -> Date

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/metrics") { request, context in
            guard Self.allowed(request, context, token: configuration.metricsToken, loopbackWithoutToken: true) else {
                return Self.denied(configuration.metricsToken == nil ? "metrics are served to loopback clients only; set a metrics token to scrape from elsewhere" : "wrong or missing bearer token")
            }
            let body = try await metrics.render(store: store, now: clock(), etdPollingEnabled: configuration.etdPollingEnabled)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: body))
            )
        }
        router.get("/health/clients") { request, context in
            guard configuration.adminToken != nil else {
                return Self.denied("set an admin token (THREATFEED_ADMIN_TOKEN) to see clients", status: .notFound)
            }
            guard Self.allowed(request, context, token: configuration.adminToken, loopbackWithoutToken: false) else {
                return Self.denied("wrong or missing bearer token")
            }
            let page: ClientsPage
            do { page = try ClientsPage(query: request.uri.queryParameters) } catch { return Self.denied("\(error)", status: .badRequest) }
            let (polls, samples, total) = try await recorder.snapshot(limit: page.limit, offset: page.offset)
            var object: [String: Any] = [
                "clients": polls.map(Self.json),
                "first_requests": samples.map(Self.json),
                "total": total, "limit": page.limit, "offset": page.offset,
            ]
            if page.offset + polls.count < total { object["next_offset"] = page.offset + polls.count }
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
            return Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: data))
            )
        }
    }

    static func allowed(_ request: Request, _ context: AppRequestContext, token: String?, loopbackWithoutToken: Bool) -> Bool {
        AdminAccess.allowed(request, context, token: token, loopbackWithoutToken: loopbackWithoutToken)
    }

    static func denied(_ message: String, status: HTTPResponse.Status = .forbidden) -> Response {
        let body = ByteBuffer(string: JSONString.object(["error": message]))
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: body))
    }

    static func json(_ poll: ClientPoll) -> [String: Any] {
        var object: [String: Any] = [
            "feed": poll.feed, "client": poll.client, "kind": poll.kind.rawValue, "outcome": poll.outcome.rawValue,
            "first_seen": Timestamps.iso8601Milli(poll.firstSeen), "last_seen": Timestamps.iso8601Milli(poll.lastSeen),
            "polls": poll.polls, "failures": poll.failures,
        ]
        if let served = poll.served { object["served"] = served }
        return object
    }

    static func json(_ sample: RequestSample) -> [String: Any] {
        [
            "client": sample.client, "at": Timestamps.iso8601Milli(sample.at), "method": sample.method, "target": sample.target,
            "headers": sample.headers, "body_prefix": sample.bodyPrefix,
        ]
    }
}
