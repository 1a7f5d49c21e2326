import Foundation

/// A length of time written the way administrators write it: `30d`, `12h`, `1w`, `90m`, `1d12h`.
public struct TimeSpan: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let seconds: Double

    public init(seconds: Double) { self.seconds = seconds }

    public static func days(_ n: Int) -> TimeSpan { TimeSpan(seconds: Double(n) * 86_400) }
    public static func hours(_ n: Int) -> TimeSpan { TimeSpan(seconds: Double(n) * 3_600) }

    private static let units: [(Character, Double)] = [
        ("w", 604_800), ("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1),
    ]

    /// Parses `30d`, `1d12h`, `45m`, `2w`. A bare number is rejected: the unit must be said.
    public init(parsing text: String) throws(TimeSpanError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard !trimmed.isEmpty else { throw TimeSpanError(text: text, problem: "empty duration") }
        var total = 0.0
        var digits = ""
        var sawUnit = false
        for character in trimmed {
            if character.isASCII, character.isNumber {
                digits.append(character)
                continue
            }
            guard let unit = TimeSpan.units.first(where: { $0.0 == character }) else {
                throw TimeSpanError(text: text, problem: "unknown unit '\(character)' (use w, d, h, m or s)")
            }
            guard !digits.isEmpty else {
                throw TimeSpanError(text: text, problem: "a number must come before '\(character)'")
            }
            // Any count past 100 years is refused below; more digits than Int holds must say so, not overflow.
            guard let count = Int(digits), count <= 36_500 * 86_400 else {
                throw TimeSpanError(text: text, problem: "'\(digits.prefix(30))\(character)' is longer than 100 years")
            }
            total += Double(count) * unit.1
            digits = ""
            sawUnit = true
        }
        guard digits.isEmpty else {
            throw TimeSpanError(text: text, problem: "'\(digits)' has no unit (e.g. \(digits)d)")
        }
        guard sawUnit, total > 0 else { throw TimeSpanError(text: text, problem: "duration must be longer than zero") }
        // Beyond ~100 years is a typo, and Date arithmetic far out loses meaning.
        guard total <= 36_500 * 86_400 else { throw TimeSpanError(text: text, problem: "longer than 100 years") }
        self.seconds = total
    }

    /// The shortest exact rendering: `30d`, `1d12h`, `90s`.
    public var description: String {
        var rest = Int(seconds.rounded())
        var text = ""
        for (unit, size) in TimeSpan.units where unit != "w" {
            let count = rest / Int(size)
            if count > 0 {
                text += "\(count)\(unit)"
                rest -= count * Int(size)
            }
        }
        return text.isEmpty ? "0s" : text
    }

    public static func < (lhs: TimeSpan, rhs: TimeSpan) -> Bool { lhs.seconds < rhs.seconds }
}

public struct TimeSpanError: Error, Equatable, CustomStringConvertible {
    public let text: String
    public let problem: String
    public var description: String { "invalid duration '\(text)': \(problem)" }
}
