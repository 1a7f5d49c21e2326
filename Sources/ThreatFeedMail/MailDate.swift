import Foundation

/// Dates in the two forms a notification needs, both in UTC.
enum MailDate {
    /// RFC 5322 §3.3, for the Date header: `Sat, 28 Nov 2026 05:01:16 +0000`.
    static func rfc5322(_ date: Date) -> String {
        let parts = components(date)
        let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return "\(weekdays[parts.weekday! - 1]), \(parts.day!) \(months[parts.month! - 1]) \(parts.year!) "
            + "\(two(parts.hour!)):\(two(parts.minute!)):\(two(parts.second!)) +0000"
    }

    /// For people: `2026-11-28 05:01:16 UTC`.
    static func readable(_ date: Date) -> String {
        let parts = components(date)
        return "\(parts.year!)-\(two(parts.month!))-\(two(parts.day!)) \(two(parts.hour!)):\(two(parts.minute!)):\(two(parts.second!)) UTC"
    }

    private static func components(_ date: Date) -> DateComponents {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
    }

    private static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
}
