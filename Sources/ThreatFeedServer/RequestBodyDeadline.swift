import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTPTypes

/// Cuts off a request whose body has not arrived within `limit` of its head: a client that trickles its body (a byte
/// every few seconds defeats the idle timeout) would otherwise hold a connection and a handler for ever.
///
/// Lives in the connection's pipeline, on its event loop, rather than beside each handler: a request whose body
/// arrives in the same reads as its head (every real client's small request) costs two flag updates and no timer at
/// all; only a body still incomplete when a burst of reads ends gets one, scheduled on the loop that runs it. A
/// deadline per handler (a task racing the body, or a timer scheduled from the handler's thread) cost a small poll
/// 10 % of its rate at one connection (Benchmarks/RESULTS.md, "Small TAXII polls without thread hops, session 5").
///
/// When it passes, the body's stream fails with `RequestBodyDeadline.Exceeded`: handlers that read bodies answer 408
/// with `Connection: close`, and the connection ends after the answer.
final class RequestBodyDeadline: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    /// The body did not arrive in time. Any handler that lets it through answers 408.
    struct Exceeded: Error, HTTPResponseError {
        var status: HTTPResponse.Status { .requestTimeout }

        func response(from request: Request, context: some RequestContext) throws -> Response {
            let body = ByteBuffer(string: "The request body did not arrive in time.\n")
            return Response(
                status: status,
                headers: [.contentType: "text/plain; charset=utf-8", .contentLength: String(body.readableBytes), .connection: "close"],
                body: .init(byteBuffer: body)
            )
        }
    }

    private enum State {
        /// Between requests, or reading the head.
        case idle
        /// The head has come, not yet the end of the body.
        case readingBody(since: NIODeadline, timer: Scheduled<Void>?)
        /// The deadline passed: nothing more is passed on from this connection.
        case expired
    }

    private let limit: TimeAmount
    private var state = State.idle

    init(limit: TimeAmount) {
        self.limit = limit
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .expired = state { return }
        switch unwrapInboundIn(data) {
        case .head:
            // A new head ends the last request's body whatever the decoder said of it.
            stopTiming()
            state = .readingBody(since: context.eventLoop.now, timer: nil)
        case .end:
            stopTiming()
        case .body:
            break
        }
        context.fireChannelRead(data)
    }

    /// A burst of reads ended with a body still incomplete: time it from its head.
    func channelReadComplete(context: ChannelHandlerContext) {
        if case .readingBody(let since, nil) = state {
            let timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: since + limit) { [self] in
                expire(context: context)
            }
            state = .readingBody(since: since, timer: timer)
        }
        context.fireChannelReadComplete()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stopTiming()
    }

    func channelInactive(context: ChannelHandlerContext) {
        stopTiming()
        context.fireChannelInactive()
    }

    /// Back to between requests, the body's timer (if it had one) cancelled.
    private func stopTiming() {
        if case .readingBody(_, let timer) = state { timer?.cancel() }
        state = .idle
    }

    private func expire(context: ChannelHandlerContext) {
        guard case .readingBody = state else { return }
        state = .expired
        context.fireErrorCaught(Exceeded())
    }
}
