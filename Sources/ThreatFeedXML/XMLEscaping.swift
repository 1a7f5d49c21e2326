/// Escaping for text and attribute values written by `XMLWriter`.
///
/// Characters XML 1.0 forbids (C0 controls other than tab/LF/CR, U+FFFE, U+FFFF) cannot be
/// written even as references; they become U+FFFD so the output stays well-formed and the
/// change stays visible.
public enum XMLEscaping {
    /// Appends `text` as element content: `&`, `<`, `>` escaped, CR kept as `&#13;`.
    public static func appendText(_ text: String, to output: inout [UInt8]) {
        append(text, attribute: false, to: &output)
    }

    /// Appends `value` for use inside a double-quoted attribute: also `"`, and tab/LF/CR as
    /// references so attribute-value normalisation does not turn them into spaces.
    public static func appendAttribute(_ value: String, to output: inout [UInt8]) {
        append(value, attribute: true, to: &output)
    }

    public static func escapedText(_ text: String) -> String {
        var output: [UInt8] = []
        appendText(text, to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    private static let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]

    /// `appendText` for UTF-8 bytes borrowed from elsewhere (a database row): the bytes must be valid UTF-8.
    public static func appendText(utf8 bytes: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
        append(bytes, attribute: false, to: &output)
    }

    private static func append(_ text: String, attribute: Bool, to output: inout [UInt8]) {
        var text = text
        text.withUTF8 { append($0, attribute: attribute, to: &output) }
    }

    /// Copies runs of bytes that need nothing in one go; a byte the table marks is looked at closely.
    private static func append(_ bytes: UnsafeBufferPointer<UInt8>, attribute: Bool, to output: inout [UInt8]) {
        (attribute ? attributeMarks : textMarks).withUnsafeBufferPointer { marks in
            var clean = 0  // start of the run not yet copied
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                guard marks[Int(byte)] != 0 else {
                    index += 1
                    continue
                }
                let escape: [UInt8]?
                var width = 1
                switch byte {
                case UInt8(ascii: "&"): escape = amp
                case UInt8(ascii: "<"): escape = lt
                case UInt8(ascii: ">"): escape = gt
                case UInt8(ascii: "\""): escape = quot
                case 0x0D: escape = cr
                case 0x0A: escape = lf
                case 0x09: escape = tab
                case 0x00..<0x20: escape = replacement
                case 0xEF
                where index + 2 < bytes.count && bytes[index + 1] == 0xBF && (bytes[index + 2] == 0xBE || bytes[index + 2] == 0xBF):
                    escape = replacement  // U+FFFE, U+FFFF
                    width = 3
                default: escape = nil
                }
                if let escape {
                    output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[clean..<index]))
                    output.append(contentsOf: escape)
                    clean = index + width
                }
                index += width
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[clean..<bytes.count]))
        }
    }

    /// Bytes that may need escaping, per byte value (non-zero: look closer): `&<>`, C0 controls, and 0xEF, which
    /// starts U+FFFE/U+FFFF. In text, `"`, tab and LF stay as they are.
    private static let textMarks: [UInt8] = marks(attribute: false)
    private static let attributeMarks: [UInt8] = marks(attribute: true)

    private static func marks(attribute: Bool) -> [UInt8] {
        (0...255).map { (byte: Int) -> UInt8 in
            switch byte {
            case 0x26, 0x3C, 0x3E, 0x0D, 0xEF: 1
            case 0x22, 0x0A, 0x09: attribute ? 1 : 0
            case 0x00..<0x20: 1
            default: 0
            }
        }
    }

    private static let amp = Array("&amp;".utf8)
    private static let lt = Array("&lt;".utf8)
    private static let gt = Array("&gt;".utf8)
    private static let quot = Array("&quot;".utf8)
    private static let cr = Array("&#13;".utf8)
    private static let lf = Array("&#10;".utf8)
    private static let tab = Array("&#9;".utf8)
}
