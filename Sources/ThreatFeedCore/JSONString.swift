/// JSON string literals without Foundation's encoder: the hot paths (feed rendering,
/// provenance of a million imported rows) cannot afford an encoder per value.
public enum JSONString {
    /// Appends `text` as a quoted JSON string (RFC 8259 escaping; non-ASCII kept as UTF-8).
    public static func append(_ text: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            for byte in bytes {
                switch byte {
                case UInt8(ascii: "\""): output.append(UInt8(ascii: "\\")); output.append(byte)
                case UInt8(ascii: "\\"): output.append(UInt8(ascii: "\\")); output.append(byte)
                case 0x0A: output.append(UInt8(ascii: "\\")); output.append(UInt8(ascii: "n"))
                case 0x0D: output.append(UInt8(ascii: "\\")); output.append(UInt8(ascii: "r"))
                case 0x09: output.append(UInt8(ascii: "\\")); output.append(UInt8(ascii: "t"))
                case 0x00..<0x20, 0x7F:
                    let hex = Array("0123456789abcdef".utf8)
                    output.append(contentsOf: Array("\\u00".utf8))
                    output.append(hex[Int(byte >> 4)])
                    output.append(hex[Int(byte & 0x0F)])
                default: output.append(byte)
                }
            }
        }
        output.append(UInt8(ascii: "\""))
    }

    public static func quoted(_ text: String) -> String {
        var output: [UInt8] = []
        append(text, to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// `{"a":"1","b":"2"}` with keys sorted, so equal dictionaries give equal text.
    public static func object(_ fields: [String: String]) -> String {
        var output: [UInt8] = [UInt8(ascii: "{")]
        for (index, key) in fields.keys.sorted().enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            append(key, to: &output)
            output.append(UInt8(ascii: ":"))
            append(fields[key]!, to: &output)
        }
        output.append(UInt8(ascii: "}"))
        return String(decoding: output, as: UTF8.self)
    }
}
