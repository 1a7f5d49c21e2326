/// The DATA payload as it goes on the wire (RFC 5321 §4.5.2): every line break CRLF (a bare CR
/// or LF becomes CRLF), a "." doubled at the start of any line so that no line of the message
/// can end the transfer, and the terminating CRLF "." CRLF.
enum SMTPDataEncoding {
    static func encode(_ message: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(message.count + message.count / 32 + 5)
        var atLineStart = true
        var index = 0
        while index < message.count {
            let byte = message[index]
            if byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n") {
                out.append(UInt8(ascii: "\r"))
                out.append(UInt8(ascii: "\n"))
                // CRLF is one break, not two.
                if byte == UInt8(ascii: "\r"), index + 1 < message.count, message[index + 1] == UInt8(ascii: "\n") { index += 1 }
                atLineStart = true
            } else {
                if atLineStart, byte == UInt8(ascii: ".") { out.append(byte) }
                out.append(byte)
                atLineStart = false
            }
            index += 1
        }
        if !atLineStart {
            out.append(UInt8(ascii: "\r"))
            out.append(UInt8(ascii: "\n"))
        }
        out.append(contentsOf: Array(".\r\n".utf8))
        return out
    }
}
