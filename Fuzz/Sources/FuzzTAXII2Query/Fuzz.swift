import FuzzDriver
import ThreatFeedFormats

/// Any text as the query string of a TAXII 2.1 objects/manifest/versions request (reached before any password is
/// checked): a filter within its bounds, or a `TAXII2QueryError`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
    guard let filter = try? TAXII2Filter.parse(query: text) else { return 0 }
    if let limit = filter.limit, !(1...TAXII2Filter.maximumLimit).contains(limit) { fatalError("limit \(limit) from '\(text)'") }
    if let next = filter.next, next.utf8.count > TAXII2Filter.maximumNextBytes { fatalError("next of \(next.utf8.count) bytes") }
    for values in [filter.ids, filter.types, filter.specVersions].compactMap({ $0 }) {
        if values.count > TAXII2Filter.maximumValues { fatalError("\(values.count) values from '\(text)'") }
        if let long = values.first(where: { $0.utf8.count > TAXII2Filter.maximumValueBytes }) { fatalError("a value of \(long.utf8.count) bytes") }
    }
    return 0
}

/// The process entry (see FuzzDriver.h).
@_cdecl("FuzzTAXII2Query_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    threatfeed_fuzz_main(argc, argv)
}
