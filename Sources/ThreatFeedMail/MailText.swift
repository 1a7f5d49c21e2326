/// Untrusted text (subjects, senders, URLs from a phishing mail) made safe to print in a
/// notification: no line breaks that could start a header or fake a line of the listing,
/// no control characters, no bidirectional overrides that reorder what the reader sees.
enum MailText {
    static func singleLine(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            scalars.append(isHarmful(scalar) ? " " : scalar)
        }
        return String(scalars)
    }

    /// The lines of `text`, split at CRLF, CR or LF.
    static func lines(of text: String) -> [Substring] {
        text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" })
    }

    private static func isHarmful(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: true  // C0 (CR, LF, TAB included), DEL, C1 (NEL)
        case 0x2028, 0x2029: true  // line and paragraph separators
        case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: true  // bidi embeddings, overrides, isolates, marks
        default: false
        }
    }
}
