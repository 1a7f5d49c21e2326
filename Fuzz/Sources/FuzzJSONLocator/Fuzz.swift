import FuzzDriver
@testable import ThreatFeedFormats

/// Any bytes through the JSON locator (the RFC 8259 + UTF-8 validating scanner): a layout or an error with a line.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: start, count: count)
    do {
        let layout = try JSONElementLocator.locate(bytes, from: 0)
        _ = layout.elementLines.count + layout.members.count
    } catch {
        _ = "\(error)"
    }
    return 0
}

/// The process entry (see FuzzDriver.h).
@_cdecl("FuzzJSONLocator_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    threatfeed_fuzz_main(argc, argv)
}
