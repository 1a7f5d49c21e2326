import Foundation
import HTTPTypes
import NIOCore
import Testing
import ThreatFeedTesting

@testable import ThreatFeedServer

/// `Accept-Encoding` read as RFC 9110 §12.5.3 says, reduced to "gzip or not"; anything odd means plain, never an error.
@Suite struct AcceptEncodingTests {
    static let cases: [(header: String?, gzip: Bool)] = [
        (nil, false),
        ("gzip", true),
        ("GZIP", true),
        ("gzip, deflate", true),  // Python requests
        ("gzip, deflate, br, zstd", true),  // browsers
        ("deflate, gzip;q=1.0, *;q=0.5", true),  // curl --compressed
        ("x-gzip", true),
        ("gzip;q=0.001", true),
        ("gzip; q=1.000", true),
        ("gzip;Q=0.5", true),
        ("*", true),
        ("*;q=0.3", true),
        (" , gzip ,", true),  // empty list elements are allowed
        ("gzip;q=0", false),
        ("gzip;q=0.000", false),
        ("gzip;q=0, *", false),  // named and refused: `*` does not bring it back
        ("*;q=0", false),
        ("identity", false),
        ("identity;q=1, *;q=0", false),
        ("br", false),
        ("deflate", false),
        ("gzip;q=0.5, identity", false),  // the client would rather have the plain answer
        ("gzip;q=0.5, identity;q=0.5", true),
        ("gzip, identity;q=0", true),
        // Malformed: read as "no gzip".
        ("gzip;q=abc", false),
        ("gzip;q=1.5", false),
        ("gzip;q=2", false),
        ("gzip;q=0.0001", false),
        ("gzip;q=-1", false),
        ("gzip;q=", false),
        ("gzip;level=9", false),
        ("gzip;q=1;q=1", false),
        ("gzip;", false),
        (";q=1, gzip", false),
        ("gz(ip", false),
        ("gzip@1", false),
        ("\u{e9}gzip, gzip", false),
        ("garbage;;", false),
        (String(repeating: "x", count: 4_000) + ", gzip", false),  // longer than any real client's
        ("gzip, " + String(repeating: "a, ", count: 40), false),  // more codings than anyone names
    ]

    @Test(arguments: cases)
    func decides(_ header: String?, _ gzip: Bool) {
        var fields = HTTPFields()
        if let header { fields.append(HTTPField(name: .acceptEncoding, value: header)) }
        #expect(AcceptEncoding.prefersGzip(fields) == gzip, "\(header.map { String($0.prefix(60)) } ?? "none")")
    }

    @Test func severalFieldsAreOneList() {
        var fields = HTTPFields()
        fields.append(HTTPField(name: .acceptEncoding, value: "br"))
        fields.append(HTTPField(name: .acceptEncoding, value: "gzip;q=0.8"))
        #expect(AcceptEncoding.prefersGzip(fields))
        fields.append(HTTPField(name: .acceptEncoding, value: "identity"))
        #expect(!AcceptEncoding.prefersGzip(fields))
        var long = HTTPFields()
        for _ in 0..<200 { long.append(HTTPField(name: .acceptEncoding, value: "gzip")) }
        #expect(!AcceptEncoding.prefersGzip(long), "many fields add up to a header longer than the limit")
    }

    @Test func gzipTagIsThePlainTagMarked() {
        #expect(ETag.gzip("\"0123456789abcdef-42\"") == "\"0123456789abcdef-42-gz\"")
        #expect(ETag.gzip("W/\"abc\"") == "W/\"abc-gz\"")
        let plain = ETag.of(Array("body".utf8))
        #expect(ETag.matches(ETag.gzip(plain), ETag.gzip(plain)))
        #expect(!ETag.matches(plain, ETag.gzip(plain)))
        #expect(!ETag.matches(ETag.gzip(plain), plain))
    }

    /// What the writers produce is one gzip member that zlib reads back to the input, however it was cut.
    @Test func streamedAndOneShotGzipDecodeToTheInput() throws {
        var plain = ByteBuffer()
        for index in 0..<40_000 { plain.writeString("<block id=\"\(index)\">value-\(index * 7919 % 100_003)</block>\n") }
        let oneShot = try GzipStream.compress(plain, level: .compact)
        #expect(Array(oneShot.readableBytesView.prefix(2)) == [0x1f, 0x8b])
        #expect(try Self.gunzip(oneShot) == plain)

        let stream = try GzipStream(.fast)
        var output = ByteBuffer()
        var rest = plain
        for size in [1, 7, 100_000, 3, 600_000] {
            var part = rest.readSlice(length: min(size, rest.readableBytes))!
            try stream.compress(&part, into: &output)
            #expect(part.readableBytes == 0)
        }
        try stream.compress(&rest, into: &output)
        try stream.finish(into: &output)
        #expect(try Self.gunzip(output) == plain)
    }

    /// Decoded by gzip(1), a decoder that is not ours. (The bodies here are ASCII, so text output is exact.)
    static func gunzip(_ buffer: ByteBuffer) throws -> ByteBuffer {
        let result = try CommandRunner.run(program: "/bin/gzip", ["-dc"], stdin: Data(buffer.readableBytesView))
        guard result.status == 0 else { throw GzipTestFailure( "gzip -dc: \(result.stderr)") }
        return ByteBuffer(string: result.stdout)
    }
}
