import FuzzDriver

/// Any query of a CTIA feed view (`s`, `limit`, `search_after` and whatever else a client sends; reached before the
/// secret is checked), split as `name=value&…`: a page within its bounds, or CTIA's 400 problems.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
    let parameters = text.split(separator: "&").map { pair -> (name: String, value: String) in
        let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
    }
    do {
        let query = try CTIAViewQuery.parse(parameters)
        if let page = query.page {
            if !(1...CTIAViewQuery.maxLimit).contains(page.limit) { fatalError("limit \(page.limit) from '\(text)'") }
            if let after = page.after, after < 0 { fatalError("cursor \(after) from '\(text)'") }
        }
    } catch {
        if error.items.isEmpty { fatalError("a refusal without a problem for '\(text)'") }
        if let long = error.items.first(where: { $0.key.count > 64 }) { fatalError("a problem key of \(long.key.count) characters") }
    }
    return 0
}

/// The process entry (see FuzzDriver.h).
@_cdecl("FuzzCTIAQuery_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    threatfeed_fuzz_main(argc, argv)
}
