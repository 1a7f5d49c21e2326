import FuzzDriver
/// Any bytes as what an SMTP server writes, split into lines as the channel decoder does: replies or a parse
/// failure, and every complete reply read as an EHLO capability list.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
    var parser = SMTPReplyParser()
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
        let trimmed = line.hasSuffix("\r") ? line.dropLast() : line
        do {
            if let reply = try parser.feed(trimmed) {
                guard (200...599).contains(reply.code) else { fatalError("reply code \(reply.code)") }
                _ = SMTPCapabilities(ehlo: reply)
            }
        } catch {
            parser = SMTPReplyParser()
        }
    }
    return 0
}

/// The process entry (see FuzzDriver.h).
@_cdecl("FuzzSMTPReply_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    threatfeed_fuzz_main(argc, argv)
}
