import FuzzDriver

/// Any `Accept-Encoding` value (reached on every feed view and TAXII request, before anything is checked), the
/// input's lines as separate fields: a decision, never a crash; weights within 0–1000; gzip only when a weight allows.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
    let fields = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let gzip = AcceptEncoding.prefersGzip(fields)
    guard let weights = AcceptEncoding.parse(fields.joined(separator: ",")) else {
        if gzip { fatalError("gzip from a header that does not parse: '\(text)'") }
        return 0
    }
    if let bad = weights.first(where: { !(0...1_000).contains($0.value) }) { fatalError("weight \(bad) from '\(text)'") }
    if weights.count > AcceptEncoding.maxElements { fatalError("\(weights.count) codings from '\(text)'") }
    if gzip, (weights["gzip"] ?? weights["x-gzip"] ?? weights["*"] ?? 0) == 0 { fatalError("gzip refused yet chosen: '\(text)'") }
    return 0
}

/// The process entry (see FuzzDriver.h).
@_cdecl("FuzzAcceptEncoding_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    threatfeed_fuzz_main(argc, argv)
}
