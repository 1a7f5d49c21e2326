import FuzzDriver
import ThreatFeedCore
import ThreatFeedFormats

/// Any text as a TAXII timestamp label. A label inside the years we write must survive its own written form.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
    guard let label = try? TAXIITimestamp.parse(text) else { return 0 }
    // 0000-01-01T00:00:00Z ... 9999-12-31T23:59:59.999999Z
    if label.microseconds >= -62_167_219_200_000_000, label.microseconds <= 253_402_300_799_999_999 {
        let written = TAXIITimestamp.string(from: label)
        guard (try? TAXIITimestamp.parse(written)) == label else { fatalError("\(text) -> \(written) does not read back") }
    }
    return 0
}

/// The process entry (see FuzzDriver.h).
@_cdecl("FuzzTAXIITimestamp_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    threatfeed_fuzz_main(argc, argv)
}
