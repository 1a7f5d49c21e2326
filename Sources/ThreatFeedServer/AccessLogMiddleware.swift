import Foundation
import Hummingbird
import Logging
import Synchronization

/// One line per request: method, path, route, status, bytes sent, duration and client.
///
/// Hummingbird's own request logger prints the URI with its query, and the feed secret travels in
/// the query (`?s=`), so we log the path alone.
struct AccessLogMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        do {
            var response = try await next(request, context)
            metrics.request(route: context.endpointPath ?? "unmatched", method: request.method.rawValue, status: response.status.code, duration: ContinuousClock.now - start)
            if let length = response.body.contentLength {
                log(request, context, status: response.status.code, bytes: length, start: start)
                return response
            }
            // A streamed answer (a large poll): logged when its last byte is written, with the bytes sent and
            // whether it completed (a client that hangs up mid-poll shows as aborted).
            let original = response.body
            let sent = Atomic<Int>(0)
            let status = response.status.code
            response.body = ResponseBody { writer in
                do {
                    try await original.map { buffer in
                        sent.add(buffer.readableBytes, ordering: .relaxed)
                        return buffer
                    }.write(writer)
                    log(request, context, status: status, bytes: sent.load(ordering: .relaxed), start: start)
                } catch {
                    log(request, context, status: status, bytes: sent.load(ordering: .relaxed), start: start, aborted: true)
                    throw error
                }
            }
            return response
        } catch let error as any HTTPResponseError {
            // Rendered here rather than by the router, so that the line can say how many bytes it holds.
            let response = try error.response(from: request, context: context)
            metrics.request(route: context.endpointPath ?? "unmatched", method: request.method.rawValue, status: response.status.code, duration: ContinuousClock.now - start)
            log(request, context, status: response.status.code, bytes: response.body.contentLength, start: start)
            return response
        } catch {
            metrics.request(route: context.endpointPath ?? "unmatched", method: request.method.rawValue, status: 500, duration: ContinuousClock.now - start)
            log(request, context, status: 500, bytes: nil, start: start)
            context.logger.error("request failed", metadata: ["error": "\(String(reflecting: type(of: error)))"])
            throw error
        }
    }

    /// The metric counts the time to the answer's head; the log line, the time to its last byte.
    private func log(_ request: Request, _ context: Context, status: Int, bytes: Int?, start: ContinuousClock.Instant, aborted: Bool = false) {
        // Below the logger's level (`--log-level warning`) the line is not built at all.
        guard context.logger.logLevel <= .info else { return }
        let elapsed = ContinuousClock.now - start
        // The matched route pattern (`/ctia/feed/{id}/view`): ids and secrets never become label values.
        let route = context.endpointPath ?? "unmatched"
        // Tenths of a millisecond, rounded, in integers: `String(format:)` cost more than the rest of the line.
        let (seconds, attoseconds) = elapsed.components
        let tenths = seconds &* 10_000 &+ (attoseconds &+ 50_000_000_000_000) / 100_000_000_000_000
        var metadata: Logger.Metadata = [
            "method": "\(request.method.rawValue)", "path": "\(request.uri.path)", "route": "\(route)", "status": "\(status)",
            "ms": "\(tenths / 10).\(tenths % 10)", "client": "\(context.clientAddress)",
        ]
        if let bytes { metadata["bytes"] = "\(bytes)" }
        if aborted { metadata["aborted"] = "true" }
        context.logger.info("request", metadata: metadata)
    }
}
