import Foundation
import ThreatFeedCore
import ThreatFeedStore

/// How the pages write times and spans: UTC to the second, and "5 min ago".
enum AdminText {
    static func time(_ date: Date?) -> String {
        guard let date else { return "never" }
        // 2026-12-06T23:55:59.123Z → 2026-12-06 23:55:59 UTC
        let iso = Timestamps.iso8601Milli(date)
        return iso.prefix(10) + " " + iso.dropFirst(11).prefix(8) + " UTC"
    }

    static func time(iso: String?) -> String {
        guard let iso, iso.count >= 19 else { return iso ?? "never" }
        return iso.prefix(10) + " " + iso.dropFirst(11).prefix(8) + " UTC"
    }

    static func span(_ seconds: TimeInterval) -> String {
        guard seconds.isFinite else { return "—" }
        let value = max(0, seconds)
        if value < 120 { return "\(Int(value)) s" }
        if value < 7_200 { return "\(Int(value / 60)) min" }
        if value < 172_800 { return "\(Int(value / 3_600)) h" }
        return "\(Int(value / 86_400)) d"
    }

    static func ago(_ date: Date?, now: Date) -> String {
        guard let date else { return "never" }
        return now < date ? "just now" : span(now.timeIntervalSince(date)) + " ago"
    }

    /// "2026-12-06" for a day since the epoch.
    static func day(_ day: Int64) -> String { String(Timestamps.iso8601Milli(CalendarBucket.start(ofDay: day)).prefix(10)) }
}
