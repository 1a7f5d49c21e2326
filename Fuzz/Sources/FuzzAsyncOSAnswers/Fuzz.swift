import FuzzDriver
import Foundation

/// Any bytes as an AsyncOS (SMA, gateway) answer body, and as a Retry-After header value.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = Data(UnsafeBufferPointer(start: start, count: count))
    _ = AsyncOSAnswer.jwtToken(in: data)
    _ = AsyncOSAnswer.errorMessage(in: data)
    if let total = AsyncOSAnswer.totalCount(in: data), total < 0 { fatalError("negative count") }
    if let delay = AsyncOSAnswer.retryAfterSeconds(String(decoding: data, as: UTF8.self)),
        !(0...Double(AsyncOSAnswer.maxRetryAfterSeconds)).contains(delay) {
        fatalError("Retry-After out of range: \(delay)")
    }
    return 0
}

/// The process entry (see FuzzDriver.h).
@_cdecl("FuzzAsyncOSAnswers_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    threatfeed_fuzz_main(argc, argv)
}
