import Foundation
import Testing
import ThreatFeedMail
import ThreatFeedTesting

/// The SMTP client against a real SMTP server (aiosmtpd) on loopback.
@Suite struct SMTPClientTests {
    static let message = "From: threatfeed@corp.example\r\nTo: soc@corp.example\r\nSubject: test\r\n\r\nfirst line\n.starts with a dot\n.\n..two dots\nlast"

    func client(_ port: Int, _ configure: (inout SMTPClientConfiguration) -> Void = { _ in }) -> SMTPClient {
        var configuration = SMTPClientConfiguration(host: "127.0.0.1", port: port, tlsMode: .off, timeoutSeconds: 5)
        configure(&configuration)
        return SMTPClient(configuration: configuration)
    }

    func envelope(_ recipients: [String] = ["soc@corp.example", "admin@corp.example"]) -> SMTPEnvelope {
        SMTPEnvelope(from: "threatfeed@corp.example", recipients: recipients, message: Self.message)
    }

    @Test func deliversToSeveralRecipientsAndDotStuffingRoundTrips() async throws {
        let server = try FakeSMTPServer()
        defer { server.stop() }
        let delivery = try await client(server.port).send(envelope())
        #expect(delivery.reply.code == 250)
        #expect(delivery.reply.text.contains("queued as msg-1"))
        #expect(!delivery.encrypted && !delivery.authenticated)
        let stored = try #require(try server.messages().first)
        #expect(stored.envelope.mail_from == "threatfeed@corp.example")
        #expect(stored.envelope.rcpt_tos == ["soc@corp.example", "admin@corp.example"])
        // What the server stored after un-stuffing is the message, every line break CRLF.
        #expect(String(decoding: stored.raw, as: UTF8.self) == Self.message.replacingOccurrences(of: "\r\n", with: "\n")
            .replacingOccurrences(of: "\n", with: "\r\n") + "\r\n")
    }

    @Test func startTLSWithTheGivenCAThenAuthenticates() async throws {
        try await withTemporaryDirectory { directory in
            let certificates = try TestCertificates(in: directory)
            let server = try FakeSMTPServer(["--tls-cert", certificates.chain, "--tls-key", certificates.key, "--auth", "mailer:pa55-word"])
            defer { server.stop() }
            let delivery = try await client(server.port) {
                $0.tlsMode = .required
                $0.caFile = certificates.ca
                $0.credentials = SMTPCredentials(username: "mailer", password: "pa55-word")
            }.send(envelope(["soc@corp.example"]))
            #expect(delivery.encrypted && delivery.authenticated)
            let stored = try #require(try server.messages().first)
            #expect(stored.envelope.tls && stored.envelope.authenticated)
            #expect(stored.envelope.login == "mailer")
            let attempts = try server.stats().auth
            #expect(attempts.map(\.mechanism) == ["PLAIN"] && attempts.allSatisfy { $0.tls && $0.success })

            // A wrong password: 535 is permanent, and neither password appears in the error.
            let refused = await #expect(throws: SMTPError.self) {
                try await client(server.port) {
                    $0.tlsMode = .required
                    $0.caFile = certificates.ca
                    $0.credentials = SMTPCredentials(username: "mailer", password: "wrong-pa55")
                }.send(envelope())
            }
            #expect(refused?.stage == .authentication)
            #expect(refused?.isTransient == false)
            if case .reply(let code, _) = refused?.problem { #expect(code == 535) } else { Issue.record("\(String(describing: refused))") }
            #expect(refused.map { !"\($0)".contains("wrong-pa55") && !"\($0)".contains("pa55-word") } == true)
        }
    }

    @Test func implicitTLSEncryptsFromTheFirstByteAndRefusesAPlainServer() async throws {
        try await withTemporaryDirectory { directory in
            let certificates = try TestCertificates(in: directory)
            let server = try FakeSMTPServer([
                "--tls-cert", certificates.chain, "--tls-key", certificates.key, "--implicit-tls", "--auth", "mailer:pa55-word",
            ])
            defer { server.stop() }
            let delivery = try await client(server.port) {
                $0.tlsMode = .implicit
                $0.caFile = certificates.ca
                $0.credentials = SMTPCredentials(username: "mailer", password: "pa55-word")
            }.send(envelope(["soc@corp.example"]))
            #expect(delivery.encrypted && delivery.authenticated)
            let stored = try #require(try server.messages().first)
            #expect(stored.envelope.tls && stored.envelope.authenticated)
            #expect(try server.stats().auth.allSatisfy { $0.tls && $0.success })

            // STARTTLS-style clients cannot talk to it (their greeting never comes in clear) ...
            let startTLS = await #expect(throws: SMTPError.self) {
                try await client(server.port) {
                    $0.tlsMode = .required
                    $0.caFile = certificates.ca
                    $0.timeoutSeconds = 2
                }.send(envelope())
            }
            #expect(startTLS?.stage == .greeting)
            // ... and implicit TLS refuses a server that answers in clear, before any command is sent.
            let plain = try FakeSMTPServer()
            defer { plain.stop() }
            let refused = await #expect(throws: SMTPError.self) {
                try await client(plain.port) {
                    $0.tlsMode = .implicit
                    $0.caFile = certificates.ca
                }.send(envelope())
            }
            #expect(refused?.stage == .tlsHandshake)
            #expect(refused?.kind == "tls_failed")
            #expect(try plain.stats().ehlo == 0)
        }
    }

    @Test func anUntrustedCertificateIsAPermanentTLSFailure() async throws {
        try await withTemporaryDirectory { directory in
            let certificates = try TestCertificates(in: directory)
            let server = try FakeSMTPServer(["--tls-cert", certificates.chain, "--tls-key", certificates.key])
            defer { server.stop() }
            // System roots do not include the development CA.
            let error = await #expect(throws: SMTPError.self) { try await client(server.port) { $0.tlsMode = .opportunistic }.send(envelope()) }
            #expect(error?.stage == .tlsHandshake)
            #expect(error?.kind == "tls_failed")
            #expect(error?.isTransient == false)
            #expect(try server.stats().mail == 0)
        }
    }

    @Test func requiredTLSRefusesAServerWithoutSTARTTLSAndOpportunisticFallsBack() async throws {
        try await withTemporaryDirectory { directory in
            let certificates = try TestCertificates(in: directory)
            let server = try FakeSMTPServer(["--tls-cert", certificates.chain, "--tls-key", certificates.key, "--hide-starttls"])
            defer { server.stop() }
            let error = await #expect(throws: SMTPError.self) { try await client(server.port) { $0.tlsMode = .required }.send(envelope()) }
            #expect(error == SMTPError(stage: .startTLS, problem: .startTLSNotOffered))
            #expect(try server.stats().mail == 0)
            let delivery = try await client(server.port) { $0.tlsMode = .opportunistic }.send(envelope())
            #expect(!delivery.encrypted)
        }
    }

    @Test func credentialsAreNotSentWithoutTLS() async throws {
        // The server offers AUTH in clear; the client must still refuse to use it.
        let server = try FakeSMTPServer(["--auth", "mailer:pa55-word", "--auth-without-tls"])
        defer { server.stop() }
        let error = await #expect(throws: SMTPError.self) {
            try await client(server.port) { $0.credentials = SMTPCredentials(username: "mailer", password: "pa55-word") }.send(envelope())
        }
        #expect(error == SMTPError(stage: .authentication, problem: .authenticationRequiresTLS))
        #expect(try server.stats().auth.isEmpty)
        #expect(try server.stats().mail == 0)
        // Explicitly allowed: AUTH LOGIN or PLAIN in clear works.
        let delivery = try await client(server.port) {
            $0.credentials = SMTPCredentials(username: "mailer", password: "pa55-word")
            $0.allowAuthenticationWithoutTLS = true
        }.send(envelope())
        #expect(delivery.authenticated && !delivery.encrypted)
    }

    @Test func fiveHundredIsPermanentAndNamesTheStage() async throws {
        let server = try FakeSMTPServer(["--fail-rcpt", "1:550"])
        defer { server.stop() }
        let error = await #expect(throws: SMTPError.self) { try await client(server.port).send(envelope()) }
        #expect(error?.stage == .rcptTo("soc@corp.example"))
        #expect(error?.isTransient == false)
        #expect(error?.description == "SMTP RCPT TO <soc@corp.example>: server answered 550 5.7.1 injected permanent failure (permanent)")
        // All or nothing: no DATA after a refused recipient.
        #expect(try server.stats().data == 0)
    }

    @Test func fourHundredAtEndOfDataIsTransient() async throws {
        let server = try FakeSMTPServer(["--fail-data", "1:452"])
        defer { server.stop() }
        let error = await #expect(throws: SMTPError.self) { try await client(server.port).send(envelope()) }
        #expect(error?.stage == .messageBody)
        #expect(error?.isTransient == true)
    }

    @Test func refusedConnectionIsTransient() async throws {
        let port = try freeLoopbackPort()
        let error = await #expect(throws: SMTPError.self) { try await client(port).send(envelope()) }
        #expect(error?.stage == .connect)
        #expect(error?.kind == "connection_failed")
        #expect(error?.isTransient == true)
    }

    @Test func aSilentServerTimesOutAtTheGreeting() async throws {
        let server = try FakeSMTPServer(["--mode", "silent"])
        defer { server.stop() }
        let started = Date()
        let error = await #expect(throws: SMTPError.self) { try await client(server.port) { $0.timeoutSeconds = 2 }.send(envelope()) }
        #expect(error == SMTPError(stage: .greeting, problem: .timedOut(seconds: 2)))
        // Not a speed check: far below the 30 s default, so the configured timeout is the one that fired.
        #expect(Date().timeIntervalSince(started) < 20)
    }

    @Test func aServerStallingAfterDataTimesOut() async throws {
        let server = try FakeSMTPServer(["--stall-data"])
        defer { server.stop() }
        // 3 s per command: long enough for the Python server's other answers on a loaded machine.
        let error = await #expect(throws: SMTPError.self) { try await client(server.port) { $0.timeoutSeconds = 3 }.send(envelope()) }
        #expect(error == SMTPError(stage: .messageBody, problem: .timedOut(seconds: 3)))
        #expect(error?.isTransient == true)
    }

    @Test func somethingThatIsNotSMTPIsAMalformedReply() async throws {
        let server = try FakeSMTPServer(["--mode", "garbage"])
        defer { server.stop() }
        let error = await #expect(throws: SMTPError.self) { try await client(server.port).send(envelope()) }
        #expect(error?.stage == .greeting)
        #expect(error?.kind == "malformed_reply")
    }

    @Test func repliesInjectedBehindTheSTARTTLSReplyEndTheSession() async throws {
        let server = try FakeSMTPServer(["--mode", "inject"])
        defer { server.stop() }
        let error = await #expect(throws: SMTPError.self) { try await client(server.port) { $0.tlsMode = .required }.send(envelope()) }
        #expect(error == SMTPError(stage: .startTLS, problem: .dataAfterStartTLS))
    }

    @Test func badAddressesAreRefusedBeforeConnecting() async throws {
        let port = try freeLoopbackPort()
        let error = await #expect(throws: SMTPError.self) {
            try await client(port).send(SMTPEnvelope(from: "threatfeed@corp.example", recipients: ["x@corp.example>\r\nDATA"], message: "x"))
        }
        #expect(error?.kind == "invalid_address")
    }
}
