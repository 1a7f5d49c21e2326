import Foundation
import Logging
import ThreatFeedCore

/// One line per event on stderr: `text` (swift-log's stream layout), `logfmt`
/// (`time=… level=info msg="request" route=… status=200`) or a JSON object, for log shippers. Chosen with
/// `--log-format` / `THREATFEED_LOG_FORMAT`.
///
/// Every value — the message, the label, each metadata value — goes through `LogEscaping` first, whatever the
/// format, so a request's path, user name or header can never start a line of its own.
public struct StructuredLogHandler: LogHandler {
    public enum Format: String, CaseIterable, Sendable {
        case text, logfmt, json
    }

    let label: String
    let format: Format
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]

    public init(label: String, format: Format, logLevel: Logger.Level) {
        self.label = label
        self.format = format
        self.logLevel = logLevel
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let line = Self.line(
            format: format, time: Self.timestamp(), level: event.level, message: event.message.description, label: label,
            metadata: merged.sorted(by: { $0.key < $1.key }).map { ($0.key, "\($0.value)") }
        )
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    static func line(format: Format, time: String, level: Logger.Level, message: String, label: String, metadata: [(String, String)]) -> String {
        let escape = LogEscaping.escaped
        switch format {
        case .text:
            let fields = metadata.map { "\(escape($0.0))=\(escape($0.1))" }.joined(separator: " ")
            return "\(time) \(level) \(escape(label)) :\(fields.isEmpty ? "" : " " + fields) \(escape(message))"
        case .json:
            let fields = [("time", time), ("level", level.rawValue), ("msg", message), ("logger", label)] + metadata
            return "{" + fields.map { "\(JSONString.quoted(escape($0.0))):\(JSONString.quoted(escape($0.1)))" }.joined(separator: ",") + "}"
        case .logfmt:
            let fields = [("time", time), ("level", level.rawValue), ("msg", message), ("logger", label)] + metadata
            return fields.map { "\(logfmtKey(escape($0.0)))=\(logfmtValue(escape($0.1)))" }.joined(separator: " ")
        }
    }

    /// A key is a bare word: anything else in it becomes `_`.
    static func logfmtKey(_ key: String) -> String {
        String(key.map { $0 == " " || $0 == "=" || $0 == "\"" ? "_" : $0 })
    }

    /// Quoted when it holds a space, `=`, `"` or `\` (already escaped: no control character is left).
    static func logfmtValue(_ value: String) -> String {
        let needsQuotes = value.isEmpty || value.contains { $0 == " " || $0 == "=" || $0 == "\"" || $0 == "\\" }
        guard needsQuotes else { return value }
        return "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    static func timestamp() -> String {
        let now = Date()
        return ISO8601DateFormatter.string(from: now, timeZone: .gmt, formatOptions: [.withInternetDateTime, .withFractionalSeconds])
    }
}
