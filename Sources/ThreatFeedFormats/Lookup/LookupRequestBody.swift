import Foundation
import ThreatFeedCore

/// The body of `POST /lookup` and of the XDR relay calls: `[{"type":…,"value":…}, …]`, or for `/lookup`
/// also `{"text":"…"}` (free text whose observables are extracted).
public enum LookupRequestBody {
    /// Why a body was refused; `message` names the element and the problem.
    public struct Problem: Error, Equatable, Sendable, CustomStringConvertible {
        public let message: String
        public init(_ message: String) { self.message = message }
        public var description: String { message }
    }

    /// What to do with `{type, value}` items whose type we do not know.
    public enum UnknownTypes: Sendable {
        /// `POST /lookup`: an unknown type is a mistake worth telling.
        case refuse
        /// XDR relay: XDR sends every type it knows to every module; the template ignores the others.
        case ignore
    }

    /// Parses `data` into the subjects to look up, at most `maxObservables` of them.
    public static func subjects(
        from data: Data, maxObservables: Int, unknownTypes: UnknownTypes, allowText: Bool
    ) throws(Problem) -> [LookupSubject] {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw Problem("body is not JSON")
        }
        if allowText, let dictionary = object as? [String: Any] {
            guard let text = dictionary["text"] as? String, dictionary.count == 1 else {
                throw Problem("expected {\"text\": \"…\"} or [{\"type\": …, \"value\": …}, …]")
            }
            let found = ObservableExtraction.subjects(in: text, limit: maxObservables + 1)
            guard found.count <= maxObservables else { throw Problem("text holds more than \(maxObservables) observables") }
            return found
        }
        guard let items = object as? [Any] else {
            throw Problem(allowText ? "expected {\"text\": \"…\"} or [{\"type\": …, \"value\": …}, …]" : "expected [{\"type\": …, \"value\": …}, …]")
        }
        guard items.count <= maxObservables else { throw Problem("at most \(maxObservables) observables per call, got \(items.count)") }
        var subjects: [LookupSubject] = []
        for (index, item) in items.enumerated() {
            guard let pair = item as? [String: Any], let type = pair["type"] as? String, let value = pair["value"] as? String else {
                throw Problem("item \(index): expected {\"type\": string, \"value\": string}")
            }
            do throws(ObservableError) {
                guard let subject = try LookupTerm.typed(type: type, value: value) else {
                    if unknownTypes == .ignore { continue }
                    throw ObservableError("unknown type \(JSONString.quoted(String(type.prefix(40)))) (use \(LookupSubject.typeNamesForHelp))")
                }
                subjects.append(subject)
            } catch {
                throw Problem("item \(index) (\(String(type.prefix(40)))): \(error.reason)")
            }
        }
        return subjects
    }
}
