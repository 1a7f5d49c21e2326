import Foundation
import Hummingbird
import Logging
import NIOCore
import ThreatFeedCore
import ThreatFeedFormats
import ThreatFeedXML

/// The TAXII 1.1 services: discovery, collection management and poll, at `/taxii/…` and at the
/// `/services/…` paths OpenTAXII and MISP use, plus `POST /ctia/feed/{id}/view` for a gateway that
/// polls the Threat-Response path with TAXII.
///
/// Every path answers every message type (reference §2.2): a client that posts its Poll_Request to
/// the discovery address still gets its blocks. Errors are Status_Messages with HTTP 200.
struct TAXIIController: Sendable {
    let feeds: any FeedPolls
    let configuration: ServerConfiguration
    let credentials: CredentialVerifier
    let polls: TAXIIPollService
    let recorder: PollRecorder
    let clock: @Sendable () -> Date

    static let discoveryPath = "/taxii/discovery"
    static let collectionManagementPath = "/taxii/collection-management"
    static let pollPath = "/taxii/poll"
    static let paths = [
        discoveryPath, collectionManagementPath, pollPath,
        "/services/discovery", "/services/collection-management", "/services/poll",
    ]

    init(
        feeds: any FeedPolls, configuration: ServerConfiguration, credentials: CredentialVerifier,
        recorder: PollRecorder, clock: @escaping @Sendable () -> Date
    ) {
        self.feeds = feeds
        self.recorder = recorder
        self.configuration = configuration
        self.credentials = credentials
        self.clock = clock
        self.polls = TAXIIPollService(
            store: feeds, resultSets: TAXIIResultSets(), idNamespace: configuration.stixIDNamespace,
            producer: configuration.stixProducer, https: configuration.publicURLIsHTTPS
        )
    }

    private var https: Bool { configuration.publicURLIsHTTPS }

    func addRoutes(to router: Router<AppRequestContext>) {
        for path in Self.paths {
            router.post(RouterPath(path)) { request, context in
                try await answer(request, context, feedID: nil)
            }
            // TAXII is POST only; say so as OpenTAXII does.
            router.get(RouterPath(path)) { _, _ in
                Response(status: .methodNotAllowed, headers: [.allow: "POST", .vary: ResponseEncoding.varyValue])
            }
        }
        router.post("/ctia/feed/:id/view") { request, context in
            let feedID = CTIAFeedController.feedID(fromPathParameter: context.parameters.get("id") ?? "")
            return try await answer(request, context, feedID: feedID)
        }
    }

