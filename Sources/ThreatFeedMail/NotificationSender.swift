import Logging
import ThreatFeedCore

/// Delivers one message through a transport, retrying transient failures with backoff.
public struct NotificationSender: Sendable {
    /// A successful delivery and how many attempts it took.
    public struct Delivery: Sendable, Equatable {
        public let smtp: SMTPDelivery
        public let attempts: Int
    }

    public let retry: RetryPolicy
    private let transport: any MailTransport
    private let clock: any WallClock
    private let logger: Logger

    public init(
        transport: any MailTransport, retry: RetryPolicy = .notification,
        clock: any WallClock = SystemClock(), logger: Logger = Logger(label: "threatfeed.notifications")
    ) {
        self.transport = transport
        self.retry = retry
        self.clock = clock
        self.logger = logger
    }

    public func send(_ envelope: SMTPEnvelope) async throws(NotificationSendError) -> Delivery {
        var attempt = 0
        while true {
            attempt += 1
            do {
                let delivery = try await transport.send(envelope)
                return Delivery(smtp: delivery, attempts: attempt)
            } catch {
                guard error.isTransient else { throw NotificationSendError.permanent(error, attempts: attempt) }
                guard attempt < max(retry.maxAttempts, 1) else { throw NotificationSendError.gaveUp(last: error, attempts: attempt) }
                let delay = retry.delay(afterAttempt: attempt)
                logger.warning(
                    "notification delivery failed, will retry",
                    metadata: ["attempt": "\(attempt)", "retry_in_s": "\(Int(delay.rounded()))", "error": "\(error)"])
                do {
                    try await clock.sleep(seconds: delay)
                } catch {
                    throw NotificationSendError.cancelled(attempts: attempt)
                }
            }
        }
    }
}
