import Foundation
import ThreatFeedCore
import Logging
import ThreatFeedMail

/// The `notifications.*` settings as a notifier configuration. Nil when notifications are off; an error naming the
/// key when they are on but incomplete or wrong.
enum NotificationOptions {
    static func configuration(_ settings: Settings) throws -> (NotificationConfiguration, interval: TimeSpan)? {
        guard Settings.isTrue(settings.string(.notificationsEnabled)) else { return nil }
        func required(_ key: SettingKey) throws -> String {
            guard let value = settings.string(key)?.trimmingCharacters(in: .whitespaces), !value.isEmpty else {
                throw settings.error(key, "must be set when notifications.enabled is true")
            }
            return value
        }
        var configuration = NotificationConfiguration(
            smtpHost: try required(.notificationsSMTPHost), from: try required(.notificationsFrom),
            to: Settings.list(try required(.notificationsTo))
        )
        let tls = settings.string(.notificationsTLS) ?? "required"
        guard let mode = SMTPTLSMode(rawValue: tls) else {
            throw settings.error(.notificationsTLS, "'\(tls)' is not one of implicit, required, opportunistic, off")
        }
        configuration.tlsMode = mode
        // Port 465 is where implicit TLS listens; 587 (the default) expects STARTTLS.
        let port = settings.resolve(.notificationsSMTPPort)
        configuration.smtpPort = port.flatMap { $0.source == .default && mode == .implicit ? 465 : Int($0.value) } ?? 587
        configuration.caFile = settings.string(.notificationsCAFile)
        configuration.username = settings.string(.notificationsUsername)
        configuration.password = settings.string(.notificationsPassword)
        // Filters: an empty list matches everything; the lists combine with AND (see NotificationFilter).
        configuration.filter = NotificationFilter(
            mailboxes: Settings.list(settings.string(.notificationsMailboxes)),
            verdicts: Settings.list(settings.string(.notificationsVerdicts)),
            techniques: Settings.commaList(settings.string(.notificationsTechniques) ?? "")
        )
        configuration.dryRun = Settings.isTrue(settings.string(.notificationsDryRun))
        do { try configuration.validate() } catch {
            throw settingError(of: error.field, settings, error.reason)
        }
        let interval = (try? TimeSpan(parsing: settings.string(.notificationsInterval) ?? "5m")) ?? TimeSpan(seconds: 300)
        return (configuration, interval)
    }

    /// The notifier's complaint about `field` as a settings error: `notifications.to`, at the feeds file and line
    /// when the value came from one.
    static func settingError(of field: NotificationConfiguration.Field, _ settings: Settings, _ reason: String) -> ConfigurationError {
        let name = "notifications.\(key(for: field))"
        guard let key = SettingKey.named(name), settings.resolve(key)?.source == .feeds else {
            return .setting(name, variable: nil, reason)
        }
        return settings.error(key, reason)
    }

    /// The configuration file's key for a field the notifier names.
    static func key(for field: NotificationConfiguration.Field) -> String {
        switch field {
        case .smtpHost: "smtp_host"
        case .smtpPort: "smtp_port"
        case .tlsMode: "tls"
        case .caFile: "ca_file"
        case .username: "username"
        case .password: "password"
        case .from: "from"
        case .to: "to"
        case .filter: "mailboxes / verdicts / techniques"
        case .allowAuthenticationWithoutTLS, .timeoutSeconds, .retry, .subjectPrefix: field.rawValue
        }
    }
}

extension NotificationOptions {
    /// The notification service `serve` runs, or nil when notifications are off.
    static func service(
        _ settings: Settings, ledger: any NotificationLedger, clock: any WallClock, signal: ConvictionSignal?
    ) throws -> NotificationService? {
        guard let (configuration, interval) = try configuration(settings) else { return nil }
        let logger = Logger(label: "threatfeed.notifications")
        let notifier: ConvictionNotifier
        do { notifier = try ConvictionNotifier(configuration: configuration, logger: logger) } catch {
            throw settingError(of: error.field, settings, error.reason)
        }
        let verdicts = Settings.list(settings.string(.etdVerdicts) ?? "bec,scam,phishing,malicious").map { $0.lowercased() }
        return NotificationService(
            ledger: ledger, clock: clock, notifier: notifier, verdicts: verdicts, interval: interval, logger: logger, signal: signal
        )
    }
}
