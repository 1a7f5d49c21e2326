import CompressNIO
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// One gzip stream (RFC 1952) through the system zlib, by compress-nio's `ZlibCompressor`.
///
/// zlib's state (about 270 KB of C memory) is freed when the stream is, whether or not it was finished: an answer
/// whose client hangs up mid-way drops its writer and so its stream. `open` counts the streams alive, for the test
/// that shows it.
final class GzipStream {
    /// How hard to try. zlib's level 1 compresses STIX XML 18:1 at several times the speed of level 6 (25:1), so
    /// answers compressed per request use it; a body compressed once and served many times can afford level 6.
    enum Level {
        case fast
        case compact

        var zlib: ZlibConfiguration.CompressionLevel {
            switch self {
            case .fast: .fastestCompression
            case .compact: .compressionLevel6
            }
        }
    }

    static let open = Atomic<Int>(0)

    private let zlib: ZlibCompressor

    init(_ level: Level) throws {
        zlib = try ZlibCompressor(algorithm: .gzip, configuration: ZlibConfiguration(compressionLevel: level.zlib))
        Self.open.wrappingAdd(1, ordering: .relaxed)
    }

    deinit {
        Self.open.wrappingSubtract(1, ordering: .relaxed)
    }

    /// Compresses all of `input` into `output`, growing it as needed; zlib may keep some bytes back until `finish`.
    func compress(_ input: inout ByteBuffer, into output: inout ByteBuffer) throws {
        while input.readableBytes > 0 {
            if output.writableBytes == 0 { output.reserveCapacity(minimumWritableBytes: max(16_384, input.readableBytes / 8)) }
            do {
                try zlib.deflate(from: &input, to: &output, flush: .no)
            } catch let error as CompressNIOError where error == .bufferOverflow {
                continue  // output full: grown on the next turn
            }
        }
    }

    /// Writes what zlib kept back and the gzip trailer (CRC-32 and length), however many turns that takes.
    func finish(into output: inout ByteBuffer) throws {
        var nothing = ByteBuffer()
        while true {
            if output.writableBytes < 64 { output.reserveCapacity(minimumWritableBytes: 16_384) }
            do {
                try zlib.deflate(from: &nothing, to: &output, flush: .finish)
                return
            } catch let error as CompressNIOError where error == .bufferOverflow {
                continue
            }
        }
    }

    /// `plain` as one gzip member.
    static func compress(_ plain: ByteBuffer, level: Level) throws -> ByteBuffer {
        let stream = try GzipStream(level)
        var input = plain
        var output = ByteBuffer()
        output.reserveCapacity(plain.readableBytes / 4 + 1_024)
        try stream.compress(&input, into: &output)
        try stream.finish(into: &output)
        return output
    }
}

/// Compresses what is written through it and passes it on; `finish` ends the gzip member before the body.
struct GzipResponseBodyWriter: ResponseBodyWriter {
    var parent: any ResponseBodyWriter
    let stream: GzipStream

    mutating func write(_ buffer: ByteBuffer) async throws {
        var input = buffer
        var output = ByteBuffer()
        output.reserveCapacity(input.readableBytes / 8 + 1_024)
        try stream.compress(&input, into: &output)
        if output.readableBytes > 0 { try await parent.write(output) }
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {
        var output = ByteBuffer()
        try stream.finish(into: &output)
        try await parent.write(output)
        try await parent.finish(trailingHeaders)
    }
}

extension ResponseBody {
    /// This body compressed as it is written, at zlib's fast level: memory is one chunk and zlib's state, whatever
    /// the length.
    func gzipped() -> ResponseBody {
        let plain = self
        return ResponseBody { writer in
            try await plain.write(GzipResponseBodyWriter(parent: writer, stream: try GzipStream(.fast)))
        }
    }
}
