import Foundation
import ThreatFeedCore

/// JSON import: a top-level array of objects, a CTIA feed body (`{"observables":[…]}` or
/// `{"judgements":[…]}`), so the server's own feed output can be imported back, or a STIX 2.1
/// bundle (`{"type":"bundle","objects":[…]}`, see `STIX2BundleEntry`).
///
/// The locator validates the text and supplies line numbers; Foundation supplies the values.
/// Each element may be flat (`type`, `value`, `valid_until`, `description`, …) or a CTIM
/// judgement (`observable: {type, value}`, `valid_time: {start_time, end_time}`, `reason`);
/// CTIM keys the import has no use for (`id`, `source`, …) are ignored.
/// Rejections name the element by its 1-based position in the array.
enum JSONImportParser {
    static let feedMembers = ["observables", "judgements"]

    static func parse(
        _ bytes: UnsafeBufferPointer<UInt8>,
        forcedType: ObservableType?,
        record: (ImportRecord) throws -> Void,
        reject: (ImportRejection) throws -> Void
    ) throws {
        let start = try ImportBytes.contentStart(bytes)
        let layout = try JSONElementLocator.locate(bytes, from: start)
        let member = try targetMember(layout)
        let lines = member.map { layout.memberElementLines[$0] ?? [] } ?? layout.elementLines

        let document: Any
        do {
            document = try JSONSerialization.jsonObject(with: Data(UnsafeBufferPointer(rebasing: bytes[start...])))
        } catch {
            throw ImportFileError(problem: "malformed JSON: \(error)")
        }
        let elements: [Any]? = member.map { (document as? [String: Any])?[$0] as? [Any] } ?? document as? [Any]
        guard let elements, elements.count == lines.count else {
            throw ImportFileError(problem: "JSON elements could not be matched to their lines (\(lines.count) located)")
        }

        var interpreter = EntryInterpreter(forcedType: forcedType)
        let bundle = member == STIX2BundleEntry.member
        for (offset, element) in elements.enumerated() {
            let line = lines[offset]
            do {
                let found: RawEntry? = try bundle ? STIX2BundleEntry.entry(element) : Optional(entry(element))
                guard let raw = found else { continue }
                try record(try interpreter.record(from: raw, line: line))
            } catch let problem as EntryProblem {
                try reject(ImportRejection(line: line, reason: "element \(offset + 1): \(problem.reason)"))
            }
        }
    }

    /// The top-level member whose array holds the entries, or nil for a top-level array.
    private static func targetMember(_ layout: JSONElementLocator.Layout) throws(ImportFileError) -> String? {
        let expected = "expected an array of objects, {\"observables\":[…]} or {\"judgements\":[…]}"
        switch layout.topLevel {
        case .array:
            return nil
        case .object:
            let present = feedMembers.filter { name in layout.members.contains { $0.key == name } }
            if present.isEmpty, let bundle = try STIX2BundleEntry.member(of: layout) { return bundle }
            guard let name = present.first else {
                let keys = layout.members.map { ImportText.quoted($0.key) }
                let found = keys.isEmpty ? "an empty object" : "an object with \(keys.joined(separator: ", "))"
                throw ImportFileError(problem: "the JSON is \(found); \(expected)")
            }
            guard present.count == 1 else {
                throw ImportFileError(
                    problem: "the JSON has both \"observables\" and \"judgements\"; import them from separate files"
                )
            }
            let occurrences = layout.members.filter { $0.key == name }
            guard occurrences.count == 1 else {
                throw ImportFileError(problem: "\"\(name)\" appears \(occurrences.count) times in the top-level object")
            }
            guard occurrences[0].kind == .array else {
                throw ImportFileError(problem: "\"\(name)\" is \(occurrences[0].kind.phrase); expected an array")
            }
            return name
        default:
            throw ImportFileError(problem: "the JSON is \(layout.topLevel.phrase); \(expected)")
        }
    }

