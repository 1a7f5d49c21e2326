import HTTPTypes
import Hummingbird
import NIOCore
import ThreatFeedCore
import ThreatFeedFormats

/// Every TAXII 2.1 failure, mapped to its status and TAXII error message (§3.6.1) in one place.
struct TAXII2Error: Error, Sendable {
    let status: HTTPResponse.Status
    let title: String
    let description: String?

    static let unauthorized = TAXII2Error(status: .unauthorized, title: "Authentication required",
                                          description: "Send the HTTP Basic credentials of a ThreatFeed user.")
    static func notFound(_ what: String) -> TAXII2Error { TAXII2Error(status: .notFound, title: "Not found", description: what) }
    static let notAcceptable = TAXII2Error(
        status: .notAcceptable, title: "Not acceptable",
        description: "This server answers \(TAXII2MediaType.taxii) (also for Accept: application/taxii+json, application/json or */*).")
    static func badRequest(_ problem: String) -> TAXII2Error { TAXII2Error(status: .badRequest, title: "Bad request", description: problem) }
    static func badRequest(_ error: TAXII2QueryError) -> TAXII2Error { badRequest(error.description) }

    var response: Response {
        var body: [UInt8] = Array(#"{"title":"#.utf8)
        JSONString.append(title, to: &body)
        if let description {
            body += Array(#","description":"#.utf8)
            JSONString.append(description, to: &body)
        }
        body += Array(#","http_status":""#.utf8) + Array(String(status.code).utf8) + Array("\"}".utf8)
        // Never compressed; Vary because the route's other answers may be.
        var headers: HTTPFields = [.contentType: TAXII2MediaType.taxii, .contentLength: String(body.count), .vary: ResponseEncoding.varyValue]
        if status == .unauthorized { headers[.wwwAuthenticate] = #"Basic realm="ThreatFeed TAXII", charset="UTF-8""# }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
