import FuzzDriver

/// Any text as the configuration file and as a feeds-as-code file (Yams' parser and our walk over its nodes): the
/// settings or definitions it holds, or a `ConfigurationError` naming the file, never a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
    do {
        let file = try ConfigFile(text: text, path: "fuzz.yaml")
        for (key, entry) in file.entries where SettingKey.named(key) == nil || entry.line < 0 {
            fatalError("entry '\(key)' at line \(entry.line) from '\(text)'")
        }
    } catch {
        if !error.description.contains("fuzz.yaml") { fatalError("an error not naming the file: \(error)") }
    }
    var definitions = FeedDefinitions()
    do {
        try definitions.read(text: text, file: "feeds.yaml")
    } catch let error as ConfigurationError {
        if !error.description.contains("feeds.yaml") { fatalError("an error not naming the file: \(error)") }
    } catch {
        fatalError("an error that is not a ConfigurationError: \(error)")
    }
    return 0
}

/// The process entry (see FuzzDriver.h).
@_cdecl("FuzzYAML_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    threatfeed_fuzz_main(argc, argv)
}
