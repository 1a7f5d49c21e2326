import Foundation
import Logging
import ThreatFeedCore
import ThreatFeedFormats

/// Resolved settings: flag > environment > configuration file > feeds files' `actions:` > default, each value
/// checked. A setting may come from the environment or the configuration file, or from a feeds file, never both:
/// two truths for what an action acts on would be read by different people.
public struct Settings: Sendable {
    public enum Source: String, Sendable {
        case flag, environment, file, feeds, `default`
    }

    /// A value from a feeds file's `actions:` section, with the file and line it came from.
    public struct FeedSetting: Sendable {
        public let value: String
        public let origin: FileLine
    }

    public let file: ConfigFile?
    public let environment: [String: String]
    public private(set) var feedActions: [String: FeedSetting] = [:]

    public init(file: ConfigFile?, environment: [String: String]) {
        self.file = file
        self.environment = environment
    }

    /// The file named by `--config` or THREATFEED_CONFIG, if any.
    public static func load(configPath: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Settings {
        let path = configPath ?? environment["THREATFEED_CONFIG"]
        var file: ConfigFile?
        if let path {
            file = try ConfigFile(path: path)
        }
        var settings = Settings(file: file, environment: environment)
        try settings.validateFile()
        if let directory = settings.string(.feedsDirectory) {
            try settings.include(feedActions: FeedDefinitions.load(directory: directory).actionSettings)
        }
        return settings
    }

    /// Adds the feeds files' action settings; one the environment or the configuration file also sets is an error.
    public mutating func include(feedActions actions: [String: FeedSetting]) throws {
        for (name, setting) in actions.sorted(by: { $0.key < $1.key }) {
            guard let key = SettingKey.named(name) else { continue }
            if let value = environment[key.environment], !value.isEmpty {
                throw ConfigurationError.at(setting.origin, key: name, "'\(name)' is also set by \(key.environment); set it in one place")
            }
            if let file, let entry = file.entries[name] {
                throw ConfigurationError.at(setting.origin, key: name, "'\(name)' is also set in \(file.path):\(entry.line); set it in one place")
            }
        }
        feedActions = actions
    }

    /// The value and where it came from; nil when unset everywhere and without a default.
    public func resolve(_ key: SettingKey, flag: String? = nil) -> (value: String, source: Source)? {
        if let flag { return (flag, .flag) }
        if let value = environment[key.environment], !value.isEmpty { return (value, .environment) }
        if let entry = file?.entries[key.key] { return (entry.value, .file) }
        if let entry = feedActions[key.key] { return (entry.value, .feeds) }
        return key.defaultValue.map { ($0, .default) }
    }

    public func string(_ key: SettingKey, flag: String? = nil) -> String? { resolve(key, flag: flag)?.value }

    /// Checks every value the file sets, naming the line of a bad one.
    public func validateFile() throws {
        guard let file else { return }
        for (name, entry) in file.entries.sorted(by: { $0.value.line < $1.value.line }) {
            guard let key = SettingKey.named(name) else { continue }
            if let problem = Self.problem(with: entry.value, for: key) {
                throw ConfigurationError.setting(name, variable: key.environment, file: file.path, line: entry.line, problem)
            }
        }
    }

    /// Checks every resolved value (flags and environment included); the first problem names its key and source.
    public func validateAll(flags: [SettingKey: String] = [:]) throws {
        for key in SettingKey.all {
            guard let (value, source) = resolve(key, flag: flags[key]) else { continue }
            if let problem = Self.problem(with: value, for: key) {
                throw error(key, problem, source: source)
            }
        }
    }

    /// The error for a bad or missing value of `key`, placed where the value was set: the configuration file or
    /// feeds file and line, else the variable (`blocklist.list (THREATFEED_BLOCKLIST_LIST): …`).
    public func error(_ key: SettingKey, _ reason: String, source: Source? = nil) -> ConfigurationError {
        switch source ?? resolve(key)?.source {
        case .file:
            .setting(key.key, variable: key.environment, file: file?.path, line: file?.entries[key.key]?.line, reason)
        case .feeds:
            .setting(key.key, variable: key.environment, file: feedActions[key.key]?.origin.file, line: feedActions[key.key]?.origin.line, reason)
        case .flag:
            .setting(key.key, variable: nil, reason)
        default:
            .setting(key.key, variable: key.environment, reason)
        }
    }

    /// Why `value` is not acceptable for `key`, or nil. Secrets are never quoted back.
    public static func problem(with value: String, for key: SettingKey) -> String? {
        let shown = key.secret ? "the value" : "'\(value)'"
        switch key.kind {
        case .text, .path:
            return value.isEmpty ? "must not be empty" : nil
        case .port:
            guard let port = Int(value), (0...65_535).contains(port) else { return "\(shown) is not a port (0–65535)" }
            return nil
        case .bool:
            return ["true", "false", "yes", "no", "1", "0"].contains(value.lowercased()) ? nil : "\(shown) is not true or false"
        case .duration:
            do { _ = try TimeSpan(parsing: value) } catch { return "\(shown): \(error)" }
            return nil
        case .size:
            do { _ = try ByteCount(parsing: value) } catch { return "\(shown): \(error.problem)" }
            return nil
        case .count:
            guard let count = Int(value), count > 0 else { return "\(shown) is not a whole number above zero" }
            return nil
        case .url:
            return PublicURL(parsing: value) == nil ? "\(shown) is not http(s)://host[:port]" : nil
        case .logLevel:
            return Logger.Level(rawValue: value) == nil ? "\(shown) is not one of trace, debug, info, notice, warning, error, critical" : nil
        case .logFormat:
            return StructuredLogHandler.Format(rawValue: value) == nil ? "\(shown) is not one of text, logfmt, json" : nil
        case .namespace:
            let parts = value.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { return "\(shown) is not PREFIX=URI" }
            do { _ = try STIXIDNamespace(prefix: parts[0], uri: parts[1]) } catch { return "\(shown): \(error)" }
            return nil
        }
    }

    public static func isTrue(_ value: String?) -> Bool { ["true", "yes", "1"].contains(value?.lowercased() ?? "") }

    /// A setting's list: commas or spaces separate the entries.
    public static func list(_ text: String?) -> [String] {
        (text ?? "").split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
    }

    /// Technique names hold spaces ("Malicious URL"): only commas separate them.
    public static func commaList(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
