/// A setting, configuration file or feeds file that cannot be used. Where the problem is travels as fields — the
/// setting's key and variable, the file and line — so a caller can act on them; `description` is the one place
/// the message is written (the CLI prints it; settings never reach an HTTP answer). A secret value is never in
/// `reason`: `Settings.problem(with:for:)` says "the value" instead of quoting it.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Code: Sendable, Equatable {
        /// One setting's value is wrong or missing.
        case setting
        /// A line of a configuration or feeds file is wrong (its syntax, an unknown key, a clash with another line).
        case file
        /// Settings that cannot go together, or a check of the running system, without one place to name.
        case combination
    }

    private let code: Code
    /// The setting (`blocklist.url`), when one is at fault.
    public let key: String?
    /// Its environment variable (`THREATFEED_BLOCKLIST_URL`).
    public let variable: String?
    /// The configuration or feeds file (or the file a setting names) the problem is in.
    public let file: String?
    /// The line of `file`, when known.
    public let line: Int?
    /// What is wrong, for people.
    public let reason: String

    private init(_ code: Code, key: String? = nil, variable: String? = nil, file: String? = nil, line: Int? = nil, reason: String) {
        self.code = code
        self.key = key
        self.variable = variable
        self.file = file
        self.line = line
        self.reason = reason
    }

    /// A bad or missing value of `key`: placed at the file and line it was set on, or named by its variable.
    public static func setting(_ key: String, variable: String?, file: String? = nil, line: Int? = nil, _ reason: String) -> Self {
        Self(.setting, key: key, variable: variable, file: file, line: line, reason: reason)
    }

    /// A problem at a line of a configuration or feeds file (`line` nil: the file as a whole). `key` names the
    /// setting the line sets, when it sets one.
    public static func file(_ file: String, line: Int? = nil, key: String? = nil, _ reason: String) -> Self {
        Self(.file, key: key, file: file, line: line, reason: reason)
    }

    /// The same, at a place of a feeds file.
    public static func at(_ place: FileLine, key: String? = nil, _ reason: String) -> Self {
        file(place.file, line: place.line, key: key, reason)
    }

    /// Settings that cannot go together (`--tls-key` without `--tls-cert`, plain HTTP off loopback).
    public static func combination(_ reason: String) -> Self { Self(.combination, reason: reason) }

    public var description: String {
        let place = file.map { file in line.map { "\(file):\($0): " } ?? "\(file): " } ?? ""
        switch code {
        case .setting:
            guard let key else { return place + reason }
            if !place.isEmpty { return "\(place)\(key): \(reason)" }
            return variable.map { "\(key) (\($0)): \(reason)" } ?? "\(key): \(reason)"
        case .file, .combination:
            return place + reason
        }
    }
}

/// A line of a file, as messages name it (`feeds/actions.yaml:12`).
public struct FileLine: Sendable, Equatable, CustomStringConvertible {
    public let file: String
    public let line: Int

    public init(_ file: String, _ line: Int) {
        self.file = file
        self.line = line
    }

    public var description: String { "\(file):\(line)" }
}