    /// Reads, authenticates and dispatches one TAXII message.
    func answer(_ request: Request, _ context: AppRequestContext, feedID: String?) async throws -> Response {
        let limit = configuration.taxiiMaxRequestBytes
        let client = context.clientAddress
        let collected: ByteBuffer?
        do {
            collected = try await Self.collect(request.body, upTo: limit)
        } catch is RequestBodyDeadline.Exceeded {
            recorder.record(feed: "-", client: client, kind: .taxii, outcome: .refused, served: nil, at: clock())
            let seconds = configuration.requestTimeout.components.seconds
            context.logger.notice("taxii: request body not received in time", metadata: ["seconds": "\(seconds)"])
            var answer = TAXIIAnswer.status(
                .badMessage("The request body did not arrive within \(seconds) seconds", inResponseTo: TAXIIMessageID.unknownRequest),
                https: https)
            answer.status = .requestTimeout
            answer.headers[.connection] = "close"
            return answer
        }
        guard let body = collected else {
            recorder.record(feed: "-", client: client, kind: .taxii, outcome: .refused, served: nil, at: clock())
            context.logger.notice("taxii: request body over the limit", metadata: ["limit": "\(limit)"])
            var answer = TAXIIAnswer.status(
                .badMessage("The request body is larger than \(limit) bytes", inResponseTo: TAXIIMessageID.unknownRequest), https: https)
            answer.headers[.connection] = "close"
            return answer
        }
        let message: TAXIIRequest
        do {
            message = try TAXIIRequest.parse(Array(buffer: body), limits: XMLLimits(maxBytes: limit))
        } catch {
            context.logger.notice("taxii: request refused", metadata: ["reason": "\(error.kind)"])
            recorder.record(feed: "-", client: client, kind: .taxii, outcome: .refused, served: nil, at: clock())
            return TAXIIAnswer.status(.rejecting(error), https: https)
        }
        var user: User?
        if let authorization = request.headers[.authorization] {
            guard let given = BasicCredentials(authorization: authorization) else {
                return TAXIIAnswer.status(
                    .unauthorized(inResponseTo: message.messageID, message: "Only HTTP Basic credentials are accepted"), https: https)
            }
            let known: User
            switch try await credentials.authenticate(given, from: client) {
            case .verified(let verified):
                known = verified
            case .wrong:
                // The name is the client's own input and not secret; the password never leaves this function.
                context.logger.notice("taxii: wrong credentials", metadata: ["user": "\(given.user.prefix(64))"])
                recorder.record(feed: "-", client: client, kind: .taxii, outcome: .unauthorized, served: nil, at: clock())
                return TAXIIAnswer.status(
                    .unauthorized(inResponseTo: message.messageID, message: "Wrong user name or password"), https: https)
            case .backingOff(let until):
                let seconds = max(1, Int(until.timeIntervalSince(clock()).rounded(.up)))
                context.logger.notice("taxii: credentials refused unchecked, the address is backing off", metadata: ["user": "\(given.user.prefix(64))", "seconds": "\(seconds)"])
                recorder.record(feed: "-", client: client, kind: .taxii, outcome: .unauthorized, served: nil, at: clock())
                return TAXIIAnswer.status(
                    .unauthorized(
                        inResponseTo: message.messageID,
                        message: "Too many wrong passwords from this address: credentials are not checked for \(seconds) seconds"),
                    https: https)
            case .busy:
                context.logger.notice("taxii: credentials refused unchecked, too many password checks waiting")
                return TAXIIAnswer.status(
                    .unauthorized(inResponseTo: message.messageID, message: "Too many password checks in progress: try again shortly"),
                    https: https)
            }
            user = known
        }
        let now = clock()
        let caller = user
        // Status messages (errors, with HTTP 200) are never compressed: only the answers below may be.
        let gzip = AcceptEncoding.prefersGzip(request.headers)
        switch message {
        case .discovery(let discovery):
            return await ResponseEncoding.encode(
                TAXIIAnswer.message(discoveryResponse(inResponseTo: discovery.messageID).xml(), https: https), gzip: gzip)
        case .collectionInformation(let information):
            let collections = try await collections(for: user, now: now)
            return await ResponseEncoding.encode(
                TAXIIAnswer.message(
                    TAXIICollectionInformationResponse(inResponseTo: information.messageID, collections: collections).xml(), https: https),
                gzip: gzip)
        case .poll(let poll):
            // One read transaction resolves the collection, checks access and reads the window (rendering it when
            // it fits in one read): a gateway's incremental poll is a single trip to the database.
            let polls = self.polls
            let (access, read) = try await feeds.readFeedPoll { feedReader, judgementReader in
                let access = try TAXIICollectionAccess.resolve(poll.collectionName, feedID: feedID, user: caller, now: now, reader: feedReader)
                guard case .granted(let feed) = access else { return (access, TAXIIPollService.PollRead?.none) }
                return (access, try polls.read(poll, feed: feed, now: now, reader: judgementReader))
            }
            return try await withFeed(
                access, poll.collectionName, messageID: poll.messageID, now: now, gzip: gzip, context,
                sample: { RequestSampling.sample(request, client: client, body: Array(buffer: body), at: now) }
            ) { feed in
                // A granted collection always has its read.
                try await polls.answer(poll, read!, feed: feed, now: now)
            }
        case .pollFulfillment(let fulfillment):
            let access = try await feeds.readFeeds { reader in
                try TAXIICollectionAccess.resolve(fulfillment.collectionName, feedID: feedID, user: caller, now: now, reader: reader)
            }
            return try await withFeed(
                access, fulfillment.collectionName, messageID: fulfillment.messageID, now: now, gzip: gzip, context,
                sample: { RequestSampling.sample(request, client: client, body: Array(buffer: body), at: now) }
            ) { feed in
                try await polls.fulfil(fulfillment, feed: feed, now: now)
            }
        }
    }

    /// The body if it fits in `limit` bytes. A larger one is read on and dropped (up to 64 × the limit) so that a
    /// client which sends its whole body before reading, as Python's clients do, receives the BAD_MESSAGE instead
    /// of a stalled upload; beyond that we stop reading and the idle timeout closes the connection. A body that stops
    /// arriving fails with `RequestBodyDeadline.Exceeded` (the connection's pipeline times it).
    static func collect(_ body: RequestBody, upTo limit: Int) async throws -> ByteBuffer? {
        var collected = ByteBuffer()
        var total = 0
        for try await chunk in body {
            total += chunk.readableBytes
            if total <= limit {
                collected.writeImmutableBuffer(chunk)
            } else if total > limit * 64 {
                return nil
            }
        }
        return total <= limit ? collected : nil
    }

