/// XML's whitespace (space, tab, CR, LF), which schema types like `xs:dateTime` collapse.
public enum XMLWhitespace {
    public static func isWhitespace(_ character: Character) -> Bool {
        character == " " || character == "\t" || character == "\n" || character == "\r" || character == "\r\n"
    }

    /// `text` without leading and trailing XML whitespace.
    public static func trimmed(_ text: String) -> String {
        guard let first = text.firstIndex(where: { !isWhitespace($0) }), let last = text.lastIndex(where: { !isWhitespace($0) }) else {
            return ""
        }
        return String(text[first...last])
    }
}
