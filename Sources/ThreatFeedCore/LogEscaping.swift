/// The one escaping applied to every value a log line carries (request paths, user names, headers, query values,
/// client ids, error texts), in every log format, so that nobody can forge or hide a log line through a request.
///
/// Escaped: the C0 controls (CR, LF, TAB, ESC …), DEL, the C1 controls (U+0080–U+009F, which terminals may read as
/// CSI and the like), the Unicode line and paragraph separators, the bidirectional overrides, and the backslash
/// itself, so that an escape in the output always means an escaped character, never one the client typed.
public enum LogEscaping {
    public static func escaped(_ text: String) -> String {
        // The common case — nothing to escape — costs one scan and no copy.
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar) else {
                result.unicodeScalars.append(scalar)
                continue
            }
            switch scalar {
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\u{1B}": result += "\\e"
            default:
                let hex = String(scalar.value, radix: 16, uppercase: true)
                result += scalar.value < 0x100
                    ? "\\x" + String(repeating: "0", count: 2 - hex.count) + hex
                    : "\\u{" + hex + "}"
            }
        }
        return result
    }

    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x5C, 0x7F...0x9F, 0x061C, 0x200E, 0x200F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}
