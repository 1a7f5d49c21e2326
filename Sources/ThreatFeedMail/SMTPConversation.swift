import Foundation
import Logging
import NIOCore
import NIOSSL

/// One SMTP session over a connected channel, command by command. Lives inside one task
/// (`NIOAsyncChannel.executeThenClose`), so it needs no locking.
final class SMTPConversation {
    private let channel: any Channel
    private var replies: NIOAsyncChannelInboundStream<SMTPReplyFrame>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private let configuration: SMTPClientConfiguration
    private let logger: Logger
    private var deadline = DeadlineFlag()
    /// Strings scrubbed from any reply text quoted in an error (the credentials and their encodings).
    private var secrets: [String] = []

    init(
        channel: any Channel, inbound: NIOAsyncChannelInboundStream<SMTPReplyFrame>,
        outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>, configuration: SMTPClientConfiguration, logger: Logger
    ) {
        self.channel = channel
        self.replies = inbound.makeAsyncIterator()
        self.outbound = outbound
        self.configuration = configuration
        self.logger = logger
    }

    func run(_ envelope: SMTPEnvelope, tlsContext: NIOSSLContext?) async throws(SMTPError) -> SMTPDelivery {
        do {
            return try await transaction(envelope, tlsContext: tlsContext)
        } catch {
            // The server is still listening after a refusal: say goodbye rather than just hang up.
            if case .reply = error.problem { try? await write("QUIT", stage: .quit) }
            throw error
        }
    }

    private func transaction(_ envelope: SMTPEnvelope, tlsContext: NIOSSLContext?) async throws(SMTPError) -> SMTPDelivery {
        var encrypted = false
        if configuration.tlsMode == .implicit, let tlsContext {
            try await encrypt(tlsContext)
            encrypted = true
        }
        let greeting = try await read(.greeting).reply
        guard greeting.code == 220 else { throw refusal(greeting, at: .greeting) }
        var capabilities = try await hello()
        if configuration.tlsMode == .required || configuration.tlsMode == .opportunistic, let tlsContext {
            if capabilities.supports("STARTTLS") {
                try await startTLS(tlsContext)
                encrypted = true
                // RFC 3207 §4.2: forget everything learnt before TLS and ask again.
                capabilities = try await hello()
            } else if configuration.tlsMode == .required {
                throw SMTPError(stage: .startTLS, problem: .startTLSNotOffered)
            }
        }
        var authenticated = false
        if let credentials = configuration.credentials {
            guard encrypted || configuration.allowAuthenticationWithoutTLS else {
                throw SMTPError(stage: .authentication, problem: .authenticationRequiresTLS)
            }
            try await authenticate(credentials, capabilities: capabilities)
            authenticated = true
        }
        try await command("MAIL FROM:<\(envelope.from)>", stage: .mailFrom) { $0.code == 250 }
        // All recipients or none: a partial delivery retried later would reach some recipients twice.
        for recipient in envelope.recipients {
            try await command("RCPT TO:<\(recipient)>", stage: .rcptTo(recipient)) { $0.code == 250 || $0.code == 251 }
        }
        try await command("DATA", stage: .data) { $0.code == 354 }
        try await write(bytes: SMTPDataEncoding.encode(envelope.message), stage: .messageBody)
        let accepted = try await read(.messageBody).reply
        guard accepted.code == 250 else { throw refusal(accepted, at: .messageBody) }
        // The message is queued; a server that hangs up instead of answering QUIT changes nothing.
        _ = try? await command("QUIT", stage: .quit) { $0.code == 221 }
        return SMTPDelivery(reply: accepted, encrypted: encrypted, authenticated: authenticated)
    }

    /// EHLO, or HELO for a server that does not know EHLO, when nothing needs an extension.
    private func hello() async throws(SMTPError) -> SMTPCapabilities {
        try await write("EHLO \(configuration.heloName)", stage: .ehlo)
        let reply = try await read(.ehlo).reply
        if reply.code == 250 { return SMTPCapabilities(ehlo: reply) }
        if [500, 502].contains(reply.code), configuration.tlsMode != .required, configuration.credentials == nil {
            try await command("HELO \(configuration.heloName)", stage: .ehlo) { $0.code == 250 }
            return SMTPCapabilities()
        }
        throw refusal(reply, at: .ehlo)
    }

    private func startTLS(_ context: NIOSSLContext) async throws(SMTPError) {
        try await write("STARTTLS", stage: .startTLS)
        let frame = try await read(.startTLS)
        guard frame.reply.code == 220 else { throw refusal(frame.reply, at: .startTLS) }
        guard !frame.followedByMoreBytes else { throw SMTPError(stage: .startTLS, problem: .dataAfterStartTLS) }
        try await encrypt(context)
    }

