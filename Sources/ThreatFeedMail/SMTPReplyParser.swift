/// Assembles SMTP replies from lines (RFC 5321 §4.2): `250-first`, `250-second`, `250 last`.
/// Pure, so the multi-line rules are tested without a socket.
struct SMTPReplyParser {
    enum Failure: Error, Equatable {
        case notAReplyLine(String)
        case codeChanged(from: Int, to: Int)
        case tooManyLines
    }

    /// A server would need a very long capability list to get near this; a stream of
    /// continuation lines beyond it is a broken or hostile server.
    static let maximumLines = 256

    private var code: Int?
    private var lines: [String] = []

    /// Feeds one line without its line break; returns the reply when the line completes one.
    mutating func feed(_ line: Substring) throws(Failure) -> SMTPReply? {
        let bytes = Array(line.utf8)
        guard bytes.count >= 3, bytes[0...2].allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            (UInt8(ascii: "2")...UInt8(ascii: "5")).contains(bytes[0])
        else {
            throw .notAReplyLine(String(line.prefix(40)))
        }
        let lineCode = Int(bytes[0] - 48) * 100 + Int(bytes[1] - 48) * 10 + Int(bytes[2] - 48)
        let separator: UInt8? = bytes.count > 3 ? bytes[3] : nil
        guard separator == nil || separator == UInt8(ascii: " ") || separator == UInt8(ascii: "-") else {
            throw .notAReplyLine(String(line.prefix(40)))
        }
        if let code, code != lineCode { throw .codeChanged(from: code, to: lineCode) }
        code = lineCode
        lines.append(bytes.count > 4 ? String(decoding: bytes[4...], as: UTF8.self) : "")
        guard lines.count <= Self.maximumLines else { throw .tooManyLines }
        if separator == UInt8(ascii: "-") { return nil }
        let reply = SMTPReply(code: lineCode, lines: lines)
        self.code = nil
        lines = []
        return reply
    }
}