    /// Runs `body` on the feed when `access` (the collection resolved) grants it; records and logs the outcome.
    private func withFeed(
        _ access: TAXIICollectionAccess, _ collectionName: String, messageID: String, now: Date, gzip: Bool, _ context: AppRequestContext,
        sample: () -> RequestSample, _ body: (Feed) async throws -> (Response, served: Int?)
    ) async throws -> Response {
        let client = context.clientAddress
        // Samples only of requests that name a real feed: anything else is noise anyone could send from any address.
        if access.feed != nil, recorder.wantsSample(of: client) { recorder.keep(sample()) }
        switch access {
        case .granted(let feed):
            let (response, served) = try await body(feed)
            recorder.record(
                feed: feed.name.value, client: client, kind: .taxii, outcome: served == nil ? .refused : .served, served: served, at: now
            )
            context.logger.info(
                "taxii poll", metadata: ["feed": "\(feed.name)", "blocks": "\(served.map(String.init) ?? "-")"]
            )
            // A refusal (no blocks served) is a status message: sent as it is.
            return served == nil ? response : await ResponseEncoding.encode(response, gzip: gzip)
        case .needsCredentials(let feed):
            recorder.record(feed: feed.name.value, client: client, kind: .taxii, outcome: .unauthorized, served: nil, at: now)
            context.logger.notice("taxii poll: no credentials for a collection that needs them", metadata: ["feed": "\(feed.name)"])
            return TAXIIAnswer.status(
                .unauthorized(inResponseTo: messageID, message: "This collection needs HTTP Basic credentials"), https: https)
        case .notGranted(let feed, let name):
            recorder.record(feed: feed.name.value, client: client, kind: .taxii, outcome: .unauthorized, served: nil, at: now)
            context.logger.notice("taxii poll: user not granted the collection", metadata: ["user": "\(name)", "feed": "\(feed.name)"])
            return TAXIIAnswer.status(
                .unauthorized(inResponseTo: messageID, message: "User \(name) may not poll this collection"), https: https)
        case .notFound:
            recorder.record(feed: "-", client: client, kind: .taxii, outcome: .notFound, served: nil, at: now)
            // The name may be a mistyped or rotated secret: echoed to its sender, never logged.
            context.logger.notice("taxii poll: unknown collection")
            return TAXIIAnswer.status(.notFound(item: collectionName, inResponseTo: messageID), https: https)
        }
    }

    private var protocolBinding: String { https ? TAXII11.protocolHTTPS : TAXII11.protocolHTTP }

    private func address(_ path: String) -> String { configuration.publicBase + path }

    /// One instance per service, one protocol binding, the 1.1 message binding only (reference §2.6).
    func discoveryResponse(inResponseTo: String) -> TAXIIDiscoveryResponse {
        TAXIIDiscoveryResponse(inResponseTo: inResponseTo, services: [
            TAXIIServiceInstance(serviceType: .discovery, protocolBinding: protocolBinding, address: address(Self.discoveryPath)),
            TAXIIServiceInstance(
                serviceType: .collectionManagement, protocolBinding: protocolBinding, address: address(Self.collectionManagementPath)),
            TAXIIServiceInstance(
                serviceType: .poll, protocolBinding: protocolBinding, address: address(Self.pollPath),
                contentBindings: STIXVersion.contentBindings),
        ])
    }

    /// The collections `user` may poll by name. Secret-only (Threat-Response style) feeds are never listed.
    private func collections(for user: User?, now: Date) async throws -> [TAXIICollection] {
        guard let user else { return [] }
        let pollService = TAXIIServiceEndpoint(protocolBinding: protocolBinding, address: address(Self.pollPath))
        let granted = try await feeds.readFeeds { reader in
            try reader.feedsGranted(toUser: user.id).filter { $0.isLive(at: now) }.map { feed in
                (feed, try reader.indicator(id: feed.indicatorID)?.name.value)
            }
        }
        // Volumes from a second read: a count a moment newer than the list changes nothing a client relies on.
        let volumes = try await feeds.readLiveJudgements { reader in
            try granted.map { feed, _ in try reader.countLiveJudgements(ofIndicator: feed.indicatorID, at: now) }
        }
        return zip(granted, volumes).map { named, volume in
            let (feed, indicatorName) = named
            return TAXIICollection(
                name: feed.collectionName,
                description: "ThreatFeed feed \(feed.name.value): live judgements of indicator \(indicatorName ?? "?")",
                volume: volume, contentBindings: STIXVersion.contentBindings, pollingServices: [pollService]
            )
        }
    }
}
