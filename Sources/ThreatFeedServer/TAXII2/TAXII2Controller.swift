import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ThreatFeedCore
import ThreatFeedFormats

/// TAXII 2.1 for SIEMs and TIPs (and, for users with a write grant, adding indicators): discovery at `/taxii2/`, one API root at `/taxii2/api/`, a collection per
/// feed the user is granted (reference/taxii21-stix21.md). HTTP Basic with the TAXII 1.1 users and grants.
struct TAXII2Controller: Sendable {
    let feeds: any FeedLookup
    let versions: any JudgementVersions
    let configuration: ServerConfiguration
    let credentials: CredentialVerifier
    let clock: @Sendable () -> Date
    let renderer: STIX2Renderer
    let cursorKey: TAXII2CursorKey
    let writes: TAXII2WriteService
    let recorder: PollRecorder

    static let discoveryPath = "/taxii2/"
    static let apiRootPath = TAXII2CollectionID.apiRootPath

    init(
        feeds: any FeedLookup, versions: any JudgementVersions, keys: any ServerKeys, writes: TAXII2WriteService,
        configuration: ServerConfiguration, credentials: CredentialVerifier, recorder: PollRecorder, clock: @escaping @Sendable () -> Date
    ) {
        self.feeds = feeds
        self.versions = versions
        self.recorder = recorder
        self.configuration = configuration
        self.credentials = credentials
        self.clock = clock
        self.renderer = STIX2Renderer(producerName: configuration.stixProducer, identityID: STIX2Identity.id(producerName: configuration.stixProducer))
        self.cursorKey = TAXII2CursorKey(store: keys)
        self.writes = writes
    }

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/taxii2/") { request, context in
            await answer(request, context) { _ in discovery() }
        }
        router.get("/taxii2/api/") { request, context in
            await answer(request, context) { _ in apiRoot() }
        }
        router.get("/taxii2/api/collections/") { request, context in
            await answer(request, context) { user in try await collections(for: user) }
        }
        router.get("/taxii2/api/collections/:collection/") { request, context in
            await answer(request, context) { user in
                let (feed, indicator, canWrite) = try await collectionAndAccess(context, user: user)
                return Self.json { collectionResource(feed, indicator, canWrite: canWrite, into: &$0) }
            }
        }
        router.get("/taxii2/api/collections/:collection/objects/") { request, context in
            await answer(request, context, stix: true) { user in try await objects(request, context, user: user, mode: .objects) }
        }
        router.get("/taxii2/api/collections/:collection/manifest/") { request, context in
            await answer(request, context) { user in try await objects(request, context, user: user, mode: .manifest) }
        }
        router.get("/taxii2/api/collections/:collection/objects/:object/") { request, context in
            await answer(request, context, stix: true) { user in try await objects(request, context, user: user, mode: .object) }
        }
        router.get("/taxii2/api/collections/:collection/objects/:object/versions/") { request, context in
            await answer(request, context) { user in try await objects(request, context, user: user, mode: .versions) }
        }
        router.post("/taxii2/api/collections/:collection/objects/") { request, context in
            await answer(request, context, status: .accepted) { user in
                let (feed, _) = try await collection(context, user: user)
                let body = try await writes.add(request, feed: feed, user: user, now: clock())
                context.logger.info("taxii2 add", metadata: ["feed": "\(feed.name)", "user": "\(user.name)"])
                return Answer(body: body)
            }
        }
        router.get("/taxii2/api/status/:status/") { request, context in
            await answer(request, context) { user in Answer(body: try await writes.status(id: context.parameters.get("status") ?? "", user: user)) }
        }
    }

    /// A 200 answer: body and the headers besides `Content-Type`.
    struct Answer {
        var body: [UInt8]
        var headers: HTTPFields = [:]
    }

    /// Authenticates, negotiates the media type, runs `body`; every failure becomes its TAXII error message.
    private func answer(
        _ request: Request, _ context: AppRequestContext, stix: Bool = false, status: HTTPResponse.Status = .ok,
        _ body: (User) async throws -> Answer
    ) async -> Response {
        do {
            let user = try await authenticate(request, context)
            guard let contentType = TAXII2MediaType.negotiate(accept: request.headers[.accept], stix: stix) else {
                throw TAXII2Error.notAcceptable
            }
            let answer = try await body(user)
            var headers = answer.headers
            headers[.contentType] = contentType
            headers[.contentLength] = String(answer.body.count)
            let response = Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
            return await ResponseEncoding.encode(response, gzip: AcceptEncoding.prefersGzip(request.headers))
        } catch let error as TAXII2Error {
            if error.status != .unauthorized, error.status != .notFound {
                context.logger.notice("taxii2: request refused", metadata: ["status": "\(error.status.code)", "reason": "\(error.description ?? error.title)"])
            }
            return error.response
        } catch {
            context.logger.error("taxii2: request failed", metadata: ["error": "\(error)"])
            return TAXII2Error(status: .internalServerError, title: "Server error", description: "The request could not be answered; see the server log.")
                .response
        }
    }

    private func authenticate(_ request: Request, _ context: AppRequestContext) async throws -> User {
        guard let given = BasicCredentials(authorization: request.headers[.authorization]) else { throw TAXII2Error.unauthorized }
        let refusal: TAXII2Error
        switch try await credentials.authenticate(given, from: context.clientAddress) {
        case .verified(let user):
            return user
        case .wrong:
            // The name is the client's own input and not secret; the password never leaves the verifier.
            context.logger.notice("taxii2: wrong credentials", metadata: ["user": "\(given.user.prefix(64))"])
            refusal = .unauthorized
        case .backingOff(let until):
            let seconds = max(1, Int(until.timeIntervalSince(clock()).rounded(.up)))
            context.logger.notice("taxii2: credentials refused unchecked, the address is backing off", metadata: ["user": "\(given.user.prefix(64))"])
            refusal = TAXII2Error(
                status: .unauthorized, title: "Authentication required",
                description: "Too many wrong passwords from this address: credentials are not checked for \(seconds) seconds.")
        case .busy:
            context.logger.notice("taxii2: credentials refused unchecked, too many password checks waiting")
            refusal = TAXII2Error(
                status: .serviceUnavailable, title: "Busy", description: "Too many password checks in progress: try again shortly.")
        }
        recorder.record(feed: "-", client: context.clientAddress, kind: .taxii2, outcome: .unauthorized, served: nil, at: clock())
        throw refusal
    }

    // MARK: Discovery, API root, collections

    private func discovery() -> Answer {
        let root = configuration.publicBase + Self.apiRootPath
        return Self.json { out in
            out += Array(#"{"title":"ThreatFeed TAXII 2.1","description":"#.utf8)
            JSONString.append("Private threat intelligence: one collection per feed you are granted.", to: &out)
            out += Array(#","default":"#.utf8)
            JSONString.append(root, to: &out)
            out += Array(#","api_roots":["#.utf8)
            JSONString.append(root, to: &out)
            out += Array("]}".utf8)
        }
    }

    private func apiRoot() -> Answer {
        Self.json { out in
            out += Array(#"{"title":"ThreatFeed","description":"Indicators from ThreatFeed's feeds as STIX 2.1.","versions":["#.utf8)
            JSONString.append(TAXII2MediaType.taxii, to: &out)
            out += Array(#"],"max_content_length":"#.utf8) + Array(String(configuration.taxiiMaxRequestBytes).utf8) + Array("}".utf8)
        }
    }

    private func collections(for user: User) async throws -> Answer {
        let now = clock()
        let granted = try await feeds.readFeeds { reader in
            try reader.feedsGranted(toUser: user.id).filter { $0.isLive(at: now) }.map { feed in
                (feed, try reader.indicator(id: feed.indicatorID), try reader.canWrite(feed: feed.id, user: user.id))
            }
        }
        guard !granted.isEmpty else { return Answer(body: Array("{}".utf8)) }
        return Self.json { out in
            out += Array(#"{"collections":["#.utf8)
            for (index, (feed, indicator, canWrite)) in granted.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                collectionResource(feed, indicator, canWrite: canWrite, into: &out)
            }
            out += Array("]}".utf8)
        }
    }

    /// The collection id of a feed: its UUID (`feed-<uuid>` without the prefix).
    static func collectionID(_ feed: Feed) -> String { TAXII2CollectionID.of(feedID: feed.id) }

    private func collectionResource(_ feed: Feed, _ indicator: Indicator?, canWrite: Bool, into out: inout [UInt8]) {
        out += Array(#"{"id":"#.utf8)
        JSONString.append(Self.collectionID(feed), to: &out)
        out += Array(#","title":"#.utf8)
        JSONString.append(feed.name.value, to: &out)
        out += Array(#","description":"#.utf8)
        JSONString.append(indicator.map { $0.description ?? $0.title } ?? feed.name.value, to: &out)
        out += Array(#","alias":"#.utf8)
        JSONString.append(feed.collectionName, to: &out)
        out += Array(#","can_read":true,"can_write":"#.utf8) + Array((canWrite ? "true" : "false").utf8)
        out += Array(#","media_types":["#.utf8)
        JSONString.append(TAXII2MediaType.stix, to: &out)
        out += Array("]}".utf8)
    }

    /// The feed named by the path's collection id (its UUID, or its `feed-…` id) if the user is granted it and it is
    /// live; otherwise 404, which does not tell an unknown collection from one the user may not read.
    private func collection(_ context: AppRequestContext, user: User) async throws -> (Feed, Indicator) {
        let (feed, indicator, _) = try await collectionAndAccess(context, user: user)
        return (feed, indicator)
    }

    private func collectionAndAccess(_ context: AppRequestContext, user: User) async throws -> (Feed, Indicator, canWrite: Bool) {
        let id = context.parameters.get("collection") ?? ""
        let now = clock()
        let found = try await feeds.readFeeds { reader -> (Feed, Indicator, canWrite: Bool)? in
            guard let feed = try reader.feedsGranted(toUser: user.id).first(where: { Self.collectionID($0) == id || $0.id == id }),
                feed.isLive(at: now), let indicator = try reader.indicator(id: feed.indicatorID)
            else { return nil }
            return (feed, indicator, try reader.canWrite(feed: feed.id, user: user.id))
        }
        guard let found else { throw TAXII2Error.notFound("No such collection, or it is not granted to this user.") }
        return found
    }

    // MARK: Objects, object, versions, manifest

    enum Mode { case objects, manifest, object, versions }

    private func objects(_ request: Request, _ context: AppRequestContext, user: User, mode: Mode) async throws -> Answer {
        var filter: TAXII2Filter
        do {
            filter = try TAXII2Filter.parse(query: request.uri.query)
        } catch {
            throw TAXII2Error.badRequest(error)
        }
        let (feed, indicator) = try await collection(context, user: user)
        let collectionID = Self.collectionID(feed)
        var objectID: String?
        if mode == .object || mode == .versions {
            let id = context.parameters.get("object") ?? ""
            guard STIX2ObjectID.isWellFormed(id) else { throw TAXII2Error.notFound("No such object in this collection.") }
            // The path names the object: match[id] and match[type] do not apply here (§5.5, §5.7).
            filter.ids = [id]
            filter.types = nil
            objectID = id
            // The versions endpoint lists every version kept; match[version] is not one of its filters (§5.9).
            if mode == .versions { filter.versions = .every }
        }
        let key = SymmetricKey(data: try await cursorKey.bytes())
        var cursor: TAXII2Cursor?
        if let next = filter.next {
            guard let decoded = TAXII2Cursor.decode(next, collection: collectionID, key: key) else {
                throw TAXII2Error.badRequest("next: not a cursor this server wrote for this collection; start again without next")
            }
            cursor = decoded
        }
        let limit = min(filter.limit ?? configuration.taxii2MaxPageSize, configuration.taxii2MaxPageSize)
        let renderer = self.renderer
        let readFilter = filter
        let position = cursor
        let page = try await versions.readJudgementVersions { reader in
            try TAXII2Page.read(reader, indicator: indicator, renderer: renderer, filter: readFilter, cursor: position, limit: limit)
        }
        if page.entries.isEmpty, let objectID {
            // Distinguish "no such object" (404) from "the object, but not the version or page asked for" (empty).
            let exists = try await versions.readJudgementVersions { reader in
                try TAXII2Page.read(reader, indicator: indicator, renderer: renderer, filter: Self.only(objectID), cursor: nil, limit: 1)
            }
            if exists.entries.isEmpty { throw TAXII2Error.notFound("No such object in this collection.") }
        }
        if mode == .objects || mode == .manifest {
            // "Is my SIEM polling?": /health/clients and the poll metrics count collection reads, not single-object lookups.
            recorder.record(
                feed: feed.name.value, client: context.clientAddress, kind: .taxii2, outcome: .served, served: page.entries.count, at: clock())
        }
        context.logger.info(
            "taxii2 read", metadata: ["feed": "\(feed.name)", "user": "\(user.name)", "mode": "\(mode)", "objects": "\(page.entries.count)"])
        var answer = Answer(body: [])
        if let first = page.entries.first, let last = page.entries.last {
            answer.headers[Self.dateAddedFirst] = TAXIITimestamp.string(from: first.dateAdded)
            answer.headers[Self.dateAddedLast] = TAXIITimestamp.string(from: last.dateAdded)
        }
        let next = page.more ? page.entries.last.map { TAXII2Cursor(dateAdded: $0.dateAdded, objectID: $0.id).token(collection: collectionID, key: key) } : nil
        switch mode {
        case .objects, .object: answer.body = envelope(page, next: next, key: "objects") { entry, out in render(entry, into: &out) }
        case .manifest: answer.body = envelope(page, next: next, key: "objects") { entry, out in manifestEntry(entry, into: &out) }
        case .versions:
            answer.body = envelope(page, next: next, key: "versions") { entry, out in
                out.append(UInt8(ascii: "\""))
                TAXIITimestamp.append(entry.version, to: &out)
                out.append(UInt8(ascii: "\""))
            }
        }
        return answer
    }

    private static func only(_ id: String) -> TAXII2Filter {
        var filter = TAXII2Filter()
        filter.ids = [id]
        return filter
    }

    static let dateAddedFirst = HTTPField.Name("X-TAXII-Date-Added-First")!
    static let dateAddedLast = HTTPField.Name("X-TAXII-Date-Added-Last")!

    /// `{"more":…,"next":…,"objects":[…]}`; an empty page is `{}` (§3.7).
    private func envelope(_ page: TAXII2Page, next: String?, key: String, _ item: (TAXII2Page.Entry, inout [UInt8]) -> Void) -> [UInt8] {
        guard !page.entries.isEmpty else { return Array("{}".utf8) }
        var out: [UInt8] = []
        out.reserveCapacity(page.entries.count * 1200 + 256)
        out += Array(#"{"more":"#.utf8) + Array((page.more ? "true" : "false").utf8)
        if let next {
            out += Array(#","next":"#.utf8)
            JSONString.append(next, to: &out)
        }
        out += Array(",\"\(key)\":[".utf8)
        for (index, entry) in page.entries.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            item(entry, &out)
        }
        out += Array("]}".utf8)
        return out
    }

    private func render(_ entry: TAXII2Page.Entry, into out: inout [UInt8]) {
        switch entry.object {
        case .identity: renderer.appendIdentity(created: entry.version, to: &out)
        case .indicator(let stored): renderer.appendIndicator(stored, to: &out)
        }
    }

    private func manifestEntry(_ entry: TAXII2Page.Entry, into out: inout [UInt8]) {
        out += Array(#"{"id":"#.utf8)
        JSONString.append(entry.id, to: &out)
        out += Array(#","date_added":""#.utf8)
        TAXIITimestamp.append(entry.dateAdded, to: &out)
        out += Array(#"","version":""#.utf8)
        TAXIITimestamp.append(entry.version, to: &out)
        out += Array(#"","media_type":"#.utf8)
        JSONString.append(TAXII2MediaType.stix, to: &out)
        out.append(UInt8(ascii: "}"))
    }

    private static func json(_ build: (inout [UInt8]) -> Void) -> Answer {
        var out: [UInt8] = []
        build(&out)
        return Answer(body: out)
    }
}
