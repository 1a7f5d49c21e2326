import FuzzDriver
/// Any text as an `Authorization` header value: credentials or nil. A user name never holds the colon.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
    if let credentials = BasicCredentials(authorization: text), credentials.user.contains(":") {
        fatalError("user name with a colon from '\(text)'")
    }
    return 0
}

/// The process entry (see FuzzDriver.h).
@_cdecl("FuzzBasicAuth_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    threatfeed_fuzz_main(argc, argv)
}
