import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOEmbedded
import NIOHTTPTypes
import Testing

@testable import ThreatFeedServer

/// The request-body deadline in the connection's pipeline, on the embedded loop's virtual clock: a body that stops
/// arriving fails the request's stream with `Exceeded` at its limit counted from the head, never before; a body that
/// arrives, however slowly within the limit, passes through untouched; and a connection that timed out passes nothing
/// more on.
@Suite struct RequestBodyDeadlineTests {
    private static let limit = TimeAmount.seconds(30)

    private static func channel() throws -> EmbeddedChannel {
        let channel = EmbeddedChannel(handler: RequestBodyDeadline(limit: limit))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        return channel
    }

    private static let head = HTTPRequestPart.head(HTTPRequest(method: .post, scheme: "http", authority: "x", path: "/taxii/poll"))

    /// Reads delivered in one burst, as one `read` from the socket delivers them.
    private static func burst(_ parts: [HTTPRequestPart], into channel: EmbeddedChannel) {
        for part in parts { channel.pipeline.fireChannelRead(part) }
        channel.pipeline.fireChannelReadComplete()
    }

    private static func passedOn(_ channel: EmbeddedChannel) throws -> [HTTPRequestPart] {
        var parts: [HTTPRequestPart] = []
        while let part = try channel.readInbound(as: HTTPRequestPart.self) { parts.append(part) }
        return parts
    }

    @Test func aBodyThatStopsArrivingFailsAtItsLimitFromTheHead() throws {
        let channel = try Self.channel()
        Self.burst([Self.head], into: channel)
        channel.embeddedEventLoop.advanceTime(by: .seconds(20))
        Self.burst([.body(ByteBuffer(string: "<Poll_Request "))], into: channel)
        // A byte now and then does not move the deadline: it counts from the head.
        channel.embeddedEventLoop.advanceTime(by: .seconds(9))
        #expect(throws: Never.self) { try channel.throwIfErrorCaught() }
        channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(throws: RequestBodyDeadline.Exceeded.self) { try channel.throwIfErrorCaught() }
        #expect(try Self.passedOn(channel).count == 2)
        // Whatever comes after is dropped: the request's stream has ended with the error.
        Self.burst([.body(ByteBuffer(string: "late")), .end(nil)], into: channel)
        #expect(try Self.passedOn(channel).isEmpty)
    }

    @Test func aBodyThatArrivesWithinTheLimitPassesThroughUntouched() throws {
        let channel = try Self.channel()
        Self.burst([Self.head, .body(ByteBuffer(string: "<Poll_Request "))], into: channel)
        channel.embeddedEventLoop.advanceTime(by: .seconds(29))
        Self.burst([.body(ByteBuffer(string: "collection_name=\"x\"/>")), .end(nil)], into: channel)
        channel.embeddedEventLoop.advanceTime(by: .seconds(3600))
        #expect(throws: Never.self) { try channel.throwIfErrorCaught() }
        let parts = try Self.passedOn(channel)
        #expect(parts.count == 4)
        #expect(parts.last == .end(nil))
    }

    /// The next request on a kept-alive connection gets its own limit, counted from its own head.
    @Test func eachRequestOnAConnectionIsTimedFromItsOwnHead() throws {
        let channel = try Self.channel()
        Self.burst([Self.head, .end(nil)], into: channel)
        channel.embeddedEventLoop.advanceTime(by: .seconds(3600))
        Self.burst([Self.head, .body(ByteBuffer(string: "{"))], into: channel)
        channel.embeddedEventLoop.advanceTime(by: .seconds(29))
        #expect(throws: Never.self) { try channel.throwIfErrorCaught() }
        channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(throws: RequestBodyDeadline.Exceeded.self) { try channel.throwIfErrorCaught() }
    }

    @Test func aClosedConnectionLeavesNoDeadlineBehind() throws {
        let channel = try Self.channel()
        Self.burst([Self.head], into: channel)
        _ = try channel.finish()
        channel.embeddedEventLoop.advanceTime(by: .seconds(3600))
        #expect(throws: Never.self) { try channel.throwIfErrorCaught() }
    }

    /// What a handler that lets the error through answers (the TAXII, lookup and XDR handlers answer their own 408s).
    @Test func theErrorIsA408ThatClosesTheConnection() throws {
        let request = Request(
            head: HTTPRequest(method: .post, scheme: "http", authority: "x", path: "/ui/login"), body: .init(buffer: ByteBuffer())
        )
        let context = BasicRequestContext(source: .init(channel: EmbeddedChannel(), logger: Logger(label: "test")))
        let response = try RequestBodyDeadline.Exceeded().response(from: request, context: context)
        #expect(response.status == .requestTimeout)
        #expect(response.headers[.connection] == "close")
    }
}

/// The configured limits reach NIO whole: a sub-second limit is not rounded to zero, a huge one does not overflow.
@Suite struct ConfiguredTimeAmountTests {
    @Test func durationsBecomeTimeAmountsToTheMillisecond() {
        #expect(timeAmount(.milliseconds(500)) == .milliseconds(500))
        #expect(timeAmount(.seconds(30)) == .seconds(30))
        #expect(timeAmount(.zero) == .zero)
        #expect(timeAmount(.seconds(-5)) == .zero)
        #expect(timeAmount(.seconds(Int64.max)) == .milliseconds(100 * 365 * 86_400_000))
    }
}
