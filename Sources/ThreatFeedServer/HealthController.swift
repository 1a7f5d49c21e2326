import Foundation
import Hummingbird
import NIOCore
import ThreatFeedCore
import ThreatFeedStore

/// `/health` (the process serves), `/health/ready` (the database answers), `/health/feeds` (what each feed holds),
/// `/health/etd` (the poller and the actions).
///
/// The first two are public. The other two name feeds, counts, appliance addresses and peer error texts, so their
/// detail goes only to the administrator (`AdminAccess`); anyone else gets the overall status alone.
struct HealthController: Sendable {
    let store: any HealthReads
    let clock: @Sendable () -> Date
    var drain = DrainState()
    /// Which background jobs this process runs, for the `enabled` flags of `/health/etd`.
    let configuration: ServerConfiguration

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/health") { _, _ in
            Self.json(["status": "ok"])
        }
        router.get("/health/ready") { _, _ in
            // Draining: in-flight answers complete, but a load balancer should send new work elsewhere.
            if drain.isDraining { return Self.json(["status": "draining"], status: .serviceUnavailable) }
            if await store.isReachable() { return Self.json(["status": "ready"]) }
            return Self.json(["status": "database unavailable"], status: .serviceUnavailable)
        }
        router.get("/health/feeds") { request, context in
            guard isAdmin(request, context) else { return try await overall() }
            return try await feeds()
        }
        router.get("/health/etd") { request, context in
            guard isAdmin(request, context) else { return try await overall() }
            return try await etd()
        }
    }

    private func isAdmin(_ request: Request, _ context: AppRequestContext) -> Bool {
        AdminAccess.allowed(request, context, token: configuration.adminToken, loopbackWithoutToken: true)
    }

    /// What the world sees: `ok`, or `degraded` while the ETD poller is failing. Nothing that names a feed or a peer.
    struct OverallHealth: Codable, Sendable {
        var status: String
        var detail: String
    }

    func overall() async throws -> Response {
        let status = try await store.etdPollStatus()
        let failing = configuration.etdPollingEnabled && status.consecutiveFailures > 0
        let detail = configuration.adminToken == nil
            ? "detail is shown to loopback clients only; set an admin token (THREATFEED_ADMIN_TOKEN) to ask from elsewhere"
            : "send Authorization: Bearer <admin token> for detail"
        return try Self.json(OverallHealth(status: failing ? "degraded" : "ok", detail: detail))
    }

    /// One entry per feed. Never the secret: this page is for monitoring, not for configuring gateways.
    struct FeedHealth: Codable, Sendable {
        var name: String
        var id: String
        var indicator: String
        var output: String
        var collection: String
        var live: Bool
        var observables: Int
        var judgements: Int
        var newestLabel: String?
        var lifetimeStart: String?
        var expires: String?

        enum CodingKeys: String, CodingKey {
            case name, id, indicator, output, collection, live, observables, judgements
            case newestLabel = "newest_label"
            case lifetimeStart = "lifetime_start"
            case expires
        }
    }

    func feeds() async throws -> Response {
        let now = clock()
        let entries = try await store.feedSummaries(at: now).map { summary in
            let feed = summary.feed
            return FeedHealth(
                name: feed.name.value, id: feed.id, indicator: summary.indicatorName ?? feed.indicatorID,
                output: feed.output.rawValue, collection: feed.collectionName, live: feed.isLive(at: now),
                observables: summary.liveObservables, judgements: summary.judgements,
                newestLabel: summary.newestLabel.map { Timestamps.iso8601Micro($0) },
                lifetimeStart: feed.lifetime.map { Timestamps.iso8601Milli($0.start) },
                expires: feed.lifetime?.end.map(Timestamps.iso8601Milli)
            )
        }
        let etdStatus = try await store.etdPollStatus()
        // The ETD poller's health next to the feeds it fills: what it held back, and how far behind it is.
        struct Body: Codable {
            var feeds: [FeedHealth]
            var etd: ConvictionChainHealth
        }
        return try Self.json(Body(feeds: entries, etd: ConvictionChainHealth(status: etdStatus, enabled: configuration.etdPollingEnabled, now: now)))
    }

    /// `/health/etd`: the poller's progress, errors and counters, and what the actions did with the convictions —
    /// the SMA remediation queue, the notifications, the gateway blocklist sync (counts by state, last error);
    /// never a credential.
    func etd() async throws -> Response {
        let configuration = self.configuration
        let now = clock()
        let chain = try await store.convictionChainStatus(blocklist: configuration.blocklistList)
        return try Self.json(
            ConvictionChainHealth(
                chain, now: now, pollingEnabled: configuration.etdPollingEnabled,
                remediation: (configuration.remediationEnabled, configuration.remediationDryRun),
                notificationsEnabled: configuration.notificationsEnabled,
                blocklist: (configuration.blocklistEnabled, configuration.blocklistDryRun)
            ))
    }

    static func json<Value: Encodable>(_ value: Value, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(value)
        return Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8", .contentLength: String(data.count)],
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }

    static func json(_ value: [String: String], status: HTTPResponse.Status = .ok) -> Response {
        (try? json(StatusBody(status: value["status"] ?? ""), status: status)) ?? Response(status: .internalServerError)
    }

    struct StatusBody: Codable { var status: String }
}
