import Foundation
import Logging
import ThreatFeedCore
import ThreatFeedFormats

/// Resolved settings: flag > environment > configuration file > default, each value checked.
struct Settings: Sendable {
    enum Source: String, Sendable {
        case flag, environment, file, `default`
    }

    let file: ConfigFile?
    let environment: [String: String]

    /// The file named by `--config` or THREATFEED_CONFIG, if any.
    static func load(configPath: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Settings {
        let path = configPath ?? environment["THREATFEED_CONFIG"]
        var file: ConfigFile?
        if let path {
            do { file = try ConfigFile(path: path) } catch { throw CLIError(error.description) }
        }
        let settings = Settings(file: file, environment: environment)
        try settings.validateFile()
        return settings
    }

    /// The value and where it came from; nil when unset everywhere and without a default.
    func resolve(_ key: SettingKey, flag: String? = nil) -> (value: String, source: Source)? {
        if let flag { return (flag, .flag) }
        if let value = environment[key.environment], !value.isEmpty { return (value, .environment) }
        if let entry = file?.entries[key.key] { return (entry.value, .file) }
        return key.defaultValue.map { ($0, .default) }
    }

    func string(_ key: SettingKey, flag: String? = nil) -> String? { resolve(key, flag: flag)?.value }

    /// Checks every value the file sets, naming the line of a bad one.
    func validateFile() throws {
        guard let file else { return }
        for (name, entry) in file.entries.sorted(by: { $0.value.line < $1.value.line }) {
            guard let key = SettingKey.named(name) else { continue }
            if let problem = Self.problem(with: entry.value, for: key) {
                throw CLIError("\(file.path):\(entry.line): \(name): \(problem)")
            }
        }
    }

    /// Checks every resolved value (flags and environment included); the first problem names its key and source.
    func validateAll(flags: [SettingKey: String] = [:]) throws {
        for key in SettingKey.all {
            guard let (value, source) = resolve(key, flag: flags[key]) else { continue }
            if let problem = Self.problem(with: value, for: key) {
                let origin = source == .environment ? key.environment : source == .file ? "\(file?.path ?? "file"): \(key.key)" : key.key
                throw CLIError("\(origin): \(problem)")
            }
        }
    }

    /// Why `value` is not acceptable for `key`, or nil. Secrets are never quoted back.
    static func problem(with value: String, for key: SettingKey) -> String? {
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

    static func isTrue(_ value: String?) -> Bool { ["true", "yes", "1"].contains(value?.lowercased() ?? "") }
}
