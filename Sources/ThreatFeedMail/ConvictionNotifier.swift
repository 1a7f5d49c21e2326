import Foundation
import Logging
import ThreatFeedCore

/// One notification cycle: filter the convictions, compose one message for those that match,
/// send it (with retries) or, in a dry run, log it. Knows nothing of storage: the caller
/// passes the convictions not yet notified and records `NotificationOutcome.notifiedMessageIDs`.
public struct ConvictionNotifier: Sendable {
    public let configuration: NotificationConfiguration
    private let sender: NotificationSender
    private let logger: Logger

    /// - Parameter transport: the SMTP client made from `configuration` unless given.
    public init(
        configuration: NotificationConfiguration, transport: (any MailTransport)? = nil, clock: any WallClock = SystemClock(),
        logger: Logger = Logger(label: "threatfeed.notifications")
    ) throws(NotificationConfigurationError) {
        try configuration.validate()
        self.configuration = configuration
        self.logger = logger
        let transport: any MailTransport = transport ?? SMTPClient(configuration: configuration.clientConfiguration, logger: logger)
        sender = NotificationSender(
            transport: transport,
            retry: configuration.retry, clock: clock, logger: logger)
    }

    public func notify(_ notices: [ConvictionNotice], now: Date = Date()) async throws(NotificationSendError) -> NotificationOutcome {
        let matching = configuration.filter.select(notices)
        guard !matching.isEmpty else { return .nothingMatched }
        let notification = configuration.composer.compose(matching, date: now)
        if configuration.dryRun {
            logger.notice(
                "dry run: notification not sent",
                metadata: [
                    "smtp.server": "\(configuration.smtpHost):\(configuration.smtpPort)",
                    "mail.from": "\(notification.from)",
                    "mail.to": "\(notification.to.joined(separator: ","))",
                    "mail.message_id": "\(notification.messageID)",
                    "etd.message_ids": "\(notification.listedMessageIDs.joined(separator: ","))",
                    "mail.message": "\(notification.message)",
                ])
            return .dryRun(notification)
        }
        let delivery = try await sender.send(notification.envelope)
        logger.info(
            "notification sent",
            metadata: [
                "mail.message_id": "\(notification.messageID)", "convictions": "\(matching.count)",
                "attempts": "\(delivery.attempts)", "smtp.reply": "\(delivery.smtp.reply)",
            ])
        return .sent(notification, delivery: delivery)
    }
}
