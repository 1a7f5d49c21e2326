import Foundation
import ThreatFeedCore

/// Plain records the administrator's pages are drawn from, filled by the named queries of
/// `StoreReader+AdminPages`, so that the pages can be rendered from fixed data in tests.

/// A count on one UTC day (`day` = days since 1970-01-01).
public struct DayCount: Sendable, Hashable {
    public var day: Int64
    public var count: Int

    public init(day: Int64, count: Int) {
        self.day = day
        self.count = count
    }
}

/// Live observables of one type in a feed.
public struct TypeCount: Sendable, Hashable {
    public var type: String
    public var count: Int

    public init(type: String, count: Int) {
        self.type = type
        self.count = count
    }
}

/// Convictions processed on one UTC day with one verdict.
public struct VerdictDayCount: Sendable, Hashable {
    public var day: Int64
    public var verdict: String
    public var count: Int

    public init(day: Int64, verdict: String, count: Int) {
        self.day = day
        self.verdict = verdict
        self.count = count
    }
}

/// Days and hours as whole numbers since the epoch, the keys of the per-day and per-hour counts.
public enum CalendarBucket {
    public static let microsPerDay: Int64 = 86_400_000_000
    public static let microsPerHour: Int64 = 3_600_000_000

    public static func day(of date: Date) -> Int64 { floorDivide(TimestampLabel(date).microseconds, microsPerDay) }
    public static func hour(of date: Date) -> Int64 { floorDivide(TimestampLabel(date).microseconds, microsPerHour) }
    public static func start(ofDay day: Int64) -> Date { TimestampLabel(microseconds: day &* microsPerDay).date }
    public static func start(ofHour hour: Int64) -> Date { TimestampLabel(microseconds: hour &* microsPerHour).date }

    static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return (value % divisor < 0) ? quotient - 1 : quotient
    }
}

extension StoreReader.IndicatorStatistics {
    /// For pages rendered from fixed data in tests.
    public init(live: Int, judgements: Int, newest: TimestampLabel?) {
        liveObservables = live
        self.judgements = judgements
        newestLabel = newest
    }
}
