import Testing
import ThreatFeedCore

/// Sizes and durations as administrators write them in the configuration file.
@Suite struct SettingValueTests {
    @Test(arguments: [
        ("1048576", 1_048_576), ("1MiB", 1 << 20), ("1mb", 1 << 20), ("512KiB", 512 * 1024), ("16k", 16 * 1024),
        (" 2 MiB ", 2 << 20), ("1GiB", 1 << 30), ("100b", 100),
    ])
    func sizesParse(text: String, bytes: Int) throws {
        #expect(try ByteCount(parsing: text).bytes == bytes)
    }

    @Test(arguments: [
        ("", "not a size"), ("MiB", "not a size"), ("-1", "not a size"), ("1.5MiB", "unknown unit '.5mib'"),
        ("10 parsecs", "unknown unit 'parsecs'"), ("0", "larger than zero"), ("2GiB", "larger than 1 GiB"),
        ("99999999999999999999", "larger than 1 GiB"), ("99999999999999999999999999999999GiB", "larger than 1 GiB"), ("9223372036854775807k", "larger than 1 GiB"),
    ])
    func badSizesSayWhy(text: String, problem: String) {
        #expect(throws: ByteCountError.self) { try ByteCount(parsing: text) }
        do {
            _ = try ByteCount(parsing: text)
        } catch {
            #expect(error.problem.contains(problem), "\(error)")
            #expect(error.description.contains("'\(text)'"))
        }
    }

    @Test func sizesPrintInTheirLargestExactUnit() {
        #expect(ByteCount(bytes: 1 << 20).description == "1MiB")
        #expect(ByteCount(bytes: 32 * 1024).description == "32KiB")
        #expect(ByteCount(bytes: 1000).description == "1000")
    }

    @Test(arguments: [("30d", 2_592_000.0), ("1d12h", 129_600), ("90m", 5_400), ("2w", 1_209_600), ("45s", 45)])
    func durationsParse(text: String, seconds: Double) throws {
        #expect(try TimeSpan(parsing: text).seconds == seconds)
    }

    @Test(arguments: ["", "30", "0s", "5y", "d"])
    func badDurationsAreRefused(text: String) {
        #expect(throws: TimeSpanError.self) { try TimeSpan(parsing: text) }
    }

    /// Counts of any length: a clear "longer than 100 years", never an overflow or a misleading message.
    @Test(arguments: [
        "99999999999999999999d", "9223372036854775807s", "9223372036854775808w", "36501d", "5215w", "3153600001s",
        "36500d1s", String(repeating: "9", count: 400) + "h", "1d" + String(repeating: "9", count: 40) + "m",
    ])
    func hugeDurationsAreLongerThan100Years(text: String) {
        #expect(throws: TimeSpanError.self) { try TimeSpan(parsing: text) }
        do {
            _ = try TimeSpan(parsing: text)
        } catch {
            #expect(error.problem.contains("longer than 100 years"), "\(error)")
        }
    }

    @Test func theLongestDurationStillPrintsAndReadsBack() throws {
        let span = try TimeSpan(parsing: "36500d")
        #expect(span.description == "36500d")
        #expect(try TimeSpan(parsing: span.description) == span)
    }
}
