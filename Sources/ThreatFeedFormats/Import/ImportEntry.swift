import Foundation
import ThreatFeedCore

/// The fields of one CSV row or JSON element as text, before interpretation, so both
/// formats refuse bad values with the same words. Each `…Field` is the name the file used,
/// for messages (`valid_until` in CSV, `valid_time.end_time` in a CTIM judgement).
struct RawEntry {
    var type: String?
    var typeField = "type"
    var value: String?
    var valueField = "value"
    var disposition: String?
    var dispositionName: String?
    var severity: String?
    var confidence: String?
    var tlp: String?
    var validFrom: String?
    var validFromField = "valid_from"
    var validUntil: String?
    var validUntilField = "valid_until"
    var reason: String?
    var reasonField = "reason"
    var priority: String?
}

/// Why one entry was refused; the caller adds the line (and the JSON element number).
struct EntryProblem: Error {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}

enum ImportLimits {
    /// Longer values are refused unparsed: no real indicator is this long, and it keeps a
    /// hostile file from making the normaliser chew megabytes.
    static let maxValueBytes = 4096
    /// CTIM's limit for a judgement's `reason`.
    static let maxReasonCharacters = 1024
}

/// Turns raw entries into records. Type names, vocabulary words and dates repeat on nearly
/// every row, so their parses are memoised per import: Core's parsers trim through
/// Foundation, which costs microseconds a call on Linux.
struct EntryInterpreter {
    let forcedType: ObservableType?
    private var types: [String: ObservableType] = [:]
    private var dispositions: [String: Disposition] = [:]
    private var severities: [String: Severity] = [:]
    private var confidences: [String: Confidence] = [:]
    private var tlps: [String: TLP] = [:]
    private var dates: [String: Date] = [:]

    init(forcedType: ObservableType?) {
        self.forcedType = forcedType
    }

    /// Checks in reading order (value, type, then the judgement fields) and reports the first problem.
    mutating func record(from raw: RawEntry, line: Int) throws(EntryProblem) -> ImportRecord {
        guard let rawValue = raw.value else { throw EntryProblem("missing \"\(raw.valueField)\"") }
        let valueBytes = rawValue.utf8.count
        guard valueBytes <= ImportLimits.maxValueBytes else { throw EntryProblem(ImportText.tooLong(valueBytes)) }
        let value = ImportText.trimmed(rawValue)
        guard !value.isEmpty else { throw EntryProblem("\"\(raw.valueField)\" is empty") }

        var type = forcedType
        if let named = try Self.parse(raw.type, &types, ObservableType.init(name:), Self.notOneOf(raw.typeField, ObservableType.namesForHelp)) {
            if let forcedType, forcedType != named {
                throw EntryProblem(
                    "\(raw.typeField) \(ImportText.quoted(ImportText.trimmed(raw.type ?? ""))) disagrees with the forced type \(forcedType.rawValue)"
                )
            }
            type = named
        }
        let observable: Observable
        do {
            observable = try Observable(parsing: value, as: type)
        } catch {
            throw EntryProblem(ImportText.observableReason(value, error))
        }

        var disposition = try Self.parse(
            raw.disposition, &dispositions, Disposition.init(name:),
            Self.notOneOf("disposition", "\(Disposition.namesForHelp) (or 1-5)")
        )
        if let text = raw.dispositionName,
            let named = try Self.parse(
                text, &dispositions, Disposition.init(name:), Self.notOneOf("disposition_name", Disposition.namesForHelp)
            )
        {
            if let disposition, disposition != named {
                throw EntryProblem(
                    "disposition \(disposition.rawValue) (\(disposition.name)) disagrees with disposition_name \(ImportText.quoted(ImportText.trimmed(text)))"
                )
            }
            disposition = named
        }
        let severity = try Self.parse(
            raw.severity, &severities, Severity.init(name:), Self.notOneOf("severity", Severity.namesForHelp)
        )
        let confidence = try Self.parse(
            raw.confidence, &confidences, Confidence.init(name:), Self.notOneOf("confidence", Confidence.namesForHelp)
        )
        let tlp = try Self.parse(raw.tlp, &tlps, TLP.init(name:), Self.notOneOf("tlp", TLP.namesForHelp))
        let validFrom = try Self.parse(raw.validFrom, &dates, Timestamps.parse, Self.notADate(raw.validFromField))
        var validUntil = try Self.parse(raw.validUntil, &dates, Timestamps.parse, Self.notADate(raw.validUntilField))
        // CTIA writes 2525-01-01T00:00:00.000Z for "no end" (and so does our export): keep it as no end, not a date.
        let openEnded = validUntil.map { $0 >= ImportRecord.ctiaOpenEnd } ?? false
        if openEnded { validUntil = nil }
        var priority: Int?
        if let text = ImportText.nonEmpty(raw.priority) {
            guard let value = Int(ImportText.trimmed(text)), (0...100).contains(value) else {
                throw EntryProblem("priority \(ImportText.quoted(ImportText.trimmed(text))) is not a whole number 0-100")
            }
            priority = value
        }
        if let validFrom, let validUntil, validFrom > validUntil {
            throw EntryProblem(
                "\(raw.validFromField) \(Timestamps.iso8601Milli(validFrom)) is after \(raw.validUntilField) \(Timestamps.iso8601Milli(validUntil))"
            )
        }
        let reason = ImportText.nonEmpty(raw.reason)
        // The UTF-8 length bounds the character count, so the O(n) count runs only near the limit.
        if let reason, reason.utf8.count > ImportLimits.maxReasonCharacters, reason.count > ImportLimits.maxReasonCharacters {
            throw EntryProblem(
                "\(raw.reasonField) is \(reason.count) characters long; CTIM allows at most \(ImportLimits.maxReasonCharacters)"
            )
        }
        return ImportRecord(
            line: line, observable: observable, disposition: disposition, severity: severity, confidence: confidence,
            tlp: tlp, validFrom: validFrom, validUntil: validUntil, reason: reason, priority: priority, openEnded: openEnded
        )
    }

