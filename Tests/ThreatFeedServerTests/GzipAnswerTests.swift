import Foundation
import Glibc
import Synchronization
import Testing
import ThreatFeedCore
import ThreatFeedFormats
import ThreatFeedStore
import ThreatFeedTesting

@testable import ThreatFeedServer

/// gzip on the CTIA view and TAXII answers, over a real loopback socket with real clients (curl, Python requests,
/// cabby): the same bytes as without gzip, an entity tag per encoding, `Vary` everywhere, plain errors.
@Suite(.serialized) struct GzipAnswerTests {
    // MARK: Clients

    struct Answer {
        var status: Int
        /// The last header block curl printed, names lower-cased.
        var headers: [String: String]
        var body: [UInt8]
    }

    /// curl, the body to a file and the headers to stdout. `--compressed` asks for gzip and decodes it; a bare
    /// `Accept-Encoding` header asks and keeps the bytes as they came over the wire.
    static func curl(_ server: TAXIITestServer, _ arguments: [String], stdin: Data? = nil) async throws -> Answer {
        let file = server.directory.file("curl-\(UUID().uuidString)")
        let result = try await onThread {
            try CommandRunner.run(program: "/usr/bin/curl", ["-sS", "-D", "-", "-o", file] + arguments, stdin: stdin)
        }
        guard result.status == 0 else { throw GzipTestFailure( "curl \(arguments) exited \(result.status): \(result.stderr)") }
        let blocks = result.stdout.components(separatedBy: "\r\n\r\n").filter { !$0.isEmpty }
        let lines = (blocks.last ?? "").components(separatedBy: "\r\n")
        let status = Int(lines.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let body = (try? Data(contentsOf: URL(fileURLWithPath: file))).map { Array($0) } ?? []
        return Answer(status: status, headers: headers, body: body)
    }

    static func viewURL(_ server: TAXIITestServer, text: Bool = false) -> String {
        server.base + "/ctia/feed/\(server.feed.id)/view\(text ? ".txt" : "")?s=\(server.feed.secret.reveal)"
    }

    static let taxiiHeaders = [
        "-H", "Content-Type: application/xml", "-H", "X-TAXII-Content-Type: urn:taxii.mitre.org:message:xml:1.1",
        "-H", "X-TAXII-Services: urn:taxii.mitre.org:services:1.1", "-H", "X-TAXII-Protocol: urn:taxii.mitre.org:protocol:http:1.0",
    ]

    static func poll(_ server: TAXIITestServer, _ extra: [String], request: String = TAXIITestServer.pollRequest()) async throws -> Answer {
        try await curl(
            server, ["-X", "POST", "--data-binary", "@-", "-u", "gateway:\(TAXIITestServer.password)"] + taxiiHeaders + extra
                + [server.base + "/taxii/poll"],
            stdin: Data(request.utf8))
    }

    /// A poll answer with its random `message_id` blanked, to compare two answers to the same window.
    static func comparable(_ body: [UInt8]) -> String {
        String(decoding: body, as: UTF8.self).replacingOccurrences(of: #"message_id="[^"]*""#, with: "message_id=\"\"", options: .regularExpression)
    }

    static func gunzip(_ bytes: [UInt8]) throws -> [UInt8] {
        let result = try CommandRunner.run(program: "/bin/gzip", ["-dc"], stdin: Data(bytes))
        guard result.status == 0 else { throw GzipTestFailure( "gzip -dc: \(result.stderr)") }
        return Array(result.stdout.utf8)
    }

    static func values(_ count: Int, prefix: String = "host") -> [String] {
        (0..<count).map { "\(prefix)-\($0).example" }
    }

    // MARK: CTIA view

    @Test func viewInGzipIsThePlainBodyWithItsOwnLengthAndTagAndHEADAgrees() async throws {
        let server = try TAXIITestServer()
        defer { server.directory.remove() }
        try server.record(Self.values(300))
        try await server.run {
            for text in [false, true] {
                let url = Self.viewURL(server, text: text)
                let plain = try await Self.curl(server, [url])
                #expect(plain.status == 200)
                #expect(plain.headers["content-encoding"] == nil)
                #expect(plain.headers["vary"] == "Accept-Encoding")
                #expect(plain.headers["content-length"] == String(plain.body.count))
                let etag = try #require(plain.headers["etag"])

                let decoded = try await Self.curl(server, ["--compressed", url])
                #expect(decoded.status == 200)
                #expect(decoded.headers["content-encoding"] == "gzip")
                #expect(decoded.headers["vary"] == "Accept-Encoding")
                #expect(decoded.headers["etag"] == String(etag.dropLast()) + "-gz\"")
                #expect(decoded.body == plain.body, "curl --compressed decodes to the plain body")

                let raw = try await Self.curl(server, ["-H", "Accept-Encoding: gzip", url])
                #expect(raw.headers["content-length"] == String(raw.body.count), "Content-Length is the gzip body's")
                #expect(raw.body.count < plain.body.count)
                #expect(Array(raw.body.prefix(2)) == [0x1f, 0x8b])
                #expect(try Self.gunzip(raw.body) == plain.body)
                // Served from the cache: the same bytes again.
                #expect(try await Self.curl(server, ["-H", "Accept-Encoding: gzip", url]).body == raw.body)

                // HEAD: the GET's status and headers, no body, in either encoding.
                for (ask, get) in [([String](), plain), (["-H", "Accept-Encoding: gzip"], raw)] {
                    let head = try await Self.curl(server, ["-I"] + ask + [url])
                    #expect(head.status == 200)
                    for name in ["content-length", "content-encoding", "etag", "vary", "content-type"] {
                        #expect(head.headers[name] == get.headers[name], "HEAD \(name), \(ask)")
                    }
                }
            }
        }
    }

    /// Pages (opt-in `limit`) are not cached: compressed per request when large, like TAXII answers.
    @Test func largeViewPagesGoOutInGzipSmallOnesPlain() async throws {
        let server = try TAXIITestServer()
        defer { server.directory.remove() }
        try server.record(Self.values(600))
        try await server.run {
            for (limit, gzip) in [(500, true), (5, false)] {
                let url = Self.viewURL(server) + "&limit=\(limit)"
                let plain = try await Self.curl(server, [url])
                let raw = try await Self.curl(server, ["-H", "Accept-Encoding: gzip", url])
                #expect(raw.status == 200)
                #expect(raw.headers["vary"] == "Accept-Encoding")
                #expect(raw.headers["x-search_after"] == plain.headers["x-search_after"], "paging headers as without gzip")
                #expect(raw.headers["content-encoding"] == (gzip ? "gzip" : nil), "limit \(limit)")
                #expect(raw.headers["content-length"] == String(raw.body.count))
                #expect((gzip ? try Self.gunzip(raw.body) : raw.body) == plain.body, "limit \(limit)")
            }
        }
    }

    @Test func ifNoneMatchMatchesTheTagOfTheEncodingServed() async throws {
        let server = try TAXIITestServer()
        defer { server.directory.remove() }
        try server.record(Self.values(50))
        try await server.run {
            let url = Self.viewURL(server)
            let plainTag = try #require(try await Self.curl(server, [url]).headers["etag"])
            let gzipTag = try #require(try await Self.curl(server, ["--compressed", url]).headers["etag"])
            #expect(plainTag != gzipTag)
            let cases: [(gzip: Bool, condition: String, status: Int)] = [
                (true, gzipTag, 304),
                (true, plainTag, 200),  // the plain body's tag says nothing about the gzip body
                (false, plainTag, 304),
                (false, gzipTag, 200),
                (true, "\(plainTag), \(gzipTag)", 304),
                (true, "W/\(gzipTag)", 304),
                (true, "*", 304),
            ]
            for (gzip, condition, status) in cases {
                let answer = try await Self.curl(
                    server, (gzip ? ["--compressed"] : []) + ["-H", "If-None-Match: \(condition)", url])
                #expect(answer.status == status, "gzip \(gzip), If-None-Match \(condition)")
                #expect(answer.headers["vary"] == "Accept-Encoding", "a 304 says it varies too")
                #expect(answer.headers["etag"] == (gzip ? gzipTag : plainTag))
                if status == 200 {
                    #expect(answer.headers["content-encoding"] == (gzip ? "gzip" : nil))
                    #expect(!answer.body.isEmpty)
                } else {
                    #expect(answer.body.isEmpty)
                }
            }
        }
    }

    @Test func aFeedChangeGivesANewGzipBodyNeverAStaleOne() async throws {
        let server = try TAXIITestServer()
        defer { server.directory.remove() }
        try server.record(Self.values(40))
        try await server.run {
            let url = Self.viewURL(server)
            let before = try await Self.curl(server, ["--compressed", url])
            #expect(before.headers["content-encoding"] == "gzip")
            #expect(!String(decoding: before.body, as: UTF8.self).contains("added-later.example"))

            server.clock.advance(by: 1)
            try server.record(["added-later.example"])
            let after = try await Self.curl(server, ["--compressed", url])
            #expect(after.headers["content-encoding"] == "gzip")
            #expect(String(decoding: after.body, as: UTF8.self).contains("added-later.example"))
            #expect(after.headers["etag"] != before.headers["etag"])
            #expect(after.body == (try await Self.curl(server, [url])).body, "the new gzip body is the new plain body")
            // The old gzip tag no longer matches.
            let conditional = try await Self.curl(server, ["--compressed", "-H", "If-None-Match: \(before.headers["etag"] ?? "")", url])
            #expect(conditional.status == 200)
        }
    }

    /// Each header sent for real; the answer is gzip exactly when the header prefers it, and never an error.
    @Test func acceptEncodingVariantsOverTheWire() async throws {
        let server = try TAXIITestServer()
        defer { server.directory.remove() }
        try server.record(Self.values(30))
        let variants: [(header: String, gzip: Bool)] = [
            ("gzip", true), ("GZip", true), ("gzip, deflate", true), ("*", true), ("br;q=1, gzip;q=0.2", true), ("x-gzip", true),
            ("gzip;q=0", false), ("identity", false), ("*;q=0", false), ("gzip;q=0.4, identity;q=0.9", false), ("br", false),
            ("garbage;;", false), ("gzip;q=high", false), ("gzip;q=1.5", false),
            ("gzip, " + String(repeating: "token-\(UUID().uuidString), ", count: 60), false),  // about 2.6 KB
        ]
        try await server.run {
            let url = Self.viewURL(server)
            let plain = try await Self.curl(server, [url]).body
            for (header, gzip) in variants {
                let answer = try await Self.curl(server, ["-H", "Accept-Encoding: \(header)", url])
                #expect(answer.status == 200, "\(header.prefix(40))")
                #expect(answer.headers["vary"] == "Accept-Encoding")
                #expect(answer.headers["content-encoding"] == (gzip ? "gzip" : nil), "\(header.prefix(40))")
                #expect((gzip ? try Self.gunzip(answer.body) : answer.body) == plain, "\(header.prefix(40))")
            }
        }
    }

    @Test func errorsAreNeverCompressed() async throws {
        let server = try TAXIITestServer()
        defer { server.directory.remove() }
        try server.record(Self.values(20))
        try await server.run {
            let wrongSecret = server.base + "/ctia/feed/\(server.feed.id)/view?s=not-the-secret"
            let unknownFeed = server.base + "/ctia/feed/feed-00000000-0000-4000-8000-000000000000/view?s=x"
            for (url, status) in [(wrongSecret, 401), (unknownFeed, 404), (Self.viewURL(server) + "&bogus=1", 400)] {
                for head in [false, true] {
                    let answer = try await Self.curl(server, (head ? ["-I"] : []) + ["-H", "Accept-Encoding: gzip", url])
                    #expect(answer.status == status)
                    #expect(answer.headers["content-encoding"] == nil)
                    #expect(answer.headers["vary"] == "Accept-Encoding")
                }
            }
            let taxii2 = try await Self.curl(
                server, ["-H", "Accept-Encoding: gzip", "-u", "gateway:wrong", server.base + "/taxii2/api/collections/"])
            #expect(taxii2.status == 401)
            #expect(taxii2.headers["content-encoding"] == nil)
            #expect(taxii2.headers["vary"] == "Accept-Encoding")
            // A TAXII 1.1 Status_Message (HTTP 200) is sent as it is.
            let status = try await Self.poll(server, ["-H", "Accept-Encoding: gzip"], request: TAXIITestServer.pollRequest(collection: "no-such"))
            #expect(String(decoding: status.body, as: UTF8.self).contains("Status_Message"))
            #expect(status.headers["content-encoding"] == nil)
            #expect(status.headers["vary"] == "Accept-Encoding")
        }
    }

    // MARK: TAXII

    @Test func pollsInGzipAreThePlainAnswersAndSmallOnesStayPlain() async throws {
        let server = try TAXIITestServer()
        defer { server.directory.remove() }
        // Three windows: 2 blocks (under the threshold), 40 (one read, known length), 1,100 (streamed).
        try server.record(Self.values(2, prefix: "small"))
        let afterSmall = TAXIITimestamp.string(from: TimestampLabel(server.clock.now.addingTimeInterval(0.5)))
        server.clock.advance(by: 1)
        try server.record(Self.values(40, prefix: "middle"))
        let afterMiddle = TAXIITimestamp.string(from: TimestampLabel(server.clock.now.addingTimeInterval(0.5)))
        server.clock.advance(by: 1)
        try server.record(Self.values(1_058, prefix: "large"))
        try await server.run {
            let windows: [(request: String, blocks: Int, gzip: Bool, length: Bool)] = [
                (TAXIITestServer.pollRequest(end: afterSmall), 2, false, true),
                (TAXIITestServer.pollRequest(begin: afterSmall, end: afterMiddle), 40, true, true),
                (TAXIITestServer.pollRequest(), 1_100, true, false),
            ]
            for (request, blocks, gzip, length) in windows {
                let plain = try await Self.poll(server, [], request: request)
                #expect(plain.headers["content-encoding"] == nil)
                #expect(plain.headers["vary"] == "Accept-Encoding")
                #expect(Self.comparable(plain.body).components(separatedBy: "<taxii_11:Content_Block>").count - 1 == blocks)

                let decoded = try await Self.poll(server, ["--compressed"], request: request)
                #expect(decoded.headers["content-encoding"] == (gzip ? "gzip" : nil), "\(blocks) blocks")
                #expect(decoded.headers["vary"] == "Accept-Encoding")
                #expect(Self.comparable(decoded.body) == Self.comparable(plain.body), "\(blocks) blocks: same answer")

                let raw = try await Self.poll(server, ["-H", "Accept-Encoding: gzip"], request: request)
                if length {
                    #expect(raw.headers["content-length"] == String(raw.body.count), "\(blocks) blocks")
                } else {
                    #expect(raw.headers["content-length"] == nil, "streamed: no length up front")
                }
                if gzip {
                    // The whole member, trailer included: gzip(1) checks the CRC and length.
                    #expect(Self.comparable(try Self.gunzip(raw.body)) == Self.comparable(plain.body))
                    #expect(raw.body.count * 5 < plain.body.count)
                }
            }
        }
    }

    @Test func pythonRequestsAndCabbyDecodeGzipAnswers() async throws {
        let server = try TAXIITestServer()
        defer { server.directory.remove() }
        try server.record(Self.values(1_100))
        try await server.run {
            // The view, as a requests-based feed client fetches it (requests asks for gzip by default).
            let viewFile = server.directory.file("requests-view.json")
            let view = try PythonClients.decode(try await onThread {
                try PythonClients.output("gzip_clients.py", ["get", Self.viewURL(server), "--out", viewFile])
            })
            #expect((view["sent_accept_encoding"] as? String)?.contains("gzip") == true)
            #expect((view["headers"] as? [String: String])?["content-encoding"] == "gzip")
            let wire = try #require(view["wire_bytes"] as? Int), decodedBytes = try #require(view["body_bytes"] as? Int)
            #expect(wire < decodedBytes)
            let plainView = try await Self.curl(server, [Self.viewURL(server)]).body
            #expect(Array(try Data(contentsOf: URL(fileURLWithPath: viewFile))) == plainView)

            // A streamed poll through requests.
            let requestFile = server.directory.file("poll.xml")
            try Data(TAXIITestServer.pollRequest().utf8).write(to: URL(fileURLWithPath: requestFile))
            let pollFile = server.directory.file("requests-poll.xml")
            let poll = try PythonClients.decode(try await onThread {
                try PythonClients.output(
                    "gzip_clients.py",
                    ["post", server.base + "/taxii/poll", "--out", pollFile, "--body", requestFile, "--user", "gateway", "--password", TAXIITestServer.password])
            })
            #expect((poll["headers"] as? [String: String])?["content-encoding"] == "gzip")
            #expect(try #require(poll["wire_bytes"] as? Int) * 5 < (try #require(poll["body_bytes"] as? Int)))
            let plainPoll = try await Self.poll(server, []).body
            #expect(Self.comparable(Array(try Data(contentsOf: URL(fileURLWithPath: pollFile)))) == Self.comparable(plainPoll))

            // cabby reads the gzip stream itself (dispatcher.request_stream wraps it in GzipFile).
            let cabby = try PythonClients.decode(try await onThread {
                try PythonClients.output(
                    "gzip_clients.py",
                    ["cabby-poll", server.base + "/taxii/poll", "--collection", "esa-feed", "--user", "gateway", "--password", TAXIITestServer.password])
            })
            #expect(cabby["content_encoding"] as? String == "gzip")
            #expect(cabby["blocks"] as? Int == 1_100)
            #expect(cabby["distinct_contents"] as? Int == 1_100)
        }
    }

    @Test func largeTAXII2PagesGoOutInGzip() async throws {
        let server = try TAXIITestServer()
        defer { server.directory.remove() }
        try server.record(Self.values(120))
        try await server.run {
            let url = server.base + "/taxii2/api/collections/\(TAXII2CollectionID.of(feedID: server.feed.id))/objects/"
            let common = ["-u", "gateway:\(TAXIITestServer.password)", "-H", "Accept: application/taxii+json;version=2.1"]
            let plain = try await Self.curl(server, common + [url])
            #expect(plain.status == 200)
            #expect(plain.headers["vary"] == "Accept-Encoding")
            #expect(plain.body.count > ResponseEncoding.minimumBytes)
            let raw = try await Self.curl(server, common + ["-H", "Accept-Encoding: gzip", url])
            #expect(raw.headers["content-encoding"] == "gzip")
            #expect(raw.headers["content-length"] == String(raw.body.count))
            #expect(try Self.gunzip(raw.body) == plain.body)
            // A small answer (the API root) stays plain.
            let root = try await Self.curl(server, common + ["-H", "Accept-Encoding: gzip", server.base + "/taxii2/api/"])
            #expect(root.status == 200)
            #expect(root.headers["content-encoding"] == nil)
            #expect(root.headers["vary"] == "Accept-Encoding")
        }
    }

    /// A client that hangs up mid-answer: the write fails, the body ends, and zlib's state goes with it. The answer is
    /// made larger than the loopback socket buffers can hold (long random URLs compress little), so the server is
    /// still writing when the client goes.
    @Test func aClientThatHangsUpMidAnswerFreesItsCompressor() async throws {
        let server = try TAXIITestServer()
        defer { server.directory.remove() }
        // About 1,900 random base-36 characters each: some 1.2 KB per block after gzip, 7 MB in all.
        let values = (0..<6_000).map { index in
            "https://long-\(index).example/" + (0..<150).map { _ in String(UInt64.random(in: .min ... .max), radix: 36) }.joined().prefix(1_900)
        }
        for slice in stride(from: 0, to: values.count, by: 1_000) { try server.record(Array(values[slice..<slice + 1_000])) }
        try await server.run {
            #expect(GzipStream.open.load(ordering: .relaxed) == 0)
            let body = TAXIITestServer.pollRequest()
            let credentials = Data("gateway:\(TAXIITestServer.password)".utf8).base64EncodedString()
            let request = "POST /taxii/poll HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Encoding: gzip\r\nAuthorization: Basic \(credentials)\r\n"
                + "Content-Type: application/xml\r\nX-TAXII-Content-Type: urn:taxii.mitre.org:message:xml:1.1\r\n"
                + "X-TAXII-Services: urn:taxii.mitre.org:services:1.1\r\nContent-Length: \(body.utf8.count)\r\n\r\n" + body
            let socket = try SlowReader(port: server.port)
            try socket.send(request)
            let head = try await onThread { try socket.receive(upTo: 1_024) }
            #expect(head.hasPrefix("HTTP/1.1 200"))
            #expect(head.lowercased().contains("content-encoding: gzip"))
            try await waitUntil("the answer's gzip stream is open") { GzipStream.open.load(ordering: .relaxed) == 1 }
            socket.close()
            try await waitUntil("the server logs the poll as aborted") {
                server.logs.all.contains { $0.contains("path=/taxii/poll") && $0.contains("aborted=true") }
            }
            try await waitUntil("no gzip stream left open") { GzipStream.open.load(ordering: .relaxed) == 0 }
        }
    }
}

/// A blocking TCP client with a small receive buffer, which reads only what it is told to: the server's writes back
/// up behind it.
final class SlowReader: Sendable {
    let descriptor: Int32

    init(port: Int) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw GzipTestFailure( "socket() failed") }
        var size: Int32 = 4_096
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            Glibc.close(fd)
            throw GzipTestFailure( "connect() failed: \(errno)")
        }
        descriptor = fd
    }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { throw GzipTestFailure( "send() failed: \(errno)") }
            sent += n
        }
    }

    /// At most `limit` bytes: one read.
    func receive(upTo limit: Int) throws -> String {
        var buffer = [UInt8](repeating: 0, count: limit)
        let n = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, limit, 0) }
        guard n > 0 else { throw GzipTestFailure( "recv() failed: \(errno)") }
        return String(decoding: buffer.prefix(n), as: UTF8.self)
    }

    func close() {
        Glibc.close(descriptor)
    }
}

struct GzipTestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
