import Foundation
import ThreatFeedCore

/// Everything administrator notifications need, as one plain value for the configuration
/// loader to fill. `validate()` checks it; `clientConfiguration` and `composer` turn it into
/// the pieces that do the work. Its printed form hides the password.
public struct NotificationConfiguration: Sendable, Equatable, CustomStringConvertible, CustomReflectable {
    /// The fields, named as the properties are, for errors.
    public enum Field: String, Sendable, CaseIterable {
        case smtpHost, smtpPort, tlsMode, caFile, username, password, allowAuthenticationWithoutTLS
        case from, to, timeoutSeconds, filter, retry, subjectPrefix
    }

    public var smtpHost: String
    public var smtpPort: Int = 587
    public var tlsMode: SMTPTLSMode = .required
    /// PEM CA file to trust for the SMTP server's certificate; nil: the system roots.
    public var caFile: String?
    /// Both or neither.
    public var username: String?
    public var password: String?
    public var allowAuthenticationWithoutTLS = false
    /// Envelope sender and From header.
    public var from: String
    public var to: [String]
    /// Connect timeout and per-command timeout, in seconds.
    public var timeoutSeconds: Double = 30
    public var filter = NotificationFilter()
    public var retry = RetryPolicy.notification
    public var subjectPrefix = "ThreatFeed"
    /// Compose and log the message, send nothing.
    public var dryRun = false

    public init(smtpHost: String, from: String, to: [String]) {
        self.smtpHost = smtpHost
        self.from = from
        self.to = to
    }

    public func validate() throws(NotificationConfigurationError) {
        func fail(_ field: Field, _ reason: String) -> NotificationConfigurationError {
            NotificationConfigurationError(field: field, reason: reason)
        }
        let host = smtpHost.trimmingCharacters(in: .whitespaces)
        guard !host.isEmpty else { throw fail(.smtpHost, "is empty") }
        guard host.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && $0.value != 0x7F }), !host.contains("/") else {
            throw fail(.smtpHost, "'\(MailText.singleLine(smtpHost))' is not a host name or IP address")
        }
        guard (1...65535).contains(smtpPort) else { throw fail(.smtpPort, "\(smtpPort) is not a TCP port (1–65535)") }
        if let caFile {
            guard tlsMode != .off else { throw fail(.caFile, "is set but tlsMode is off") }
            guard FileManager.default.isReadableFile(atPath: caFile) else { throw fail(.caFile, "'\(caFile)' cannot be read") }
        }
        switch (username?.isEmpty ?? true, password?.isEmpty ?? true) {
        case (false, true): throw fail(.password, "is missing (username is set)")
        case (true, false): throw fail(.username, "is missing (password is set)")
        case (false, false):
            // The password would cross the network in clear; say so where it is decided.
            guard tlsMode != .off || allowAuthenticationWithoutTLS else {
                throw fail(
                    .tlsMode,
                    "is off but a username and password are set; they would cross the network in clear "
                        + "(use required, or set allowAuthenticationWithoutTLS)")
            }
        case (true, true): break
        }
        if let problem = MailAddress.problem(with: from) { throw fail(.from, "'\(MailText.singleLine(from))' \(problem)") }
        guard !to.isEmpty else { throw fail(.to, "is empty: name at least one recipient") }
        for recipient in to {
            if let problem = MailAddress.problem(with: recipient) { throw fail(.to, "'\(MailText.singleLine(recipient))' \(problem)") }
        }
        guard timeoutSeconds > 0, timeoutSeconds <= 600 else { throw fail(.timeoutSeconds, "\(timeoutSeconds) is not within 0–600 seconds") }
        for (name, list) in [("mailboxes", filter.mailboxes), ("verdicts", filter.verdicts), ("techniques", filter.techniques)] {
            if list.contains(where: { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }) {
                throw fail(.filter, "\(name) has an empty entry (leave the list empty to match everything)")
            }
        }
        guard retry.maxAttempts >= 1, retry.maxAttempts <= 20 else { throw fail(.retry, "maxAttempts \(retry.maxAttempts) is not within 1–20") }
        guard retry.initialDelay >= 0, retry.maxDelay >= retry.initialDelay else {
            throw fail(.retry, "delays must satisfy 0 ≤ initialDelay ≤ maxDelay")
        }
        guard !subjectPrefix.trimmingCharacters(in: .whitespaces).isEmpty else { throw fail(.subjectPrefix, "is empty") }
    }

    public var credentials: SMTPCredentials? {
        guard let username, !username.isEmpty, let password, !password.isEmpty else { return nil }
        return SMTPCredentials(username: username, password: password)
    }

    public var clientConfiguration: SMTPClientConfiguration {
        SMTPClientConfiguration(
            host: smtpHost.trimmingCharacters(in: .whitespaces), port: smtpPort, tlsMode: tlsMode, caFile: caFile,
            credentials: credentials, allowAuthenticationWithoutTLS: allowAuthenticationWithoutTLS, timeoutSeconds: timeoutSeconds)
    }

    public var composer: NotificationComposer { NotificationComposer(from: from, to: to, subjectPrefix: subjectPrefix) }

    public var description: String {
        "NotificationConfiguration(smtp: \(smtpHost):\(smtpPort), tls: \(tlsMode.rawValue), user: \(username ?? "none"), "
            + "password: \(password == nil ? "none" : "<redacted>"), from: \(from), to: \(to.joined(separator: ", ")), dryRun: \(dryRun))"
    }

    public var customMirror: Mirror { Mirror(self, children: ["description": description]) }
}
