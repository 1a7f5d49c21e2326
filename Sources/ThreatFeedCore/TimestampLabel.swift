import Foundation

/// The ingestion label every judgement carries: microseconds since the Unix epoch.
///
/// Labels are what TAXII pollers page by (`Exclusive_Begin_Timestamp`), so they are
/// strictly increasing across the whole store, even if the wall clock steps back.
public struct TimestampLabel: Hashable, Sendable, Comparable, Codable, CustomStringConvertible {
    public let microseconds: Int64

    public init(microseconds: Int64) { self.microseconds = microseconds }

    public init(_ date: Date) {
        self.microseconds = Int64((date.timeIntervalSince1970 * 1_000_000).rounded(.down))
    }

    public var date: Date { Date(timeIntervalSince1970: Double(microseconds) / 1_000_000) }

    public static let zero = TimestampLabel(microseconds: 0)

    public static func < (lhs: TimestampLabel, rhs: TimestampLabel) -> Bool { lhs.microseconds < rhs.microseconds }

    public var description: String { Timestamps.iso8601Micro(self) }
}

/// Hands out labels: the wall clock when it moves forward, one microsecond past the
/// last label when it does not (clock stepped back, or many writes in one microsecond).
public struct LabelAllocator: Sendable {
    public private(set) var last: TimestampLabel

    public init(last: TimestampLabel) { self.last = last }

    public mutating func next(now: Date) -> TimestampLabel {
        let wall = TimestampLabel(now)
        let label = wall > last ? wall : TimestampLabel(microseconds: last.microseconds + 1)
        last = label
        return label
    }
}
