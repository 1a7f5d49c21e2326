import NIOCore

/// Holds a connection's close until the bytes already written have reached the socket.
///
/// On graceful shutdown Hummingbird writes a response's end and closes the connection at once; NIO fails every
/// write still queued on close, so a client reading slower than the server writes (a gateway polling a large feed
/// during a restart) lost the answer's last kilobytes. Closes wait here for outstanding writes, at most `limit`,
/// so a client that stopped reading cannot hold a connection open.
final class FinishWritesBeforeClose: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = NIOAny
    typealias OutboundOut = NIOAny

    private let limit: TimeAmount
    private var outstandingWrites = 0
    private var heldClose: (mode: CloseMode, promise: EventLoopPromise<Void>?)?
    private var forcedClose: Scheduled<Void>?

    init(limit: TimeAmount) {
        self.limit = limit
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let written = promise ?? context.eventLoop.makePromise()
        outstandingWrites += 1
        written.futureResult.assumeIsolated().whenComplete { _ in
            self.outstandingWrites -= 1
            if self.outstandingWrites == 0 { self.releaseHeldClose(context: context) }
        }
        context.write(data, promise: written)
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        guard mode == .all, outstandingWrites > 0 else {
            context.close(mode: mode, promise: promise)
            return
        }
        if let held = heldClose {
            // A second close while one is held: both complete when the connection closes.
            if let promise {
                if let first = held.promise { first.futureResult.cascade(to: promise) } else { heldClose = (mode, promise) }
            }
            return
        }
        heldClose = (mode, promise)
        context.flush()
        // The flush may have completed every write (and released the close) already.
        guard heldClose != nil else { return }
        forcedClose = context.eventLoop.assumeIsolated().scheduleTask(in: limit) {
            self.forcedClose = nil
            self.releaseHeldClose(context: context)
        }
    }

    private func releaseHeldClose(context: ChannelHandlerContext) {
        guard let held = heldClose else { return }
        heldClose = nil
        forcedClose?.cancel()
        forcedClose = nil
        context.close(mode: held.mode, promise: held.promise)
    }
}
