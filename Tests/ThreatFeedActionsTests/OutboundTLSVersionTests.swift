import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import Testing
import ThreatFeedTesting

@testable import ThreatFeedActions

/// The outbound client (ETD, SMA, ESA) refuses a peer that offers only TLS 1.1, checked against a real
/// `openssl s_server` limited to one protocol version; the same client, certificate and server speaking TLS 1.2
/// answer, so the refusal is the version and nothing else.
@Suite struct OutboundTLSVersionTests {
    /// `openssl s_server -www` on a free loopback port, speaking one TLS version.
    final class OpenSSLServer {
        struct ExitedAtStart: Error {}

        let process = Process()
        let port: Int

        init(versionFlag: String, certificates: (ca: String, chain: String, key: String), directory: TemporaryDirectory) async throws {
            let output = directory.file("s_server\(versionFlag).out")
            FileManager.default.createFile(atPath: output, contents: nil)
            process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            // SECLEVEL=0: OpenSSL 3 otherwise refuses to speak TLS 1.1 at all.
            process.arguments = [
                "s_server", "-accept", "127.0.0.1:0", "-cert", certificates.chain, "-key", certificates.key,
                versionFlag, "-cipher", "DEFAULT:@SECLEVEL=0", "-www",
            ]
            process.standardOutput = FileHandle(forWritingAtPath: output)
            process.standardError = FileHandle.nullDevice
            try process.run()
            let process = process
            port = try await waitFor("openssl s_server's ACCEPT line", limit: 20, every: .milliseconds(20)) {
                guard process.isRunning else { throw ExitedAtStart() }
                let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
                return text.split(separator: "\n").first { $0.hasPrefix("ACCEPT ") }.flatMap { $0.split(separator: ":").last }.flatMap { Int($0) }
            }
        }

        deinit {
            // SIGKILL: a child started from the test runner may inherit a mask blocking SIGTERM.
            kill(process.processIdentifier, SIGKILL)
        }
    }

    func get(_ client: HTTPClient, port: Int) async throws -> Int {
        let response = try await client.execute(HTTPClientRequest(url: "https://localhost:\(port)/"), timeout: .seconds(10))
        _ = try await response.body.collect(upTo: 1 << 20)
        return Int(response.status.code)
    }

    @Test(.timeLimit(.minutes(1))) func aPeerOfferingOnlyTLS11IsRefusedAndTLS12IsAccepted() async throws {
        try await withTemporaryDirectory { dir in
            let made = try DevelopmentCertificates(in: dir)
            let certificates = (ca: made.ca, chain: made.chain, key: made.key)
            let client = try OutboundHTTPClient.make(caFile: certificates.ca)
            // A client allowing TLS 1.0+ (NIOSSL's default) with the same trust: shows the old server does answer.
            var lenient = OutboundHTTPClient.failingFast
            var lenientTLS = TLSConfiguration.makeClientConfiguration()
            lenientTLS.additionalTrustRoots = [.file(certificates.ca)]
            lenient.tlsConfiguration = lenientTLS
            let control = HTTPClient(eventLoopGroupProvider: .singleton, configuration: lenient)

            let old = try await OpenSSLServer(versionFlag: "-tls1_1", certificates: certificates, directory: dir)
            #expect(try await get(control, port: old.port) == 200)
            await #expect(throws: NIOSSLError.self) { _ = try await get(client, port: old.port) }
            let current = try await OpenSSLServer(versionFlag: "-tls1_2", certificates: certificates, directory: dir)
            #expect(try await get(client, port: current.port) == 200)
            try await client.shutdown()
            try await control.shutdown()
        }
    }
}
