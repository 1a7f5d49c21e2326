import Hummingbird
import NIOCore
import Testing

@testable import ThreatFeedServer

/// Reading a request body against its deadline (`TAXIIController.collect(_:upTo:within:)`): a whole body is returned
/// whole, a body that stops arriving is a timeout even when its stream ends quietly on cancellation, and a handler
/// cancelled for another reason (the server stopping) is not reported as the client's timeout.
@Suite struct RequestBodyDeadlineTests {
    private static func body(_ chunks: [String], finished: Bool) -> RequestBody {
        let (stream, continuation) = AsyncStream<ByteBuffer>.makeStream()
        for chunk in chunks { continuation.yield(ByteBuffer(string: chunk)) }
        if finished { continuation.finish() }
        // The continuation lives as long as the stream when the body never finishes.
        return RequestBody(asyncSequence: KeepingContinuation(stream: stream, continuation: continuation))
    }

    @Test func aBodyThatArrivesIsReturnedWhole() async throws {
        let collected = try await TAXIIController.collect(
            Self.body(["<Poll_Request ", "collection_name=\"x\"/>"], finished: true), upTo: 1_000, within: .seconds(30))
        #expect(collected.map { String(buffer: $0) } == "<Poll_Request collection_name=\"x\"/>")
    }

    @Test func aBodyOverTheLimitIsNil() async throws {
        let collected = try await TAXIIController.collect(Self.body(["0123456789", "0123456789"], finished: true), upTo: 15, within: .seconds(30))
        #expect(collected == nil)
    }

    /// An `AsyncStream` ends with nil when its reader is cancelled, as NIO's body stream may: the part read so far must
    /// not pass for the whole body.
    @Test func aBodyThatStopsArrivingTimesOut() async throws {
        await #expect(throws: TAXIIController.BodyTimedOut.self) {
            _ = try await TAXIIController.collect(Self.body(["<Poll_Request "], finished: false), upTo: 1_000, within: .milliseconds(50))
        }
    }

    @Test func aHandlerCancelledWhileReadingIsNotATimeout() async throws {
        let reading = Task {
            try await TAXIIController.collect(Self.body(["<Poll_Request "], finished: false), upTo: 1_000, within: .seconds(3600))
        }
        reading.cancel()
        let result = await reading.result
        #expect(throws: CancellationError.self) { try result.get() }
    }
}

/// An `AsyncStream` that keeps its continuation alive, so that an unfinished body stays unfinished.
private struct KeepingContinuation: AsyncSequence, Sendable {
    let stream: AsyncStream<ByteBuffer>
    let continuation: AsyncStream<ByteBuffer>.Continuation

    func makeAsyncIterator() -> AsyncStream<ByteBuffer>.AsyncIterator { stream.makeAsyncIterator() }
}
