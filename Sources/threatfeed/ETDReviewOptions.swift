import Foundation
import ThreatFeedCore

/// What `etd held-back` and `etd simulate` share: the `--since` span and the JSON output.
enum ETDReviewOptions {
    static func start(since: String) throws -> Date {
        do {
            return Date().addingTimeInterval(-(try TimeSpan(parsing: since)).seconds)
        } catch {
            throw CLIError.invalid("--since", since, "\(error)")
        }
    }

    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
