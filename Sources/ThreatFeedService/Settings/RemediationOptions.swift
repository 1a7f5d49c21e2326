import AsyncHTTPClient
import Foundation
import Logging
import ThreatFeedActions
import ThreatFeedCore

/// The `remediation.*` settings turned into a runner configuration. Nil when remediation is off;
/// an error naming the key when it is on but incomplete or wrong.
enum RemediationOptions {
    static func configuration(_ settings: Settings) throws -> RemediationConfiguration? {
        guard Settings.isTrue(settings.string(.remediationEnabled)) else { return nil }
        func required(_ key: SettingKey) throws -> String {
            guard let value = settings.string(key)?.trimmingCharacters(in: .whitespaces), !value.isEmpty else {
                throw settings.error(key, "must be set when remediation.enabled is true")
            }
            return value
        }
        let url = try required(.remediationSMAURL)
        guard let parsed = PublicURL(parsing: url) else {
            throw settings.error(.remediationSMAURL, "'\(url)' is not http(s)://host[:port]")
        }
        let credentials = AsyncOSCredentials(username: try required(.remediationUsername), passphrase: try required(.remediationPassword))
        var configuration = RemediationConfiguration(smaURL: parsed.base, credentials: credentials)
        if let text = settings.string(.remediationAction) {
            guard let action = RemediationAction(rawValue: text) else {
                let known = RemediationAction.allCases.map(\.rawValue).joined(separator: ", ")
                throw settings.error(.remediationAction, "'\(text)' is not one of \(known)")
            }
            configuration.action = action
        }
        configuration.forwardTo = Settings.list(settings.string(.remediationForwardTo))
        for address in configuration.forwardTo where !address.contains("@") {
            throw settings.error(.remediationForwardTo, "'\(address)' is not an e-mail address")
        }
        if let text = settings.string(.remediationVerdicts) { configuration.verdicts = Settings.list(text).map { $0.lowercased() } }
        guard !configuration.verdicts.isEmpty else {
            throw settings.error(.remediationVerdicts, "must name at least one verdict")
        }
        configuration.dryRun = Settings.isTrue(settings.string(.remediationDryRun))
        configuration.caFile = settings.string(.remediationCAFile)
        return configuration
    }

    /// The HTTP client for the SMA: shared, or one of our own when a CA file is set (shut down by the caller).
    static func httpClient(_ configuration: RemediationConfiguration) throws -> (client: HTTPClient, owned: Bool) {
        guard let caFile = configuration.caFile else { return (OutboundHTTPClient.shared, false) }
        do { return (try OutboundHTTPClient.make(caFile: caFile), true) } catch {
            throw ConfigurationError.setting(SettingKey.remediationCAFile.key, variable: SettingKey.remediationCAFile.environment, "\(error)")
        }
    }
}
