import Foundation

/// The few timestamp forms ThreatFeed writes and reads. Always UTC.
public enum Timestamps {
    /// `2025-03-01T00:00:00.000Z`: CTIM's form (milliseconds).
    public static func iso8601Milli(_ date: Date) -> String { format(date, fractionDigits: 3) }

    /// `2025-03-01T00:00:00.000000Z`: full label precision.
    public static func iso8601Micro(_ date: Date) -> String { format(date, fractionDigits: 6) }

    /// A label's exact text: integer arithmetic all the way, no `Double` to lose the last microsecond.
    public static func iso8601Micro(_ label: TimestampLabel) -> String { format(micros: label.microseconds, fractionDigits: 6) }

    private static func format(_ date: Date, fractionDigits: Int) -> String {
        format(micros: Int64((date.timeIntervalSince1970 * 1_000_000).rounded(.down)), fractionDigits: fractionDigits)
    }

    private static func format(micros totalMicros: Int64, fractionDigits: Int) -> String {
        var seconds = totalMicros / 1_000_000
        var micros = totalMicros % 1_000_000
        if micros < 0 {
            micros += 1_000_000
            seconds -= 1
        }
        let (y, mo, d, h, mi, s) = civil(fromUnixSeconds: seconds)
        var text = pad(y, 4) + "-" + pad(mo, 2) + "-" + pad(d, 2) + "T" + pad(h, 2) + ":" + pad(mi, 2) + ":" + pad(s, 2)
        if fractionDigits > 0 {
            let fraction = pad(Int(micros), 6)
            text += "." + fraction.prefix(fractionDigits)
        }
        return text + "Z"
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    private static func civil(fromUnixSeconds t: Int64) -> (Int, Int, Int, Int, Int, Int) {
        let days = t >= 0 ? t / 86_400 : (t - 86_399) / 86_400
        let secs = Int(t - days * 86_400)
        let (y, m, d) = CivilCalendar.date(fromDays: days)
        return (Int(y), Int(m), Int(d), secs / 3_600, (secs % 3_600) / 60, secs % 60)
    }

    /// Parses `YYYY-MM-DD`, `YYYY-MM-DDThh:mm[:ss[.ffffff]](Z|±hh:mm)`; a space may stand for `T`.
    /// A date-only value means the start of that day, UTC.
    public static func parse(_ text: String) -> Date? {
        let bytes = Array(text.trimmingCharacters(in: .whitespaces).utf8)
        var index = 0
        func number(_ width: Int) -> Int? {
            guard index + width <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[index..<(index + width)] {
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            index += width
            return value
        }
        func expect(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect(45), let month = number(2), expect(45), let day = number(2) else { return nil }
        guard (1...12).contains(month), (1...Int(CivilCalendar.daysIn(month: Int64(month), year: Int64(year)))).contains(day) else { return nil }
        var hour = 0, minute = 0, second = 0
        var micros = 0
        var offsetSeconds = 0
        if index < bytes.count {
            guard bytes[index] == 84 || bytes[index] == 116 || bytes[index] == 32 else { return nil }  // T t space
            index += 1
            guard let h = number(2), expect(58), let mi = number(2) else { return nil }
            hour = h
            minute = mi
            if expect(58) {
                guard let s = number(2) else { return nil }
                second = s
                if expect(46) {
                    var digits = 0
                    while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                        if digits < 6 { micros = micros * 10 + Int(bytes[index] - 48) }
                        digits += 1
                        index += 1
                    }
                    guard digits > 0 else { return nil }
                    for _ in min(digits, 6)..<6 { micros *= 10 }
                }
            }
            guard hour < 24, minute < 60, second < 61 else { return nil }
            guard index < bytes.count else { return nil }  // a time needs its zone: no local-time guessing
            if bytes[index] == 90 || bytes[index] == 122 {  // Z z
                index += 1
            } else if bytes[index] == 43 || bytes[index] == 45 {  // + -
                let sign = bytes[index] == 43 ? 1 : -1
                index += 1
                guard let oh = number(2) else { return nil }
                _ = expect(58)
                guard let om = number(2), oh < 24, om < 60 else { return nil }
                offsetSeconds = sign * (oh * 3_600 + om * 60)
            } else {
                return nil
            }
        }
        guard index == bytes.count else { return nil }
        let days = Int(CivilCalendar.days(year: Int64(year), month: Int64(month), day: Int64(day)))
        let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second - offsetSeconds
        return Date(timeIntervalSince1970: Double(seconds) + Double(micros) / 1_000_000)
    }
}
