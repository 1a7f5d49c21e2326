import FuzzDriver
import ThreatFeedFormats

/// Any bytes as a TAXII 1.1 request body: a request or a TAXIIRequestError, never a trap.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: start, count: count))
    do {
        let request = try TAXIIRequest.parse(bytes)
        _ = "\(request)"
    } catch {
        _ = error.kind
        _ = "\(error)"
    }
    return 0
}

/// The process entry (see FuzzDriver.h).
@_cdecl("FuzzTAXIIRequest_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    threatfeed_fuzz_main(argc, argv)
}
