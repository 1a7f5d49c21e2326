import Foundation

/// A size written the way administrators write it: `1048576`, `512KiB`, `1MiB`, `16k`.
/// K and M are binary (1024) whether or not the `i` is written: limits are about buffers.
public struct ByteCount: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let bytes: Int

    public init(bytes: Int) { self.bytes = bytes }

    public static func kibibytes(_ n: Int) -> ByteCount { ByteCount(bytes: n * 1024) }
    public static func mebibytes(_ n: Int) -> ByteCount { ByteCount(bytes: n * 1024 * 1024) }

    private static let units: [(suffixes: [String], factor: Int)] = [
        (["gib", "gb", "g"], 1 << 30), (["mib", "mb", "m"], 1 << 20), (["kib", "kb", "k"], 1 << 10), (["b", ""], 1),
    ]

    /// Parses a positive size no larger than 1 GiB.
    public init(parsing text: String) throws(ByteCountError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let digits = trimmed.prefix { $0.isASCII && $0.isNumber }
        let suffix = trimmed.dropFirst(digits.count).trimmingCharacters(in: .whitespaces)
        guard !digits.isEmpty else {
            throw ByteCountError(text: text, problem: "not a size (e.g. 1MiB, 64KiB or 1048576)")
        }
        // More digits than Int holds is still a size, just far too large.
        guard let number = Int(digits) else { throw ByteCountError(text: text, problem: "larger than 1 GiB") }
        guard let unit = Self.units.first(where: { $0.suffixes.contains(suffix) }) else {
            throw ByteCountError(text: text, problem: "unknown unit '\(suffix)' (use KiB, MiB or GiB)")
        }
        let (total, overflow) = number.multipliedReportingOverflow(by: unit.factor)
        guard !overflow, total <= 1 << 30 else { throw ByteCountError(text: text, problem: "larger than 1 GiB") }
        guard total > 0 else { throw ByteCountError(text: text, problem: "must be larger than zero") }
        bytes = total
    }

    public var description: String {
        if bytes % (1 << 20) == 0 { return "\(bytes >> 20)MiB" }
        if bytes % (1 << 10) == 0 { return "\(bytes >> 10)KiB" }
        return "\(bytes)"
    }

    public static func < (lhs: ByteCount, rhs: ByteCount) -> Bool { lhs.bytes < rhs.bytes }
}

public struct ByteCountError: Error, CustomStringConvertible, Equatable {
    public let text: String
    public let problem: String
    public var description: String { "invalid size '\(text)': \(problem)" }
}