    /// Puts TLS in front of the pipeline and waits for the handshake: after STARTTLS's 220, or at once for implicit TLS.
    private func encrypt(_ context: NIOSSLContext) async throws(SMTPError) {
        // SNI and name checks take a host name; for an IP address NIOSSL checks the peer's address instead.
        let host = configuration.host
        let serverHostname: String? = (try? SocketAddress(ipAddress: host, port: 0)) == nil ? host : nil
        let channel = self.channel
        let handshake = channel.eventLoop.makePromise(of: Void.self)
        do {
            try await channel.eventLoop.submit {
                let tls = try NIOSSLClientHandler(context: context, serverHostname: serverHostname)
                // TLS goes in front of everything, the waiter right behind it.
                try channel.pipeline.syncOperations.addHandler(TLSHandshakeWaiter(promise: handshake), position: .first)
                try channel.pipeline.syncOperations.addHandler(tls, position: .first)
            }.get()
        } catch {
            handshake.fail(error)
            throw SMTPError(stage: .tlsHandshake, problem: .tlsFailed(String(describing: error)))
        }
        try await guarded(.tlsHandshake) { try await handshake.futureResult.get() }
        logger.debug("SMTP session encrypted", metadata: ["smtp.host": "\(host)"])
    }

    private func authenticate(_ credentials: SMTPCredentials, capabilities: SMTPCapabilities) async throws(SMTPError) {
        let user = Data(credentials.username.utf8).base64EncodedString()
        let password = Data(credentials.password.utf8).base64EncodedString()
        let plain = Data(([0] + Array(credentials.username.utf8) + [0] + Array(credentials.password.utf8))).base64EncodedString()
        secrets = [credentials.password, password, plain, user, credentials.username].filter { !$0.isEmpty }
        let mechanisms = capabilities.authenticationMechanisms
        if mechanisms.contains("PLAIN") {
            try await command("AUTH PLAIN \(plain)", stage: .authentication, logged: "AUTH PLAIN <redacted>") { $0.code == 235 }
        } else if mechanisms.contains("LOGIN") {
            try await command("AUTH LOGIN", stage: .authentication) { $0.code == 334 }
            try await command(user, stage: .authentication, logged: "<redacted user name>") { $0.code == 334 }
            try await command(password, stage: .authentication, logged: "<redacted password>") { $0.code == 235 }
        } else {
            throw SMTPError(stage: .authentication, problem: .authenticationNotOffered)
        }
    }

    // MARK: - Wire

    @discardableResult
    private func command(
        _ line: String, stage: SMTPStage, logged: String? = nil, accept: (SMTPReply) -> Bool
    ) async throws(SMTPError) -> SMTPReply {
        try await write(line, stage: stage, logged: logged)
        let reply = try await read(stage).reply
        guard accept(reply) else { throw refusal(reply, at: stage) }
        return reply
    }

    private func write(_ line: String, stage: SMTPStage, logged: String? = nil) async throws(SMTPError) {
        logger.trace("SMTP >", metadata: ["smtp.command": "\(logged ?? line)"])
        try await write(bytes: Array((line + "\r\n").utf8), stage: stage)
    }

    private func write(bytes: [UInt8], stage: SMTPStage) async throws(SMTPError) {
        let buffer = channel.allocator.buffer(bytes: bytes)
        let outbound = self.outbound
        try await guarded(stage) { try await outbound.write(buffer) }
    }

    private func read(_ stage: SMTPStage) async throws(SMTPError) -> SMTPReplyFrame {
        let frame = try await guarded(stage) { try await self.replies.next() }
        guard let frame else {
            throw SMTPError(stage: stage, problem: deadline.hasFired ? timeout : .connectionClosed)
        }
        logger.trace("SMTP <", metadata: ["smtp.reply": "\(scrub(frame.reply.description))"])
        return frame
    }

    /// Runs `body` with the per-command timeout: when it runs out, the channel is closed, which
    /// ends whatever `body` waits for.
    private func guarded<T>(_ stage: SMTPStage, _ body: () async throws -> T) async throws(SMTPError) -> T {
        let flag = DeadlineFlag()
        deadline = flag
        let channel = self.channel
        let timer = channel.eventLoop.scheduleTask(in: .nanoseconds(Int64(configuration.timeoutSeconds * 1e9))) {
            flag.fire()
            channel.close(promise: nil)
        }
        defer { timer.cancel() }
        do {
            return try await body()
        } catch {
            if flag.hasFired { throw SMTPError(stage: stage, problem: timeout) }
            throw SMTPError(stage: stage, problem: Self.classify(error))
        }
    }

    private var timeout: SMTPError.Problem { .timedOut(seconds: configuration.timeoutSeconds) }

    private func refusal(_ reply: SMTPReply, at stage: SMTPStage) -> SMTPError {
        SMTPError(stage: stage, problem: .reply(code: reply.code, text: scrub(reply.text)))
    }

    /// Removes the credentials from text a server sent back, in case it echoes them.
    private func scrub(_ text: String) -> String {
        secrets.reduce(text) { $0.replacingOccurrences(of: $1, with: "<redacted>") }
    }

    static func classify(_ error: any Error) -> SMTPError.Problem {
        switch error {
        case let failure as SMTPReplyDecoder.Failure: .malformedReply(failure.description)
        case is ByteToMessageDecoderError: .malformedReply("the reply stream broke off after a malformed reply")
        case is NIOSSLError, is NIOSSLExtraError, is BoringSSLError: .tlsFailed(String(describing: error))
        default: .connectionClosed
        }
    }
}
