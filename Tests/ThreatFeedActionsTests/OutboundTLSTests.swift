import AsyncHTTPClient
import Foundation
import Testing
import ThreatFeedActions
import ThreatFeedCore
import ThreatFeedTesting

/// The outbound client refuses TLS below 1.2: against a real `openssl s_server` limited to TLS 1.1 the login
/// fails in the handshake, and the same server offering TLS 1.2 is reached.
@Suite(.serialized) struct OutboundTLSTests {
    /// `openssl s_server` on a free loopback port with a fresh self-signed certificate for 127.0.0.1.
    static func withOpenSSLServer<T>(tls: String, _ body: (_ port: Int, _ caFile: String) async throws -> T) async throws -> T {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (key, certificate) = (dir.file("key.pem"), dir.file("cert.pem"))
        let made = try CommandRunner.run(program: "/usr/bin/openssl", [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate, "-days", "1",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
        ])
        try #require(made.status == 0, "\(made.stderr)")
        let port = try freeLoopbackPort()
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        // SECLEVEL=0 lets OpenSSL 3 speak TLS 1.1 at all; -www answers any request with a status page.
        server.arguments = ["s_server", "-accept", "127.0.0.1:\(port)", "-cert", certificate, "-key", key, tls, "-cipher", "DEFAULT:@SECLEVEL=0", "-www", "-quiet"]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        server.standardInput = Pipe()
        try server.run()
        defer {
            server.terminate()
            server.waitUntilExit()
        }
        // Ready when it accepts a TCP connection.
        let deadline = Date().addingTimeInterval(20)
        while try CommandRunner.run(program: "/usr/bin/curl", ["-s", "-o", "/dev/null", "--max-time", "2", "telnet://127.0.0.1:\(port)"], stdin: Data()).status == 7,
            Date() < deadline
        {
            try await Task.sleep(for: .milliseconds(100))
        }
        return try await body(port, certificate)
    }

    static func login(port: Int, caFile: String) async throws -> AsyncOSError? {
        let client = try OutboundHTTPClient.make(caFile: caFile)
        let session = AsyncOSSession(
            baseURL: "https://127.0.0.1:\(port)", prefix: AsyncOSSession.smaPrefix,
            credentials: AsyncOSCredentials(username: "u", passphrase: "a-passphrase-not-sent"), httpClient: client, timeoutSeconds: 10
        )
        var failure: AsyncOSError?
        do {
            try await session.ensureLoggedIn()
        } catch let error as AsyncOSError {
            failure = error
        }
        try await client.shutdown()
        return failure
    }

    @Test func tls11IsRefused() async throws {
        let error = try await Self.withOpenSSLServer(tls: "-tls1_1") { port, ca in try await Self.login(port: port, caFile: ca) }
        guard case .unreachable(_, let problem)? = error else {
            Issue.record("expected a handshake failure, got \(String(describing: error))")
            return
        }
        #expect(!problem.isEmpty)
    }

    @Test func tls12IsAccepted() async throws {
        let error = try await Self.withOpenSSLServer(tls: "-tls1_2") { port, ca in try await Self.login(port: port, caFile: ca) }
        // The handshake succeeded: s_server's status page is not an AsyncOS login answer.
        guard case .malformedLogin? = error else {
            Issue.record("expected the TLS 1.2 server to be reached, got \(String(describing: error))")
            return
        }
    }
}
