import NIOCore
import NIOPosix
import Synchronization

/// The gzip encoding of one cached feed body, compressed the first time a client asks for it and then kept with
/// that body. A new render (the feed changed) brings a new, empty one, so a gzip body is never older than the plain
/// body it sits beside, and clients that never ask for gzip never pay for it. Concurrent first requests share one
/// compression.
final class GzippedBody: Sendable {
    struct Encoded: Sendable {
        let body: ByteBuffer
        /// The plain body's tag marked `-gz` (`ETag.gzip`).
        let etag: String
    }

    private enum State {
        case none
        case compressing(Task<Encoded, any Error>)
        case done(Encoded)
    }

    private let plain: ByteBuffer
    private let plainETag: String
    private let state = Mutex(State.none)

    init(plain: ByteBuffer, etag: String) {
        self.plain = plain
        self.plainETag = etag
    }

    /// The gzip body and its entity tag (the plain one's, marked `-gz`). Throws only if zlib cannot get memory;
    /// the next request then tries again.
    func encoded() async throws -> Encoded {
        enum Next {
            case ready(Encoded)
            case wait(Task<Encoded, any Error>)
        }
        let next = state.withLock { state -> Next in
            switch state {
            case .done(let encoded):
                return .ready(encoded)
            case .compressing(let task):
                return .wait(task)
            case .none:
                let plain = plain
                let etag = ETag.gzip(plainETag)
                // Unstructured: a first client that hangs up does not cancel the work the others wait for. On NIO's
                // thread pool: a large body takes zlib's best level tens of milliseconds, and `serve`'s tasks run
                // on the event loops (`TasksOnEventLoops`), whose other connections would wait that long.
                let task = Task {
                    try await NIOThreadPool.singleton.runIfActive {
                        Encoded(body: try GzipStream.compress(plain, level: .compact), etag: etag)
                    }
                }
                state = .compressing(task)
                return .wait(task)
            }
        }
        switch next {
        case .ready(let encoded):
            return encoded
        case .wait(let task):
            do {
                let encoded = try await task.value
                state.withLock { $0 = .done(encoded) }
                return encoded
            } catch {
                state.withLock { $0 = .none }
                throw error
            }
        }
    }
}

extension ETag {
    /// The tag of the gzip encoding of the body tagged `etag`: `"…-gz"`, so that `If-None-Match` tells the two
    /// apart (a cache holding the plain body must not get a 304 for the gzip one, nor the reverse).
    static func gzip(_ etag: String) -> String {
        let weak = etag.hasPrefix("W/")
        var tag = weak ? String(etag.dropFirst(2)) : etag
        guard tag.hasSuffix("\""), tag.count >= 2 else { return etag + "-gz" }
        tag.removeLast()
        return (weak ? "W/" : "") + tag + "-gz\""
    }
}
