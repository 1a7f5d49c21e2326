import Foundation
import Testing
import ThreatFeedTesting

/// `serve --tls-cert/--tls-key` with a development CA from certs/make-dev-certs.sh, checked with curl.
@Suite struct ServeTLSTests {
    func makeCertificates(in dir: TemporaryDirectory) throws -> (ca: String, chain: String, key: String) {
        let made = try DevelopmentCertificates(in: dir)
        return (made.ca, made.chain, made.key)
    }

    func curl(_ arguments: [String]) throws -> CommandRunner.Result {
        try CommandRunner.run(program: "/usr/bin/curl", ["-sS", "--max-time", "10"] + arguments)
    }

    @Test func servesHTTPSWithTLS12OrLaterAndAdvertisesHTTPSToTAXIIClients() async throws {
        try await withTemporaryDirectory { dir in
            let (ca, chain, key) = try makeCertificates(in: dir)
            let db = dir.file("t.sqlite")
            let server = try ServerProcess(database: db, extraArguments: ["--tls-cert", chain, "--tls-key", key])
            defer { server.stop() }
            #expect(server.scheme == "https")
            let health = try await onThread { try self.curl(["--cacert", ca, "\(server.baseURL)/health"]) }
            #expect(health.stdout == #"{"status":"ok"}"#, "\(health.stderr)")
            let untrusted = try await onThread { try self.curl(["\(server.baseURL)/health"]) }
            #expect(untrusted.status == 60, "an unknown CA is refused by the client: \(untrusted.stderr)")
            let old = try await onThread { try self.curl(["--cacert", ca, "--tlsv1.0", "--tls-max", "1.1", "\(server.baseURL)/health"]) }
            #expect(old.status != 0, "TLS 1.1 and older are refused")
            let modern = try await onThread { try self.curl(["--cacert", ca, "--tlsv1.2", "--tls-max", "1.2", "\(server.baseURL)/health"]) }
            #expect(modern.status == 0, "\(modern.stderr)")
            let discovery = try await onThread {
                try self.curl([
                    "--cacert", ca, "-X", "POST", "--data",
                    #"<Discovery_Request xmlns="http://taxii.mitre.org/messages/taxii_xml_binding-1.1" message_id="1"/>"#,
                    "-D", "-", "\(server.baseURL)/taxii/discovery",
                ])
            }
            #expect(discovery.stdout.contains("urn:taxii.mitre.org:protocol:https:1.0"))
            // cabby verifying against the development CA, as a gateway that imported it would.
            try PythonClients.requireVenv()
            // requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE (set on these machines) override a session's CA file,
            // which is what cabby's --verify sets; empty them so that --verify is what decides.
            let cabby = try await onThread {
                try CommandRunner.run(
                    program: PythonClients.tool("taxii-discovery"),
                    ["--host", "127.0.0.1", "--port", String(server.port), "--https", "--verify", ca, "--discovery", "/taxii/discovery"],
                    environment: ["REQUESTS_CA_BUNDLE": "", "CURL_CA_BUNDLE": ""])
            }
            #expect(cabby.stdout.contains("Service Type: POLL"), "\(cabby.stdout) \(cabby.stderr)")
            let unverified = try await onThread {
                try CommandRunner.run(
                    program: PythonClients.tool("taxii-discovery"),
                    ["--host", "127.0.0.1", "--port", String(server.port), "--https", "--discovery", "/taxii/discovery"])
            }
            #expect(!unverified.stdout.contains("Service Type"), "a client that does not trust the CA gets nothing")
            #expect((unverified.stdout + unverified.stderr).contains("CERTIFICATE_VERIFY_FAILED"))
            // openssl s_client offering only TLS 1.1 is refused.
            let tls11 = try await onThread {
                try CommandRunner.run(
                    program: "/usr/bin/openssl", ["s_client", "-connect", "127.0.0.1:\(server.port)", "-tls1_1", "-CAfile", ca],
                    stdin: Data())
            }
            #expect(tls11.status != 0, "TLS 1.1 handshake must fail: \(tls11.stdout.prefix(500))")
            #expect(discovery.stdout.lowercased().contains("x-taxii-protocol: urn:taxii.mitre.org:protocol:https:1.0"))
        }
    }

