import Foundation
import Hummingbird
import Logging

/// One line per request: method, path, status, duration and client.
///
/// Hummingbird's own request logger prints the URI with its query, and the feed secret travels in
/// the query (`?s=`), so we log the path alone.
struct AccessLogMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            log(request, context, status: response.status.code, start: start)
            return response
        } catch let error as any HTTPResponseError {
            log(request, context, status: error.status.code, start: start)
            throw error
        } catch {
            log(request, context, status: 500, start: start)
            context.logger.error("request failed", metadata: ["error": "\(String(reflecting: type(of: error)))"])
            throw error
        }
    }

    private func log(_ request: Request, _ context: Context, status: Int, start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        // The matched route pattern (`/ctia/feed/{id}/view`): ids and secrets never become label values.
        let route = context.endpointPath ?? "unmatched"
        metrics.request(route: route, method: request.method.rawValue, status: status, duration: elapsed)
        let milliseconds = Double(elapsed.components.seconds) * 1_000 + Double(elapsed.components.attoseconds) / 1e15
        context.logger.info(
            "request",
            metadata: [
                "method": "\(request.method.rawValue)", "path": "\(request.uri.path)", "route": "\(route)", "status": "\(status)",
                "ms": "\(String(format: "%.1f", milliseconds))", "client": "\(context.clientAddress)",
            ]
        )
    }
}
