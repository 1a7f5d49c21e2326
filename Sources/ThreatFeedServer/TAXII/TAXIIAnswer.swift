import HTTPTypes
import Hummingbird
import NIOCore
import ThreatFeedFormats

/// TAXII answers over HTTP: always 200 with the binding headers (reference/taxii11-esa.md §2.2), whatever the status.
enum TAXIIAnswer {
    static func headers(https: Bool) -> HTTPFields { https ? httpsHeaders : httpHeaders }

    // Built once: every answer carries them, and each field name is parsed on the way in.
    private static let httpHeaders = buildHeaders(https: false)
    private static let httpsHeaders = buildHeaders(https: true)

    private static func buildHeaders(https: Bool) -> HTTPFields {
        var fields = HTTPFields()
        for (name, value) in TAXII11.responseHeaders(https: https) {
            if let field = HTTPField.Name(name) { fields[field] = value }
        }
        // Large answers go out in gzip to clients that ask (ResponseEncoding), so every answer says it varies.
        fields[.vary] = ResponseEncoding.varyValue
        return fields
    }

    static func message(_ bytes: [UInt8], https: Bool) -> Response {
        message(ByteBuffer(bytes: bytes), https: https)
    }

    static func message(_ buffer: ByteBuffer, https: Bool) -> Response {
        var headers = headers(https: https)
        headers[.contentLength] = String(buffer.readableBytes)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: buffer))
    }

    static func status(_ status: TAXIIStatusMessage, https: Bool) -> Response {
        message(status.xml(), https: https)
    }
}
