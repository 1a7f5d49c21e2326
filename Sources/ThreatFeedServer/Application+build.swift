import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import ServiceLifecycle
import ThreatFeedStore

/// Builds the HTTP application. `serve` and the tests call this same function.
public func buildApplication(
    store: Store,
    configuration: ServerConfiguration,
    logger: Logger,
    clock: @escaping @Sendable () -> Date = { Date() },
    drain: DrainState = DrainState(),
    services: [any Service] = [],
    onServerRunning: @escaping @Sendable (_ port: Int) async -> Void = { _ in }
) throws -> some ApplicationProtocol {
    let metrics = ServerMetrics()
    let recorder = PollRecorder(store: store, logger: logger, metrics: metrics)
    let router = buildRouter(store: store, configuration: configuration, metrics: metrics, recorder: recorder, clock: clock, drain: drain)
    // Idle connections are closed (stalled uploads and forgotten sockets do not pile up); a request head over the
    // limit is refused by the HTTP parser before any handler runs; a body that trickles in is cut off.
    let idleTimeout = timeAmount(configuration.idleTimeout)
    let bodyLimit = timeAmount(configuration.requestTimeout)
    let http1 = HTTPServerBuilder.http1(
        configuration: .init(
            additionalChannelHandlers: [FinishWritesBeforeClose(limit: idleTimeout), RequestBodyDeadline(limit: bodyLimit)],
            idleTimeout: idleTimeout,
            httpDecoderConfiguration: .init(
                maxHeaderFieldSize: configuration.maxHeaderBytes, maxHeaderListSize: configuration.maxHeaderBytes
            )
        )
    )
    let server = try configuration.tls.map { certificate in try HTTPServerBuilder.tls(http1, tlsConfiguration: certificate.serverConfiguration()) } ?? http1
    return Application(
        router: router,
        server: server,
        configuration: .init(
            address: .hostname(configuration.host, port: configuration.port), serverName: "ThreatFeed",
            // Beyond the limit, new connections wait in the kernel's backlog until one closes.
            availableConnectionsDelegate: MaximumAvailableConnections(configuration.maxConnections, logger: logger)
        ),
        services: [PollRecorder.Flusher(recorder: recorder)] + services,
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
        logger: logger
    )
}

/// A configured duration as NIO's, to the millisecond (a `500ms` limit must not become zero), at most a century.
func timeAmount(_ duration: Duration) -> TimeAmount {
    let milliseconds = min(max(duration / .milliseconds(1), 0), 100 * 365 * 86_400_000)
    return .milliseconds(Int64(milliseconds))
}

func buildRouter(
    store: Store, configuration: ServerConfiguration, metrics: ServerMetrics, recorder: PollRecorder,
    clock: @escaping @Sendable () -> Date, drain: DrainState
) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: AccessLogMiddleware(metrics: metrics))
    let cache = FeedViewCache(store: store, idBase: configuration.publicBase)
    CTIAFeedController(
        store: store, cache: cache, pages: CTIAFeedPages(store: store, idBase: configuration.publicBase), recorder: recorder, clock: clock
    ).addRoutes(to: router)
    // One verifier, so TAXII 1.1, TAXII 2.1 and the lookup share its cache of recently checked passwords.
    let credentials = CredentialVerifier(store: store, clock: clock, metrics: metrics)
    TAXIIController(feeds: store, configuration: configuration, credentials: credentials, recorder: recorder, clock: clock)
        .addRoutes(to: router)
    TAXII2Controller(
        feeds: store, versions: store, keys: store, writes: TAXII2WriteService(store: store, configuration: configuration),
        configuration: configuration, credentials: credentials, recorder: recorder, clock: clock
    ).addRoutes(to: router)
    addLookupRoutes(to: router, lookups: store, users: store, configuration: configuration, credentials: credentials, recorder: recorder, clock: clock)
    HealthController(store: store, clock: clock, drain: drain, configuration: configuration).addRoutes(to: router)
    ObservabilityController(store: store, metrics: metrics, recorder: recorder, configuration: configuration, clock: clock)
        .addRoutes(to: router)
    // The administrator's pages (/ui/). Their templates are Swift literals compiled here, once: a broken one is a
    // programming error that the rendering tests catch, never something a configuration or a request can cause.
    do {
        try AdminController(
            store: store, configuration: configuration, credentials: credentials, sessions: AdminSessions(clock: clock), recorder: recorder,
            clock: clock
        ).addRoutes(to: router)
    } catch {
        preconditionFailure("the admin page templates do not compile: \(error)")
    }
    return router
}
