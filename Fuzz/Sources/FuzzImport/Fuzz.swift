import FuzzDriver
import ThreatFeedCore
import ThreatFeedFormats

/// Any bytes as an import file. The first byte picks the format (auto, txt, csv, json) so one corpus covers all
/// three parsers; records and rejections are drained, whole-file errors are fine.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let all = UnsafeBufferPointer(start: start, count: count)
    guard let first = all.first else { return 0 }
    let format = ImportFormat.allCases[Int(first) % ImportFormat.allCases.count]
    let forced: ObservableType? = first >= 128 ? ObservableType.allCases[Int(first) % ObservableType.allCases.count] : nil
    var records = 0
    var rejections = 0
    do {
        try ImportParser.parse(
            all.dropFirst(), format: format, forcedType: forced,
            record: { record in records += 1; _ = record.observable },
            reject: { rejection in rejections += 1; _ = "\(rejection)" }
        )
    } catch {
        _ = "\(error)"
    }
    return 0
}

/// The process entry (see FuzzDriver.h).
@_cdecl("FuzzImport_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    threatfeed_fuzz_main(argc, argv)
}
