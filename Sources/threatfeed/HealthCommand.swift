import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// `threatfeed health`: probes a running server; the exit status is for monitoring (0 ready, 1 not).
struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health",
        abstract: "Check that a running server answers and its database is ready (exit 0) or not (exit 1)."
    )

    @Option(help: "Base URL of the server.") var url: String = "http://127.0.0.1:8080"
    @Option(help: "Seconds to wait for an answer.") var timeout: Int = 5

    func validate() throws {
        // .seconds(Int64) counts nanoseconds: an unchecked count could overflow it.
        guard (1...3_600).contains(timeout) else { throw ValidationError("--timeout \(timeout): give 1 to 3600 seconds") }
    }

    func run() async throws {
        let base = url.hasSuffix("/") ? String(url.dropLast()) : url
        var request = HTTPClientRequest(url: base + "/health/ready")
        request.method = .GET
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(Int64(timeout)))
            let body = try await response.body.collect(upTo: 64 * 1024)
            let text = String(buffer: body)
            if response.status == .ok {
                print("ready: \(base) answered \(response.status.code) \(text)")
                return
            }
            Terminal.error("not ready: \(base) answered \(response.status.code) \(text)")
        } catch {
            Terminal.error("no answer from \(base): \(error)")
        }
        throw ExitCode.failure
    }
}
