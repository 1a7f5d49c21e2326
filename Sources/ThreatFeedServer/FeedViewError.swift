import Hummingbird
import NIOCore
import ThreatFeedCore

/// The feed view's failures, answered exactly as CTIA answers them (reference/ctia-feeds.md §2.3):
/// JSON bodies on `/view`, bare strings (EDN for 400) on `/view.txt`.
enum FeedViewError: Error, HTTPResponseError {
    /// `s` missing, an unknown parameter, a bad `limit` or `search_after`.
    case badQuery(FeedRepresentation, CTIAViewQuery.Problems)
    case notFound(FeedRepresentation)
    case wrongSecret(FeedRepresentation)

    var status: HTTPResponse.Status {
        switch self {
        case .badQuery: .badRequest
        case .notFound: .notFound
        case .wrongSecret: .unauthorized
        }
    }

    private var representation: FeedRepresentation {
        switch self {
        case .badQuery(let r, _), .notFound(let r), .wrongSecret(let r): r
        }
    }

    private var body: String {
        switch (self, representation) {
        case (.badQuery(_, let problems), .json):
            // {"errors":{"s":"missing-required-key","foo":"disallowed-key"}}
            "{\"errors\":{" + problems.items.map { JSONString.quoted($0.key) + ":" + JSONString.quoted($0.problem) }.joined(separator: ",") + "}}"
        case (.badQuery(_, let problems), .text):
            // The EDN CTIA prints: {:errors {:s missing-required-key, :limit "(not (less-than-10000? 10001))"}}
            "{:errors {" + problems.items.map { ":\(Self.ednKeyword($0.key)) " + ($0.quoted ? JSONString.quoted($0.problem) : $0.problem) }
                .joined(separator: ", ") + "}}"
        case (.notFound, .json): #"{"error":"feed not found"}"#
        case (.notFound, .text): "feed not found"
        case (.wrongSecret, .json): #"{"error":"wrong secret"}"#
        case (.wrongSecret, .text): "wrong secret"
        }
    }

    /// A parameter name as an EDN keyword: characters a keyword cannot hold become `_`.
    static func ednKeyword(_ name: String) -> String {
        String(name.map { $0.isLetter || $0.isNumber || "-_.*+!?".contains($0) ? $0 : "_" })
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let buffer = ByteBuffer(string: body)
        return Response(
            status: status,
            // Never compressed, but the route's answers vary by Accept-Encoding, so every one says so.
            headers: [.contentType: representation.contentType, .contentLength: String(buffer.readableBytes), .vary: ResponseEncoding.varyValue],
            body: .init(byteBuffer: buffer)
        )
    }
}

/// The two renderings CTIA offers of a feed.
public enum FeedRepresentation: String, Sendable, Hashable {
    /// `/view`: `{"observables":[…]}` or `{"judgements":[…]}`.
    case json
    /// `/view.txt`: sorted values, one per line.
    case text

    var contentType: String {
        switch self {
        case .json: "application/json; charset=utf-8"
        case .text: "text/plain; charset=utf-8"
        }
    }
}
