import FuzzDriver
import ThreatFeedCore

/// Any text as an observable (URL, IDN domain, IPv4/IPv6, hashes), detected and forced to each type. A value that
/// normalises must normalise to itself again (the stored form is a fixed point).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
    for type in [nil] + ObservableType.allCases.map(Optional.some) {
        guard let observable = try? Observable(parsing: text, as: type) else { continue }
        guard let again = try? Observable(parsing: observable.value, as: observable.type), again == observable else {
            fatalError("'\(text)' as \(String(describing: type)) -> \(observable) does not normalise to itself")
        }
    }
    _ = try? IPRange(parsing: text)
    return 0
}

/// The process entry (see FuzzDriver.h).
@_cdecl("FuzzObservable_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    threatfeed_fuzz_main(argc, argv)
}
