import Foundation
import ThreatFeedCore

/// A STIX 2.1 bundle as an import file: each `indicator` whose pattern is one equality comparison on an
/// observable we keep becomes an entry (`valid_from`, `valid_until`, description or name as the reason, TLP
/// from its marking, confidence, disposition from `indicator_types`). Other objects (identities, markings,
/// relationships…) are not indicators and are passed over; an indicator we cannot take is rejected with the reason.
enum STIX2BundleEntry {
    static let member = "objects"

    /// `"objects"` when the top-level object is a bundle, nil when it is not one; a malformed bundle is an error.
    static func member(of layout: JSONElementLocator.Layout) throws(ImportFileError) -> String? {
        guard layout.members.contains(where: { $0.key == "type" }), let objects = layout.members.first(where: { $0.key == member }) else {
            return nil
        }
        guard layout.members.filter({ $0.key == member }).count == 1 else {
            throw ImportFileError(problem: "\"objects\" appears more than once in the bundle")
        }
        guard objects.kind == .array else {
            throw ImportFileError(problem: "the bundle's \"objects\" is \(objects.kind.phrase); expected an array")
        }
        return member
    }

    /// The entry for one bundle element, or nil for an object that is not an indicator.
    static func entry(_ element: Any) throws(EntryProblem) -> RawEntry? {
        guard let object = element as? [String: Any] else {
            throw EntryProblem("expected a STIX object, found \(JSONImportParser.describe(element))")
        }
        guard let type = try JSONImportParser.string(object, "type") else { throw EntryProblem("a STIX object without \"type\"") }
        guard type == "indicator" else { return nil }
        if let version = try JSONImportParser.string(object, "spec_version"), version != "2.1" {
            throw EntryProblem("spec_version \(ImportText.quoted(version)) is not 2.1")
        }
        if let patternType = try JSONImportParser.string(object, "pattern_type"), patternType != "stix" {
            throw EntryProblem("pattern_type \(ImportText.quoted(patternType)) is not stix")
        }
        if let revoked = object["revoked"] as? NSNumber, JSONImportParser.isBoolean(revoked), revoked.boolValue {
            throw EntryProblem("the indicator is revoked")
        }
        guard let pattern = try JSONImportParser.string(object, "pattern") else { throw EntryProblem("an indicator without \"pattern\"") }
        let comparison: (type: ObservableType, value: String)
        do {
            comparison = try STIX2PatternParser.equality(pattern)
        } catch {
            throw EntryProblem("pattern: \(error.reason)")
        }
        var raw = RawEntry()
        raw.type = comparison.type.rawValue
        raw.typeField = "pattern"
        raw.value = comparison.value
        raw.valueField = "pattern"
        raw.validFrom = try JSONImportParser.string(object, "valid_from")
        raw.validUntil = try JSONImportParser.string(object, "valid_until")
        let description = ImportText.nonEmpty(try JSONImportParser.string(object, "description"))
        let name = ImportText.nonEmpty(try JSONImportParser.string(object, "name"))
        raw.reason = description ?? name
        raw.reasonField = object["description"] != nil ? "description" : "name"
        if let markings = object["object_marking_refs"] as? [Any] {
            raw.tlp = TLP.allCases.first { tlp in markings.contains { ($0 as? String) == STIX2Marking.tlp(tlp) } }?.rawValue
        }
        if let number = object["confidence"] as? NSNumber, !JSONImportParser.isBoolean(number) {
            let value = number.doubleValue
            guard value >= 0, value <= 100 else { throw EntryProblem("confidence \(number) is not 0-100") }
            raw.confidence = value == 0 ? "none" : value < 30 ? "low" : value < 70 ? "medium" : "high"
        }
        if let types = object["indicator_types"] as? [Any] {
            let names = types.compactMap { $0 as? String }
            if names.contains("malicious-activity") || names.contains("compromised") {
                raw.disposition = "malicious"
            } else if names.contains("anomalous-activity") {
                raw.disposition = "suspicious"
            } else if names.contains("benign") {
                raw.disposition = "clean"
            }
        }
        return raw
    }
}
