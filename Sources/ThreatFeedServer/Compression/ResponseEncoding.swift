import HTTPTypes
import Hummingbird
import NIOCore

/// When an answer goes out in gzip, decided in one place for the TAXII 1.1, TAXII 2.1 and paged CTIA answers.
/// (The whole CTIA view keeps a gzip body beside its cached plain one: `GzippedBody`.)
enum ResponseEncoding {
    /// Below this an answer is sent as it is. 14,600 bytes is TCP's initial congestion window (10 segments of 1,460
    /// bytes, RFC 6928): an answer that fits arrives in one round trip either way, so gzip would cost CPU per request
    /// (a gateway's incremental poll, a few blocks, is the common case) and save no time.
    static let minimumBytes = 14_600

    static let varyValue = "Accept-Encoding"

    /// `response` with `Vary: Accept-Encoding`, in gzip when the client prefers it and the answer is a success and
    /// large: a body of known length is compressed at once and keeps an exact `Content-Length`; a streamed one
    /// (a large TAXII 1.1 poll) is compressed chunk by chunk as it is written. Errors are never compressed.
    static func encode(_ response: Response, gzip: Bool) async -> Response {
        var response = response
        response.headers[.vary] = varyValue
        guard gzip, response.status.kind == .successful, response.headers[.contentEncoding] == nil else { return response }
        guard let length = response.body.contentLength else {
            response.body = response.body.gzipped()
            response.headers[.contentEncoding] = "gzip"
            response.headers[.contentLength] = nil
            if let etag = response.headers[.eTag] { response.headers[.eTag] = ETag.gzip(etag) }
            return response
        }
        guard length >= minimumBytes else { return response }
        let collector = BodyCollector()
        let body = response.body
        do {
            try await body.write(collector)
        } catch {
            return response
        }
        let plain = collector.buffer
        response.body = ResponseBody(byteBuffer: plain)
        // Out of memory inside zlib is the only failure: the plain answer is still right.
        guard let compressed = try? GzipStream.compress(plain, level: .fast) else { return response }
        response.body = ResponseBody(byteBuffer: compressed)
        response.headers[.contentEncoding] = "gzip"
        response.headers[.contentLength] = String(compressed.readableBytes)
        if let etag = response.headers[.eTag] { response.headers[.eTag] = ETag.gzip(etag) }
        return response
    }
}

/// Gathers a body of known length (ours are single buffers) so that it can be compressed in one go.
/// A class, so that what was written can be read after `ResponseBody.write` consumed the writer.
private final class BodyCollector: ResponseBodyWriter {
    var buffer = ByteBuffer()

    func write(_ part: ByteBuffer) async throws {
        if buffer.readableBytes == 0 { buffer = part } else { buffer.writeImmutableBuffer(part) }
    }

    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
