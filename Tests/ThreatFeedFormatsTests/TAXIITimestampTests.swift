import Testing
import ThreatFeedCore
import ThreatFeedFormats

@Suite("TAXII timestamps")
struct TAXIITimestampTests {
    /// 2024-01-15T00:00:00Z in microseconds.
    static let day: Int64 = 1_705_276_800 * 1_000_000

    static let acceptedCases: [(String, Int64)] = [
        ("2024-01-15T00:00:00Z", Self.day),
        ("2024-01-15T00:00:00+00:00", Self.day),
        ("2024-01-15T00:00:00-00:00", Self.day),
        ("2024-01-15T02:00:00+02:00", Self.day),
        ("2024-01-14T19:30:00-04:30", Self.day),
        ("2024-01-15T00:00:00.1Z", Self.day + 100_000),
        ("2024-01-15T00:00:00.12Z", Self.day + 120_000),
        ("2024-01-15T00:00:00.123Z", Self.day + 123_000),
        ("2024-01-15T00:00:00.1234Z", Self.day + 123_400),
        ("2024-01-15T00:00:00.12345Z", Self.day + 123_450),
        ("2024-01-15T00:00:00.123456Z", Self.day + 123_456),
        ("2024-01-15T02:00:00.000001+02:00", Self.day + 1),
        ("2024-01-14T24:00:00Z", Self.day),
        ("2024-02-29T00:00:00Z", Self.day + 45 * 86_400 * 1_000_000),
        ("1970-01-01T00:00:00Z", 0),
        ("1969-12-31T23:59:59.999999Z", -1),
        ("2024-01-15T14:00:00+14:00", Self.day),
        // xs:dateTime allows any number of fraction digits: .NET sends 7; all are truncated to microseconds.
        ("2024-01-15T00:00:00.1234567Z", Self.day + 123_456),
        ("2024-01-15T00:00:00.9999999999999999999Z", Self.day + 999_999),
        ("2024-01-15T00:00:00." + String(repeating: "9", count: 40) + "Z", Self.day + 999_999),
        ("2024-01-15T00:00:00." + String(repeating: "0", count: 5_000) + "1Z", Self.day),
        ("2024-01-15T02:00:00.0000019999+02:00", Self.day + 1),
        ("2024-01-14T24:00:00.000000000Z", Self.day),
        ("0000-01-01T00:00:00Z", -62_167_219_200 * 1_000_000),
        ("9999-12-31T23:59:59.99999999Z", 253_402_300_799_999_999),
        ("0000-01-01T00:00:00+14:00", (-62_167_219_200 - 14 * 3_600) * 1_000_000),
        ("9999-12-31T23:59:59.999999-14:00", 253_402_300_799_999_999 + 14 * 3_600 * 1_000_000),
    ]

    @Test("accepted forms", arguments: acceptedCases)
    func accepted(text: String, microseconds: Int64) throws {
        #expect(try TAXIITimestamp.parse(text) == TimestampLabel(microseconds: microseconds))
    }

    @Test(
        "rejected forms",
        arguments: [
            "", "2024-01-15", "2024-01-15T00:00:00", "2024-01-15T00:00Z", "2024-01-15 00:00:00Z", "2024-01-15t00:00:00Z",
            "2024-01-15T00:00:00z", "2024-01-15T00:00:00.Z", "2024-01-15T00:00:00+0200",
            "2024-01-14T24:00:00.0000001Z", "2024-01-14T24:00:00." + String(repeating: "0", count: 30) + "1Z",
            "2024-01-15T00:00:00.1234567", "2024-01-15T00:00:00.12a4Z", "99999-01-15T00:00:00Z", "-2024-01-15T00:00:00Z",
            "2024-01-15T00:00:00+99:99", "2024-01-15T00:00:00+9999999999999999999:00",
            "2024-99999999999999999999-15T00:00:00Z", "2024-01-99999999999999999999T00:00:00Z",
            "2024-01-15T00:00:00+02", "2024-01-15T00:00:00+15:00", "2024-01-15T00:00:00+14:30", "2024-01-15T00:00:00+02:60",
            "2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z", "2024-00-01T00:00:00Z", "2024-04-31T00:00:00Z",
            "2024-01-15T25:00:00Z", "2024-01-15T24:00:01Z", "2024-01-15T23:60:00Z", "2024-01-15T23:59:60Z",
            " 2024-01-15T00:00:00Z", "2024-01-15T00:00:00Z ", "+2024-01-15T00:00:00Z", "24-01-15T00:00:00Z",
            "2024-01-15T00:00:00ZZ", "2024-1-15T00:00:00Z", "２０２４-01-15T00:00:00Z",
        ]
    )
    func rejected(text: String) {
        #expect(throws: TAXIITimestampError.self) { try TAXIITimestamp.parse(text) }
    }

    @Test("one written form, always six fraction digits and Z")
    func written() {
        #expect(TAXIITimestamp.string(from: TimestampLabel(microseconds: Self.day)) == "2024-01-15T00:00:00.000000Z")
        #expect(TAXIITimestamp.string(from: TimestampLabel(microseconds: Self.day + 123_456)) == "2024-01-15T00:00:00.123456Z")
        #expect(TAXIITimestamp.string(from: TimestampLabel(microseconds: -1)) == "1969-12-31T23:59:59.999999Z")
        #expect(TAXIITimestamp.string(from: TimestampLabel(microseconds: 253_402_300_799_999_999)) == "9999-12-31T23:59:59.999999Z")
    }

    @Test("labels round-trip exactly, to the microsecond")
    func roundTrip() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let label = TimestampLabel(microseconds: Int64.random(in: 0...253_402_300_799_999_999, using: &generator))
            #expect(try TAXIITimestamp.parse(TAXIITimestamp.string(from: label)) == label)
        }
    }
}
