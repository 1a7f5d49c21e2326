import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// Sends one message per call over a fresh SMTP connection (SwiftNIO): greeting, EHLO,
/// STARTTLS, AUTH PLAIN or LOGIN, MAIL FROM, RCPT TO for each recipient, DATA, QUIT.
/// No retries here: `NotificationSender` decides what to try again.
public struct SMTPClient: MailTransport {
    public let configuration: SMTPClientConfiguration
    private let group: any EventLoopGroup
    private let logger: Logger

    public init(
        configuration: SMTPClientConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "threatfeed.smtp")
    ) {
        self.configuration = configuration
        self.group = eventLoopGroup
        self.logger = logger
    }

    public func send(_ envelope: SMTPEnvelope) async throws(SMTPError) -> SMTPDelivery {
        guard MailAddress.isValid(envelope.from) else { throw SMTPError(stage: .mailFrom, problem: .invalidAddress(envelope.from)) }
        guard !envelope.recipients.isEmpty else { throw SMTPError(stage: .mailFrom, problem: .noRecipients) }
        for recipient in envelope.recipients where !MailAddress.isValid(recipient) {
            throw SMTPError(stage: .rcptTo(recipient), problem: .invalidAddress(recipient))
        }
        let tlsContext: NIOSSLContext? = if configuration.tlsMode == .off { nil } else { try makeTLSContext() }
        let configuration = self.configuration
        let channel: NIOAsyncChannel<SMTPReplyFrame, ByteBuffer>
        do {
            channel = try await ClientBootstrap(group: group)
                .connectTimeout(.nanoseconds(Int64(configuration.timeoutSeconds * 1e9)))
                .connect(host: configuration.host, port: configuration.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMTPReplyDecoder()))
                        return try NIOAsyncChannel<SMTPReplyFrame, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw SMTPError(stage: .connect, problem: Self.connectProblem(error, configuration))
        }
        let logger = self.logger
        do {
            return try await channel.executeThenClose { inbound, outbound in
                let conversation = SMTPConversation(
                    channel: channel.channel, inbound: inbound, outbound: outbound, configuration: configuration, logger: logger)
                return try await conversation.run(envelope, tlsContext: tlsContext)
            }
        } catch let error as SMTPError {
            throw error
        } catch {
            throw SMTPError(stage: .quit, problem: .connectionClosed)
        }
    }

    private func makeTLSContext() throws(SMTPError) -> NIOSSLContext {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        if let caFile = configuration.caFile {
            guard FileManager.default.isReadableFile(atPath: caFile) else {
                throw SMTPError(stage: .startTLS, problem: .tlsFailed("cannot read the CA file \(caFile)"))
            }
            tls.trustRoots = .file(caFile)
        }
        do {
            return try NIOSSLContext(configuration: tls)
        } catch {
            throw SMTPError(stage: .startTLS, problem: .tlsFailed("cannot set up TLS: \(error)"))
        }
    }

    private static func connectProblem(_ error: any Error, _ configuration: SMTPClientConfiguration) -> SMTPError.Problem {
        if case ChannelError.connectTimeout = error { return .timedOut(seconds: configuration.timeoutSeconds) }
        return .connectionFailed("\(configuration.host):\(configuration.port): \(error)")
    }
}
