/// One SMTP reply: a three-digit code and its text lines (several for a multi-line reply).
public struct SMTPReply: Sendable, Equatable, CustomStringConvertible {
    public let code: Int
    /// The text after the code on each line, in order, without the separator.
    public let lines: [String]

    public init(code: Int, lines: [String]) {
        self.code = code
        self.lines = lines
    }

    /// 2xx.
    public var isPositiveCompletion: Bool { (200..<300).contains(code) }
    /// 3xx: the server waits for more (after DATA, during AUTH).
    public var isPositiveIntermediate: Bool { (300..<400).contains(code) }
    /// 4xx: try again later.
    public var isTransientFailure: Bool { (400..<500).contains(code) }

    /// The lines joined with " / ", control characters removed and the length capped, so a hostile
    /// server cannot fill a log line or smuggle line breaks into it.
    public var text: String {
        let joined = lines.joined(separator: " / ")
        let printable = String(String.UnicodeScalarView(joined.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }))
        return printable.count > 512 ? String(printable.prefix(512)) + "…" : printable
    }

    public var description: String { text.isEmpty ? String(code) : "\(code) \(text)" }
}
