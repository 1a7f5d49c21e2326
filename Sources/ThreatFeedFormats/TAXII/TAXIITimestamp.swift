import ThreatFeedCore

/// TAXII 1.1 `TimestampLabelType`: `YYYY-MM-DDThh:mm:ss[.f+](Z|±hh:mm)`, an `xs:dateTime`
/// that must carry a zone. `xs:dateTime` allows any number of fractional digits (.NET sends 7):
/// they are read and truncated to microseconds, never accumulated into an integer.
///
/// Written always as `2026-11-23T10:00:00.123456Z`: six digits, so a label a poller echoes
/// back as its next `Exclusive_Begin_Timestamp` is the exact label, not a rounded one.
/// Arithmetic is on integer microseconds; `Date`'s `Double` would drift by a microsecond.
public enum TAXIITimestamp {
    public static func parse(_ text: String) throws(TAXIITimestampError) -> TimestampLabel {
        var scanner = Scanner(Array(text.utf8))
        guard let label = scanner.timestamp(), scanner.atEnd else { throw TAXIITimestampError(text: text) }
        return label
    }

    public static func string(from label: TimestampLabel) -> String {
        var output: [UInt8] = []
        append(label, to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// Bytes in a written label: `YYYY-MM-DDThh:mm:ss.ffffffZ` (the year is always four digits).
    public static let length = 27

    /// Appends the label as `YYYY-MM-DDThh:mm:ss.ffffffZ`.
    public static func append(_ label: TimestampLabel, to output: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: length) { buffer in
            write(label, to: buffer.baseAddress!)
            output.append(contentsOf: UnsafeBufferPointer(buffer))
        }
    }

    /// Writes the label's `length` bytes at `output`: a poll writes several timestamps per block, each straight from
    /// the integer (no `Date`, no calendar object, no temporary array).
    public static func write(_ label: TimestampLabel, to output: UnsafeMutablePointer<UInt8>) {
        let micros = label.microseconds
        var seconds = micros / 1_000_000
        var fraction = micros % 1_000_000
        if fraction < 0 {
            fraction += 1_000_000
            seconds -= 1
        }
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let (year, month, day) = CivilCalendar.date(fromDays: days)
        let fourDigitYear = year < 0 ? 0 : year % 10_000  // the lowest four digits: labels stay within 0001–9999
        digitPairs.withUnsafeBufferPointer { pairs in
            let pairs = pairs.baseAddress!
            writePair(fourDigitYear / 100, output, pairs)
            writePair(fourDigitYear % 100, output + 2, pairs)
            output[4] = UInt8(ascii: "-")
            writePair(month, output + 5, pairs)
            output[7] = UInt8(ascii: "-")
            writePair(day, output + 8, pairs)
            output[10] = UInt8(ascii: "T")
            writePair(secondOfDay / 3_600, output + 11, pairs)
            output[13] = UInt8(ascii: ":")
            writePair(secondOfDay % 3_600 / 60, output + 14, pairs)
            output[16] = UInt8(ascii: ":")
            writePair(secondOfDay % 60, output + 17, pairs)
            output[19] = UInt8(ascii: ".")
            writePair(fraction / 10_000, output + 20, pairs)
            writePair(fraction / 100 % 100, output + 22, pairs)
            writePair(fraction % 100, output + 24, pairs)
            output[26] = UInt8(ascii: "Z")
        }
    }

    /// "00" to "99": two digits per lookup, for the four timestamps of every polled block.
    private static let digitPairs: [UInt8] = (0..<100).flatMap { [UInt8(ascii: "0") + UInt8($0 / 10), UInt8(ascii: "0") + UInt8($0 % 10)] }

    /// `value` (0...99) as two digits.
    private static func writePair(_ value: Int64, _ output: UnsafeMutablePointer<UInt8>, _ pairs: UnsafePointer<UInt8>) {
        let index = Int(value) &* 2
        output[0] = pairs[index]
        output[1] = pairs[index &+ 1]
    }

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var atEnd: Bool { index == bytes.count }

        mutating func digits(_ width: Int) -> Int64? {
            guard index + width <= bytes.count else { return nil }
            var value: Int64 = 0
            for byte in bytes[index..<(index + width)] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int64(byte - UInt8(ascii: "0"))
            }
            index += width
            return value
        }

        /// The sum of the values, or nil when any of them or the sum overflowed.
        static func checked(_ values: [Int64]) -> Int64? {
            checked(values.map { ($0, false) })
        }

        static func checked(_ values: [(partialValue: Int64, overflow: Bool)]) -> Int64? {
            var total: Int64 = 0
            for (value, overflow) in values {
                guard !overflow else { return nil }
                let (sum, sumOverflow) = total.addingReportingOverflow(value)
                guard !sumOverflow else { return nil }
                total = sum
            }
            return total
        }

        mutating func expect(_ character: Unicode.Scalar) -> Bool {
            guard index < bytes.count, bytes[index] == UInt8(ascii: character) else { return false }
            index += 1
            return true
        }

        mutating func timestamp() -> TimestampLabel? {
            guard let year = digits(4), expect("-"), let month = digits(2), expect("-"), let day = digits(2), expect("T"),
                let hour = digits(2), expect(":"), let minute = digits(2), expect(":"), let second = digits(2)
            else { return nil }
            guard (1...12).contains(month), (1...CivilCalendar.daysIn(month: month, year: year)).contains(day) else { return nil }
            var fraction: Int64 = 0
            var fractionBeyondMicros = false
            if expect(".") {
                var count = 0
                while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                    let digit = Int64(bytes[index] - UInt8(ascii: "0"))
                    // Digits past the sixth only matter for the 24:00:00 check; they are truncated.
                    if count < 6 { fraction = fraction * 10 + digit } else if digit != 0 { fractionBeyondMicros = true }
                    count += 1
                    index += 1
                }
                guard count >= 1 else { return nil }
                for _ in min(count, 6)..<6 { fraction *= 10 }
            }
            // xs:dateTime allows 24:00:00 for the end of a day; no leap seconds.
            let endOfDay = hour == 24 && minute == 0 && second == 0 && fraction == 0 && !fractionBeyondMicros
            guard hour < 24 || endOfDay, minute < 60, second < 60 else { return nil }
            let offset: Int64
            if expect("Z") {
                offset = 0
            } else if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                let sign: Int64 = bytes[index] == UInt8(ascii: "+") ? 1 : -1
                index += 1
                guard let offsetHours = digits(2), expect(":"), let offsetMinutes = digits(2), offsetMinutes < 60,
                    offsetHours < 14 || (offsetHours == 14 && offsetMinutes == 0)
                else { return nil }
                offset = sign * (offsetHours * 3_600 + offsetMinutes * 60)
            } else {
                return nil  // TAXII requires the zone: no guessing at local time
            }
            // Four-digit years keep this far inside Int64; checked anyway so a wider year field can never trap.
            let days = CivilCalendar.days(year: year, month: month, day: day)
            guard let seconds = Self.checked([days * 86_400, hour * 3_600, minute * 60, second, -offset]),
                let micros = Self.checked([seconds.multipliedReportingOverflow(by: 1_000_000), (fraction, false)])
            else { return nil }
            return TimestampLabel(microseconds: micros)
        }
    }
}