    /// Parses an optional cell through the memo; empty means absent. `refusal` words the
    /// problem from the quoted, trimmed text.
    private static func parse<T>(
        _ text: String?, _ cache: inout [String: T], _ parse: (String) -> T?, _ refusal: (String) -> String
    ) throws(EntryProblem) -> T? {
        guard let text else { return nil }
        if let hit = cache[text] { return hit }
        let trimmed = ImportText.trimmed(text)
        guard !trimmed.isEmpty else { return nil }
        guard let value = parse(trimmed) else { throw EntryProblem(refusal(ImportText.quoted(trimmed))) }
        if cache.count < 256 { cache[text] = value }
        return value
    }

    private static func notOneOf(_ field: String, _ allowed: @autoclosure @escaping () -> String) -> (String) -> String {
        { "\(field) \($0) is not one of: \(allowed())" }
    }

    private static func notADate(_ field: String) -> (String) -> String {
        { "\(field) \($0) is not an ISO-8601 date or date-time (e.g. 2025-03-01 or 2025-03-01T12:00:00Z)" }
    }
}

/// Text helpers shared by the parsers: trimming, quoting and the reasons they all give.
enum ImportText {
    /// Core's reason, led by the value unless the reason already quotes it, so a report line
    /// stands on its own when the row has several cells.
    static func observableReason(_ value: String, _ error: ObservableError) -> String {
        let reason = error.description
        if reason.isEmpty { return "\(quoted(value)) is not a valid observable" }
        if reason.contains("'\(value)'") { return reason }
        return "\(quoted(value)): \(reason)"
    }

    static func tooLong(_ bytes: Int) -> String {
        "value is \(bytes) bytes long; the limit is \(ImportLimits.maxValueBytes)"
    }

    /// Trims ASCII whitespace and no-break spaces (spreadsheets export them). Written out
    /// because Foundation's `trimmingCharacters` bridges through NSString on Linux, which
    /// dominated CSV and JSON import time.
    static func trimmed(_ text: String) -> String {
        let utf8 = text.utf8
        var start = utf8.startIndex
        var end = utf8.endIndex
        while start < end {
            let byte = utf8[start]
            if isSpace(byte) {
                start = utf8.index(after: start)
            } else if byte == 0xC2, utf8.index(after: start) < end, utf8[utf8.index(after: start)] == 0xA0 {
                start = utf8.index(start, offsetBy: 2)
            } else {
                break
            }
        }
        while end > start {
            let before = utf8.index(before: end)
            let byte = utf8[before]
            if isSpace(byte) {
                end = before
            } else if byte == 0xA0, before > start, utf8[utf8.index(before: before)] == 0xC2 {
                end = utf8.index(before: before)
            } else {
                break
            }
        }
        if start == utf8.startIndex, end == utf8.endIndex { return text }
        return String(text[start..<end])
    }

    @inline(__always)
    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
    }

    static func nonEmpty(_ text: String?) -> String? {
        guard let text else { return nil }
        let result = trimmed(text)
        return result.isEmpty ? nil : result
    }

    /// A value from the file as it appears in a message: in single quotes as Core's reasons
    /// quote, control characters escaped and cut at 60 characters, so one bad cell cannot
    /// flood the report. (Names the program knows, like "value", go in double quotes.)
    static func quoted(_ text: String) -> String {
        var result = "'"
        var count = 0
        for scalar in text.unicodeScalars {
            if count == 60 {
                result += "…"
                break
            }
            switch scalar {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    result += "\\u{" + String(scalar.value, radix: 16) + "}"
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
            count += 1
        }
        return result + "'"
    }
}
