import AsyncHTTPClient
import Foundation
import Logging
import ThreatFeedActions
import ThreatFeedCore

/// The `blocklist.*` settings turned into a sync configuration; an error naming the key when one
/// is missing or wrong.
public enum BlocklistOptions {
    public static func isEnabled(_ settings: Settings) -> Bool { Settings.isTrue(settings.string(.blocklistEnabled)) }

    public static func configuration(_ settings: Settings, dryRunFlag: Bool = false) throws -> BlocklistConfiguration {
        func required(_ key: SettingKey) throws -> String {
            guard let value = settings.string(key)?.trimmingCharacters(in: .whitespaces), !value.isEmpty else {
                throw settings.error(key, "must be set for the blocklist sync")
            }
            return value
        }
        func integer(_ key: SettingKey, in range: ClosedRange<Int>) throws -> Int {
            let text = try required(key)
            guard let value = Int(text), range.contains(value) else {
                throw settings.error(key, "'\(text)' is not a whole number in \(range.lowerBound)–\(range.upperBound)")
            }
            return value
        }
        let url = try required(.blocklistURL)
        guard let parsed = PublicURL(parsing: url) else { throw settings.error(.blocklistURL, "'\(url)' is not http(s)://host[:port]") }
        let prefix: String
        switch try required(.blocklistAppliance).lowercased() {
        case "esa": prefix = AsyncOSSession.esaPrefix
        case "sma": prefix = AsyncOSSession.smaPrefix
        case let other: throw settings.error(.blocklistAppliance, "'\(other)' is not esa or sma")
        }
        let credentials = AsyncOSCredentials(username: try required(.blocklistUsername), passphrase: try required(.blocklistPassword))
        let recipients = Settings.list(try required(.blocklistRecipients))
        for address in recipients where !address.contains("@") {
            throw settings.error(.blocklistRecipients, "'\(address)' is not an e-mail address")
        }
        var configuration = BlocklistConfiguration(
            baseURL: parsed.base, prefix: prefix, credentials: credentials, indicator: try required(.blocklistIndicator), recipients: recipients
        )
        let listName = try required(.blocklistList).lowercased()
        guard let list = BlocklistKind(rawValue: listName) else { throw settings.error(.blocklistList, "'\(listName)' is not blocklist or safelist") }
        configuration.list = list
        configuration.maxPerRun = try integer(.blocklistMaxPerRun, in: 1...100_000)
        configuration.maxEntries = try integer(.blocklistMaxEntries, in: 1...500)
        let interval = try required(.blocklistInterval)
        do { configuration.interval = try TimeSpan(parsing: interval) } catch { throw settings.error(.blocklistInterval, "'\(interval)': \(error)") }
        guard configuration.interval.seconds >= 1 else { throw settings.error(.blocklistInterval, "must be at least 1s") }
        configuration.dryRun = dryRunFlag || Settings.isTrue(settings.string(.blocklistDryRun))
        configuration.caFile = settings.string(.blocklistCAFile)
        // Undocumented test hook: the first retry wait in seconds (default 1).
        if let text = settings.environment["THREATFEED_BLOCKLIST_RETRY_DELAY"], let delay = Double(text), delay.isFinite, (0...3_600).contains(delay) {
            configuration.retry.initialDelay = delay
        }
        return configuration
    }

    /// A runner with its own HTTP client when a CA file is set (returned for the caller to shut down).
    public static func runner(
        _ configuration: BlocklistConfiguration, store: any BlocklistLedger, logger: Logger
    ) throws -> (runner: BlocklistSyncRunner, ownedClient: HTTPClient?) {
        guard !configuration.dryRun else {
            return (BlocklistSyncRunner(configuration: configuration, ledger: store, client: nil, logger: logger), nil)
        }
        var owned: HTTPClient?
        if let caFile = configuration.caFile {
            do { owned = try OutboundHTTPClient.make(caFile: caFile) } catch {
                throw ConfigurationError.setting(SettingKey.blocklistCAFile.key, variable: SettingKey.blocklistCAFile.environment, "\(error)")
            }
        }
        let session = AsyncOSSession(
            baseURL: configuration.baseURL, prefix: configuration.prefix, credentials: configuration.credentials,
            httpClient: owned ?? OutboundHTTPClient.shared, timeoutSeconds: configuration.requestTimeout.seconds, logger: logger
        )
        let client = BlocklistClient(session: session, list: configuration.list)
        return (BlocklistSyncRunner(configuration: configuration, ledger: store, client: client, logger: logger), owned)
    }
}
