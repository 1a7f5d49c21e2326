/// Quoted-printable (RFC 2045 §6.7) for UTF-8 text parts: readable where the text is ASCII,
/// every encoded line at most 76 characters, so no line of the message comes near SMTP's 998.
enum QuotedPrintable {
    static let maximumLineLength = 76

    /// `text` with its line breaks (any of CRLF, CR, LF) as CRLF hard breaks.
    static func encode(_ text: String) -> String {
        var output = ""
        for (index, line) in MailText.lines(of: text).enumerated() {
            if index > 0 { output += "\r\n" }
            output += encodeLine(Array(line.utf8))
        }
        return output
    }

    private static func encodeLine(_ bytes: [UInt8]) -> String {
        var output = ""
        var current = 0
        for (index, byte) in bytes.enumerated() {
            let isLast = index == bytes.count - 1
            let literal =
                (byte >= 33 && byte <= 126 && byte != UInt8(ascii: "="))
                // White space is literal except at the end of a line, where transports may strip it.
                || ((byte == 0x20 || byte == 0x09) && !isLast)
            let token = literal ? String(UnicodeScalar(byte)) : escape(byte)
            // Leave room for the "=" of a soft break.
            if current + token.count > maximumLineLength - 1 {
                output += "=\r\n"
                current = 0
            }
            output += token
            current += token.count
        }
        return output
    }

    private static func escape(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return "=" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0x0F)])
    }
}
