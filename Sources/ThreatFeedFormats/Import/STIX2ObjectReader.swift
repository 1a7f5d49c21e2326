import Foundation
import ThreatFeedCore

/// One STIX 2.1 object sent to us (the TAXII 2.1 write service) read as an import record, with the same
/// checks and normalisation as `threatfeed import` of a bundle.
public enum STIX2ObjectReader {
    public enum Outcome: Sendable {
        case record(ImportRecord)
        /// Not something we keep, with the reason for the status resource.
        case refused(String)
    }

    /// `position` (1-based) stands in for the line. Objects other than indicators are refused: a collection
    /// holds ThreatFeed's own indicators and identity, nothing else.
    public static func read(_ object: Any, position: Int) -> Outcome {
        guard let dictionary = object as? [String: Any] else { return .refused("not a STIX object") }
        guard dictionary["type"] as? String == "indicator" else {
            return .refused("only indicators are accepted, not \(ImportText.quoted(dictionary["type"] as? String ?? "?"))")
        }
        var interpreter = EntryInterpreter(forcedType: nil)
        do {
            guard let raw = try STIX2BundleEntry.entry(dictionary) else { return .refused("not an indicator") }
            return .record(try interpreter.record(from: raw, line: position))
        } catch {
            return .refused(error.reason)
        }
    }
}