    @Test func badTLSSettingsAreClearErrors() async throws {
        try await withTemporaryDirectory { dir in
            let (_, chain, key) = try makeCertificates(in: dir)
            let db = dir.file("t.sqlite")
            let onlyCert = try CommandRunner.run(["serve", "--db", db, "--port", "0", "--tls-cert", chain])
            #expect(onlyCert.status == 1)
            #expect(onlyCert.stderr == "error: --tls-cert needs --tls-key\n")

            let open = dir.file("open.key")
            try FileManager.default.copyItem(atPath: key, toPath: open)
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: open)
            let readable = try CommandRunner.run(["serve", "--db", db, "--port", "0", "--tls-cert", chain, "--tls-key", open])
            #expect(readable.status == 1)
            #expect(readable.stderr.contains("is readable by others (mode 644); chmod 600"))
            #expect(!readable.stderr.contains("PRIVATE KEY"))

            // A key from another pair: the start fails naming both files.
            let otherDirectory = try TemporaryDirectory()
            defer { otherDirectory.remove() }
            let other = try makeCertificates(in: otherDirectory)
            let mismatch = try CommandRunner.run(["serve", "--db", db, "--port", "0", "--tls-cert", chain, "--tls-key", other.key])
            #expect(mismatch.status == 1)
            #expect(mismatch.stderr.contains("does not fit the certificate"), "\(mismatch.stderr)")

            let missing = try CommandRunner.run(["serve", "--db", db, "--port", "0", "--tls-cert", dir.file("none.pem"), "--tls-key", key])
            #expect(missing.status == 1)
            #expect(missing.stderr.contains("cannot read the TLS certificate chain"), "\(missing.stderr)")

            // With TLS, a non-loopback address needs no --allow-insecure-http; without, it is refused.
            let plain = try CommandRunner.run(["serve", "--db", db, "--host", "0.0.0.0", "--port", "0"])
            #expect(plain.status == 1)
            #expect(plain.stderr.contains("give --tls-cert and --tls-key"))
        }
    }

    /// A renewed certificate is installed by SIGHUP without a restart; a broken renewal keeps the old one.
    @Test func sighupReloadsTheCertificateAndABadOneKeepsThePrevious() async throws {
        try await withTemporaryDirectory { dir in
            let first = try makeCertificates(in: dir)
            let renewedDirectory = try TemporaryDirectory()
            defer { renewedDirectory.remove() }
            let renewed = try makeCertificates(in: renewedDirectory)
            // The files the server is configured with; a renewal overwrites them in place.
            let liveChain = dir.file("live.pem")
            let liveKey = dir.file("live.key")
            func install(_ pair: (ca: String, chain: String, key: String)) throws {
                try? FileManager.default.removeItem(atPath: liveChain)
                try? FileManager.default.removeItem(atPath: liveKey)
                try FileManager.default.copyItem(atPath: pair.chain, toPath: liveChain)
                try FileManager.default.copyItem(atPath: pair.key, toPath: liveKey)
                try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: liveKey)
            }
            try install(first)
            let server = try ServerProcess(database: dir.file("t.sqlite"), extraArguments: ["--tls-cert", liveChain, "--tls-key", liveKey])
            defer { server.stop() }
            func trusts(_ ca: String) async throws -> Bool {
                try await onThread { try self.curl(["--cacert", ca, "\(server.baseURL)/health"]) }.status == 0
            }
            func waitForLog(_ text: String) async throws {
                try await waitUntil("the log line \"\(text)\"", limit: 10) { server.stderrText.contains(text) }
            }
            #expect(try await trusts(first.ca))
            #expect(try await !trusts(renewed.ca))

            try install(renewed)
            kill(server.process.processIdentifier, SIGHUP)
            try await waitForLog("SIGHUP: TLS certificate reloaded")
            #expect(try await trusts(renewed.ca), "new handshakes get the renewed certificate: \(server.stderrText)")
            #expect(try await !trusts(first.ca))

            // A half-written renewal: the reload fails, names the file, and the certificate in use stays.
            try "not a certificate".write(toFile: liveChain, atomically: true, encoding: .utf8)
            kill(server.process.processIdentifier, SIGHUP)
            try await waitForLog("TLS certificate not reloaded")
            #expect(server.stderrText.contains("live.pem"), "\(server.stderrText)")
            #expect(server.process.isRunning)
            #expect(try await trusts(renewed.ca))
            #expect(!server.stderrText.contains("PRIVATE KEY"))
            #expect(server.stop() == 0)
        }
    }

    /// Plain HTTP: SIGHUP (systemctl reload) is logged and ignored instead of ending the server.
    @Test func sighupWithoutTLSDoesNotStopTheServer() async throws {
        try await withTemporaryDirectory { dir in
            let server = try ServerProcess(database: dir.file("t.sqlite"))
            defer { server.stop() }
            kill(server.process.processIdentifier, SIGHUP)
            try await waitUntil("the SIGHUP logged", limit: 10) { server.stderrText.contains("no TLS certificate to reload") }
            #expect(server.stderrText.contains("SIGHUP: no TLS certificate to reload"))
            #expect(try await onThread { try self.curl(["\(server.baseURL)/health"]) }.stdout == #"{"status":"ok"}"#)
            #expect(server.stop() == 0)
        }
    }
}
