import NIOCore
import NIOEmbedded
import Testing

@testable import ThreatFeedServer

/// A close asked for right after the last write of an answer (Hummingbird does this on graceful shutdown) must not
/// discard the bytes still queued, and must not wait for ever on a client that stopped reading.
@Suite struct FinishWritesBeforeCloseTests {
    /// Takes writes and never completes them: the socket of a client that stopped reading.
    final class StalledSocket: ChannelOutboundHandler, RemovableChannelHandler {
        typealias OutboundIn = ByteBuffer
        var stalled: [EventLoopPromise<Void>] = []
        func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
            if let promise { stalled.append(promise) }
        }
    }

    @Test func aCloseWaitsUntilQueuedWritesReachTheSocket() throws {
        let channel = EmbeddedChannel(handler: FinishWritesBeforeClose(limit: .seconds(60)))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        let written = channel.eventLoop.makePromise(of: Void.self)
        channel.write(ByteBuffer(string: "end of answer"), promise: written)
        var outcome: Result<Void, any Error>?
        written.futureResult.assumeIsolated().whenComplete { outcome = $0 }
        try channel.close().wait()
        #expect(throws: Never.self) { try outcome?.get() }
        #expect(outcome != nil, "the write neither completed nor failed")
        let delivered = try channel.readOutbound(as: ByteBuffer.self)
        let open = channel.isActive
        #expect(delivered == ByteBuffer(string: "end of answer"))
        #expect(!open)
    }

    @Test func aCloseIsForcedAfterTheLimitWhenTheClientStopsReading() throws {
        let socket = StalledSocket()
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandlers([socket, FinishWritesBeforeClose(limit: .seconds(60))])
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        channel.writeAndFlush(ByteBuffer(string: "never read"), promise: nil)
        let closed = channel.close()
        channel.embeddedEventLoop.advanceTime(by: .seconds(59))
        let openBeforeTheLimit = channel.isActive
        #expect(openBeforeTheLimit)
        channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        try closed.wait()
        let openAfterTheLimit = channel.isActive
        #expect(!openAfterTheLimit)
        for promise in socket.stalled { promise.fail(ChannelError.ioOnClosedChannel) }
    }
}
