import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import ThreatFeedActions
import ThreatFeedService

/// `threatfeed health`: probes a running server; the exit status is for monitoring (0 ready, 1 not).
struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health",
        abstract: "Check that a running server answers and its database is ready (exit 0) or not (exit 1).",
        discussion: """
            With --detail, also prints /health/feeds and /health/etd. That detail is for the administrator: the \
            admin token (THREATFEED_ADMIN_TOKEN or security.admin_token in --config) is sent as a bearer token; \
            without one the server shows detail to loopback clients only.
            """
    )

    @Option(help: "Base URL of the server.") var url: String = "http://127.0.0.1:8080"
    @Option(help: "Seconds to wait for an answer.") var timeout: Int = 5
    @Flag(help: "Also print the feeds' and the ETD poller's health (needs the admin token or a loopback server).") var detail = false
    @Option(name: .long, help: ArgumentHelp("YAML configuration file holding the admin token (env THREATFEED_CONFIG).", valueName: "file"))
    var config: String?

    func validate() throws {
        // .seconds(Int64) counts nanoseconds: an unchecked count could overflow it.
        guard (1...3_600).contains(timeout) else { throw ValidationError("--timeout \(timeout): give 1 to 3600 seconds") }
    }

    func run() async throws {
        let base = url.hasSuffix("/") ? String(url.dropLast()) : url
        do {
            let (status, text) = try await get(base + "/health/ready", token: nil)
            guard status == .ok else {
                Terminal.error("not ready: \(base) answered \(status.code) \(text)")
                throw ExitCode.failure
            }
            print("ready: \(base) answered \(status.code) \(text)")
        } catch let exit as ExitCode {
            throw exit
        } catch {
            Terminal.error("no answer from \(base): \(error)")
            throw ExitCode.failure
        }
        guard detail else { return }
        // The token comes from the environment or the file only: on the command line every local user could read it in `ps`.
        let token = try reportingErrors { try Settings.load(configPath: config) }.string(.adminToken)
        for path in ["/health/feeds", "/health/etd"] {
            do {
                let (status, text) = try await get(base + path, token: token)
                print("\(path): \(status.code) \(text)")
                if status != .ok { throw ExitCode.failure }
            } catch let exit as ExitCode {
                throw exit
            } catch {
                Terminal.error("no answer from \(base)\(path): \(error)")
                throw ExitCode.failure
            }
        }
    }

    private func get(_ address: String, token: String?) async throws -> (HTTPResponseStatus, String) {
        var request = HTTPClientRequest(url: address)
        request.method = .GET
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        // The outbound client follows no redirect: the admin token goes to this server only.
        let response = try await OutboundHTTPClient.shared.execute(request, timeout: .seconds(Int64(timeout)))
        let body = try await response.body.collect(upTo: 1 << 20)
        return (response.status, String(buffer: body))
    }
}
