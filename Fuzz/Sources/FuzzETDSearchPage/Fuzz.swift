import FuzzDriver
import Foundation

/// Any bytes as an ETD `/v1/messages/search` answer: a page or an ETDError naming the field, never a trap.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = Data(UnsafeBufferPointer(start: start, count: count))
    do {
        let page = try ETDSearchPage.decode(data, endpoint: "/v1/messages/search")
        _ = page.messages.count + (page.totalSize ?? 0)
    } catch {
        _ = error.description
    }
    return 0
}

/// The process entry (see FuzzDriver.h).
@_cdecl("FuzzETDSearchPage_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    threatfeed_fuzz_main(argc, argv)
}