    private static func entry(_ element: Any) throws(EntryProblem) -> RawEntry {
        guard let object = element as? [String: Any] else {
            throw EntryProblem("expected an object, found \(describe(element))")
        }
        var raw = RawEntry()
        if let observable = try nestedObject(object, "observable") {
            if let value = object["value"], !(value is NSNull) {
                throw EntryProblem("both \"observable\" and \"value\" are given; give one")
            }
            raw.typeField = "observable.type"
            raw.valueField = "observable.value"
            raw.type = try string(observable, "type", label: raw.typeField)
            raw.value = try string(observable, "value", label: raw.valueField)
        } else {
            // Without "observable", a top-level "type" is the observable's type.
            raw.type = try string(object, "type")
            raw.value = try string(object, "value")
        }
        raw.disposition = try disposition(object["disposition"])
        raw.dispositionName = try string(object, "disposition_name")
        raw.severity = try string(object, "severity")
        raw.confidence = try string(object, "confidence")
        raw.tlp = try string(object, "tlp")
        raw.priority = try priority(object["priority"])

        let reason = ImportText.nonEmpty(try string(object, "reason"))
        let description = ImportText.nonEmpty(try string(object, "description"))
        if let reason, let description, reason != description {
            throw EntryProblem("\"reason\" and \"description\" differ; give one")
        }
        raw.reason = reason ?? description
        raw.reasonField = reason != nil ? "reason" : "description"

        var start: String?
        var end: String?
        if let validTime = try nestedObject(object, "valid_time") {
            start = try string(validTime, "start_time", label: "valid_time.start_time")
            end = try string(validTime, "end_time", label: "valid_time.end_time")
        }
        (raw.validFrom, raw.validFromField) = try merge(
            ("valid_from", try string(object, "valid_from")), ("valid_time.start_time", start)
        )
        (raw.validUntil, raw.validUntilField) = try merge(
            ("valid_until", try string(object, "valid_until")), ("valid_time.end_time", end)
        )
        return raw
    }

    /// Two spellings of one time may both be given only if they name the same instant.
    private static func merge(
        _ flat: (String, String?), _ nested: (String, String?)
    ) throws(EntryProblem) -> (String?, String) {
        switch (ImportText.nonEmpty(flat.1), ImportText.nonEmpty(nested.1)) {
        case let (a?, b?):
            if let first = Timestamps.parse(a), let second = Timestamps.parse(b), first != second {
                throw EntryProblem("\(flat.0) \(ImportText.quoted(a)) and \(nested.0) \(ImportText.quoted(b)) disagree")
            }
            return (a, flat.0)
        case (let a?, nil): return (a, flat.0)
        case (nil, let b?): return (b, nested.0)
        case (nil, nil): return (nil, flat.0)
        }
    }

    /// CTIM writes the number (`2`); people also write the name. Both become text for the builder.
    private static func priority(_ value: Any?) throws(EntryProblem) -> String? {
        guard let value, !(value is NSNull) else { return nil }
        if let text = value as? String { return text }
        if let number = value as? NSNumber, !isBoolean(number), number.doubleValue == number.doubleValue.rounded(), abs(number.doubleValue) < 1e9 {
            return String(Int(number.doubleValue))
        }
        throw EntryProblem("\"priority\" must be a whole number 0-100, found \(describe(value))")
    }

    private static func disposition(_ value: Any?) throws(EntryProblem) -> String? {
        guard let value else { return nil }
        if let text = value as? String { return text }
        if value is NSNull { return nil }
        if let number = value as? NSNumber, !isBoolean(number) {
            let double = number.doubleValue
            if double == double.rounded(), abs(double) < 1e9 { return String(Int(double)) }
            return number.stringValue
        }
        throw EntryProblem("\"disposition\" must be a number 1-5 or a name, found \(describe(value))")
    }

    // JSON null counts as absent. The expected type is tested first: asking whether a
    // String is an NSNull bridges it to NSString on Linux, which is slow.

    static func string(_ object: [String: Any], _ key: String, label: String? = nil) throws(EntryProblem) -> String? {
        guard let value = object[key] else { return nil }
        if let text = value as? String { return text }
        if value is NSNull { return nil }
        throw EntryProblem("\"\(label ?? key)\" must be a string, found \(describe(value))")
    }

    private static func nestedObject(_ object: [String: Any], _ key: String) throws(EntryProblem) -> [String: Any]? {
        guard let value = object[key] else { return nil }
        if let nested = value as? [String: Any] { return nested }
        if value is NSNull { return nil }
        throw EntryProblem("\"\(key)\" must be an object, found \(describe(value))")
    }

    /// Foundation on Linux bridges `true` to an NSNumber that also casts to Int (and `1` to
    /// one that casts to Bool), so booleans are told apart by their storage type.
    static func isBoolean(_ number: NSNumber) -> Bool {
        String(cString: number.objCType) == "c"
    }

    static func describe(_ value: Any) -> String {
        if value is String { return "a string" }
        if let number = value as? NSNumber { return isBoolean(number) ? "a boolean" : "a number" }
        if value is [String: Any] { return "an object" }
        if value is [Any] { return "an array" }
        if value is NSNull { return "null" }
        return "\(type(of: value))"
    }
}
