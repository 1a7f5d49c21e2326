import Foundation
import Hummingbird
import Logging
import ThreatFeedCore

/// `GET|HEAD /ctia/feed/{id}/view[.txt]?s=SECRET`, answered as CTIA answers it so that a gateway
/// set up for a Threat Response feed works unchanged (reference/ctia-feeds.md §2).
struct CTIAFeedController: Sendable {
    let store: any FeedLookup
    let cache: FeedViewCache
    let pages: CTIAFeedPages
    let recorder: PollRecorder
    let clock: @Sendable () -> Date

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/ctia/feed/:id/view") { request, context in
            try await view(request, context, as: .json)
        }
        router.get("/ctia/feed/:id/view.txt") { request, context in
            try await view(request, context, as: .text)
        }
        // Hummingbird routes HEAD separately: same checks and headers as GET, no body.
        router.head("/ctia/feed/:id/view") { request, context in
            try await head(request, context, as: .json)
        }
        router.head("/ctia/feed/:id/view.txt") { request, context in
            try await head(request, context, as: .text)
        }
    }

    func head(_ request: Request, _ context: AppRequestContext, as representation: FeedRepresentation) async throws -> Response {
        do {
            return try await view(request, context, as: representation).withoutBody()
        } catch let error as FeedViewError {
            return try error.response(from: request, context: context).withoutBody()
        }
    }

    /// CTIA's check order: query (400) → feed exists (404) → lifetime (404) → secret (401) → 200.
    func view(_ request: Request, _ context: AppRequestContext, as representation: FeedRepresentation) async throws -> Response {
        let client = context.clientAddress
        let kind: ClientPoll.Kind = representation == .json ? .ctiaJSON : .ctiaText
        // CTIA's closed query schema: an unknown parameter is a 400, as on Cisco's server (the gateway sends only `s`).
        let query: CTIAViewQuery
        do throws(CTIAViewQuery.Problems) {
            query = try CTIAViewQuery.parse(request.uri.queryParameters.map { (String($0.key), String($0.value)) })
        } catch {
            // Names only in the log: values may be secrets.
            context.logger.info("feed view: bad query", metadata: ["problems": "\(error.items.map { "\($0.key)=\($0.problem)" })"])
            recorder.record(feed: "-", client: client, kind: kind, outcome: .refused, served: nil, at: clock())
            throw FeedViewError.badQuery(representation, error)
        }
        let secret = query.secret
        let feedID = Self.feedID(fromPathParameter: context.parameters.get("id") ?? "")
        let now = clock()
        let found = try await store.readFeeds { reader -> (Feed, Int64)? in
            guard let feed = try reader.feed(id: feedID), let revision = try reader.revision(ofIndicator: feed.indicatorID) else {
                return nil
            }
            return (feed, revision)
        }
        // Samples only of requests that name a real feed: anything else is noise anyone could send from any address.
        if found != nil, recorder.wantsSample(of: client) {
            recorder.keep(RequestSampling.sample(request, client: client, at: now))
        }
        guard let (feed, revision) = found, feed.isLive(at: now) else {
            recorder.record(feed: "-", client: client, kind: kind, outcome: .notFound, served: nil, at: now)
            throw FeedViewError.notFound(representation)
        }
        guard feed.secret.matches(secret) else {
            recorder.record(feed: feed.name.value, client: client, kind: kind, outcome: .wrongSecret, served: nil, at: now)
            context.logger.notice("feed view: wrong secret", metadata: ["feed": "\(feed.name)", "client": "\(context.clientAddress)"])
            throw FeedViewError.wrongSecret(representation)
        }
        let gzip = AcceptEncoding.prefersGzip(request.headers)
        if let page = query.page {
            // Paging is opt-in and off the hot path: the unpaged answer stays the cached body below.
            let answer = try await pages.page(of: feed, page, as: representation, at: now)
            recorder.record(feed: feed.name.value, client: client, kind: kind, outcome: .served, served: answer.count, at: now)
            return await ResponseEncoding.encode(answer.response(contentType: representation.contentType), gzip: gzip)
        }
        let view = try await cache.view(of: feed, revision: revision, as: representation, at: now)
        // Each encoding has its own body and tag; both are cached per revision. The gzip tag is known before the
        // gzip body, so a 304 never waits for a compression.
        var headers: HTTPFields = [
            .contentType: representation.contentType,
            .eTag: gzip ? ETag.gzip(view.etag) : view.etag,
            .cacheControl: "no-cache",
            .vary: ResponseEncoding.varyValue,
        ]
        if let condition = request.headers[.ifNoneMatch], let etag = headers[.eTag], ETag.matches(condition, etag) {
            recorder.record(feed: feed.name.value, client: client, kind: kind, outcome: .notModified, served: nil, at: now)
            return Response(status: .notModified, headers: headers)
        }
        var (body, encoded) = (view.body, false)
        if gzip {
            do {
                (body, encoded) = (try await view.gzip.encoded().body, true)
            } catch {
                context.logger.warning("feed view: gzip failed, answering plain", metadata: ["error": "\(error)"])
                headers[.eTag] = view.etag
            }
        }
        recorder.record(feed: feed.name.value, client: client, kind: kind, outcome: .served, served: view.count, at: now)
        if encoded { headers[.contentEncoding] = "gzip" }
        headers[.contentLength] = String(body.readableBytes)
        context.logger.debug(
            "feed view served",
            metadata: ["feed": "\(feed.name)", "representation": "\(representation.rawValue)", "count": "\(view.count)", "gzip": "\(encoded)"]
        )
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
    }

    /// Accepts `feed-<uuid>` or a URL-encoded long id (`https://host/ctia/feed/feed-<uuid>`), as CTIA does.
    static func feedID(fromPathParameter parameter: String) -> String {
        let decoded = parameter.removingPercentEncoding ?? parameter
        return decoded.split(separator: "/").last.map(String.init) ?? decoded
    }
}

extension Response {
    /// The answer to HEAD: status and headers (Content-Length included) of the GET answer, no body.
    func withoutBody() -> Response {
        Response(status: status, headers: headers, body: .init())
    }
}
