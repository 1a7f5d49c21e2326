import FuzzDriver
import ThreatFeedCore

/// The setting values a configuration file or environment gives, parsed by the library: durations, sizes, dates,
/// dispositions, IP ranges. (The YAML readers themselves live in the executable target and are not reachable here.)
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
    if let span = try? TimeSpan(parsing: text) {
        // What we print must read back to the same length of time.
        guard let again = try? TimeSpan(parsing: span.description), abs(again.seconds - span.seconds.rounded()) < 1 else {
            fatalError("'\(text)' -> \(span) does not read back")
        }
    }
    if let size = try? ByteCount(parsing: text) {
        guard (try? ByteCount(parsing: size.description)) == size else { fatalError("'\(text)' -> \(size) does not read back") }
    }
    _ = Timestamps.parse(text)
    _ = Disposition(name: text)
    _ = try? IPRange(parsing: text)
    return 0
}

/// The process entry (see FuzzDriver.h).
@_cdecl("FuzzSettingValues_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    threatfeed_fuzz_main(argc, argv)
}
