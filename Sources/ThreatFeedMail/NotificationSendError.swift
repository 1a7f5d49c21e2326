/// Why a notification was not delivered, after the sender's retries.
public enum NotificationSendError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The server refused for good (5xx, TLS, configuration); not retried.
    case permanent(SMTPError, attempts: Int)
    /// Transient failures until the attempts ran out; `last` is the final one.
    case gaveUp(last: SMTPError, attempts: Int)
    /// The task was cancelled while waiting to retry (shutdown).
    case cancelled(attempts: Int)

    public var description: String {
        switch self {
        case .permanent(let error, let attempts):
            "notification not sent: \(error) after \(attempts) attempt\(attempts == 1 ? "" : "s")"
        case .gaveUp(let last, let attempts):
            "notification not sent after \(attempts) attempts; last: \(last)"
        case .cancelled(let attempts):
            "notification not sent: cancelled after \(attempts) attempt\(attempts == 1 ? "" : "s")"
        }
    }

    /// The last SMTP error, if one was seen.
    public var lastError: SMTPError? {
        switch self {
        case .permanent(let error, _), .gaveUp(let error, _): error
        case .cancelled: nil
        }
    }
}
