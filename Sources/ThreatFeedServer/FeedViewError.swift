import Hummingbird
import NIOCore

/// The feed view's failures, answered exactly as CTIA answers them (reference/ctia-feeds.md §2.3):
/// JSON bodies on `/view`, bare strings (EDN for 400) on `/view.txt`.
enum FeedViewError: Error, HTTPResponseError {
    case missingSecret(FeedRepresentation)
    case notFound(FeedRepresentation)
    case wrongSecret(FeedRepresentation)

    var status: HTTPResponse.Status {
        switch self {
        case .missingSecret: .badRequest
        case .notFound: .notFound
        case .wrongSecret: .unauthorized
        }
    }

    private var representation: FeedRepresentation {
        switch self {
        case .missingSecret(let r), .notFound(let r), .wrongSecret(let r): r
        }
    }

    private var body: String {
        switch (self, representation) {
        case (.missingSecret, .json): #"{"errors":{"s":"missing-required-key"}}"#
        case (.missingSecret, .text): "{:errors {:s missing-required-key}}"
        case (.notFound, .json): #"{"error":"feed not found"}"#
        case (.notFound, .text): "feed not found"
        case (.wrongSecret, .json): #"{"error":"wrong secret"}"#
        case (.wrongSecret, .text): "wrong secret"
        }
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let buffer = ByteBuffer(string: body)
        return Response(
            status: status,
            headers: [.contentType: representation.contentType, .contentLength: String(buffer.readableBytes)],
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
