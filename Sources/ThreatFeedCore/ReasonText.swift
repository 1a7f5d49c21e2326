/// Pieces of the input quoted inside rejection reasons, cut short so that a reason never
/// carries more than about 100 characters of the value it rejects.
enum ReasonText {
    /// `'text'`, with at most `limit` Unicode scalars of it, then `…` if cut.
    static func quoted(_ bytes: ArraySlice<UInt8>, limit: Int = 60) -> String {
        "'" + clipped(String(decoding: bytes, as: UTF8.self), limit: limit) + "'"
    }

    static func quoted(_ text: String, limit: Int = 60) -> String {
        "'" + clipped(text, limit: limit) + "'"
    }

    static func clipped(_ text: String, limit: Int) -> String {
        let scalars = text.unicodeScalars
        guard let cut = scalars.index(scalars.startIndex, offsetBy: limit, limitedBy: scalars.endIndex),
            cut != scalars.endIndex
        else { return text }
        return String(scalars[..<cut]) + "…"
    }

    /// How one character is named in a reason: "a space", "'!'", or "U+200B" for the invisible.
    static func character(_ scalar: Unicode.Scalar) -> String {
        switch scalar.value {
        case 0x20: return "a space"
        case 0x09: return "a tab"
        case 0x0A, 0x0D: return "a line break"
        case 0x21...0x7E: return "'\(Character(scalar))'"
        default:
            if scalar.properties.generalCategory.isVisible { return "'\(Character(scalar))' (\(codePoint(scalar)))" }
            return codePoint(scalar)
        }
    }

    static func codePoint(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    /// The first Unicode scalar of the UTF-8 sequence starting at `index` (for naming a bad byte).
    static func scalar(at index: Int, in bytes: ArraySlice<UInt8>) -> Unicode.Scalar {
        let tail = String(decoding: bytes[index...].prefix(4), as: UTF8.self)
        return tail.unicodeScalars.first ?? "\u{FFFD}"
    }
}

extension Unicode.GeneralCategory {
    /// Whether a character of this category shows as a glyph, so quoting it helps the reader.
    fileprivate var isVisible: Bool {
        switch self {
        case .control, .format, .surrogate, .privateUse, .unassigned,
            .spaceSeparator, .lineSeparator, .paragraphSeparator, .nonspacingMark, .enclosingMark:
            return false
        default:
            return true
        }
    }
}
