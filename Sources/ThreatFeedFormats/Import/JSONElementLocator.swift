/// A validating byte scanner for JSON that remembers where things start.
///
/// Foundation's parser gives values but no positions, and its error messages rarely name a
/// line. This scanner checks the whole text against RFC 8259 (and UTF-8) first, so a
/// malformed file fails with a line and column, and it records the starting line of every
/// element of the arrays an import can contain: the top-level array, or an array that is a
/// member of the top-level object (`{"judgements":[…]}`).
struct JSONElementLocator {
    enum Kind: String {
        case object, array, string, number, boolean, null

        /// "an object", "a string": for messages.
        var phrase: String { self == .object || self == .array ? "an \(rawValue)" : self == .null ? "null" : "a \(rawValue)" }
    }

    /// What the scan found.
    struct Layout {
        var topLevel: Kind = .null
        /// Starting line of each element of the top-level array.
        var elementLines: [Int] = []
        /// The top-level object's members in order, with the kind of their values.
        var members: [(key: String, kind: Kind)] = []
        /// Starting line of each element of each array-valued member of the top-level object.
        var memberElementLines: [String: [Int]] = [:]
    }

    /// Deeper nesting is refused: no import record needs more than a handful of levels,
    /// and Foundation's parser recurses.
    static let maxDepth = 100

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index: Int
    private var line = 1
    private var lineStart: Int
    private var layout = Layout()

    /// Scans `bytes[start...]` as one JSON text.
    static func locate(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) throws(ImportFileError) -> Layout {
        var scanner = JSONElementLocator(bytes: bytes, index: start, lineStart: start)
        try scanner.scanDocument()
        return scanner.layout
    }

    private init(bytes: UnsafeBufferPointer<UInt8>, index: Int, lineStart: Int) {
        self.bytes = bytes
        self.index = index
        self.lineStart = lineStart
    }

    private struct Open {
        var bracket: UInt8
        var line: Int
        var column: Int
    }

    private enum State { case value, key, afterValue }

    private mutating func scanDocument() throws(ImportFileError) {
        var stack: [Open] = []
        var currentKey = ""
        var state = State.value
        skipWhitespace()
        guard index < bytes.count else { throw failure("the file is empty; expected JSON") }

        while true {
            switch state {
            case .value:
                skipWhitespace()
                guard index < bytes.count else { throw endOfFile(stack, expecting: "a value") }
                let kind = try kindOfValue()
                note(kind, stack: stack, key: currentKey)
                let byte = bytes[index]
                if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
                    guard stack.count < Self.maxDepth else {
                        throw failure("nested deeper than \(Self.maxDepth) levels")
                    }
                    stack.append(Open(bracket: byte, line: line, column: column()))
                    index += 1
                    skipWhitespace()
                    let close = byte == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
                    if index < bytes.count, bytes[index] == close {
                        stack.removeLast()
                        index += 1
                        state = .afterValue
                    } else {
                        state = byte == UInt8(ascii: "{") ? .key : .value
                    }
                } else {
                    switch kind {
                    case .string: _ = try scanString(decode: false)
                    case .number: try scanNumber()
                    default: try scanLiteral()
                    }
                    state = .afterValue
                }
            case .key:
                skipWhitespace()
                guard index < bytes.count else { throw endOfFile(stack, expecting: "a member name") }
                guard bytes[index] == UInt8(ascii: "\"") else {
                    throw failure("expected a member name in double quotes, found \(found())")
                }
                let key = try scanString(decode: stack.count == 1)
                if stack.count == 1 { currentKey = key }
                skipWhitespace()
                guard index < bytes.count else { throw endOfFile(stack, expecting: "':'") }
                guard bytes[index] == UInt8(ascii: ":") else {
                    throw failure("expected ':' after the member name, found \(found())")
                }
                index += 1
                state = .value
            case .afterValue:
                skipWhitespace()
                guard let open = stack.last else {
                    guard index == bytes.count else {
                        throw failure("unexpected \(found()) after the end of the JSON value")
                    }
                    return
                }
                guard index < bytes.count else { throw endOfFile(stack, expecting: nil) }
                let byte = bytes[index]
                let isArray = open.bracket == UInt8(ascii: "[")
                let close = isArray ? UInt8(ascii: "]") : UInt8(ascii: "}")
                if byte == UInt8(ascii: ",") {
                    index += 1
                    skipWhitespace()
                    if index < bytes.count, bytes[index] == close {
                        throw failure("trailing comma before \(found())")
                    }
                    state = isArray ? .value : .key
                } else if byte == close {
                    stack.removeLast()
                    index += 1
                } else {
                    let what = isArray ? "an array element" : "a member"
                    throw failure(
                        "expected ',' or '\(Character(Unicode.Scalar(close)))' after \(what), found \(found()) (the \(Character(Unicode.Scalar(open.bracket))) is at line \(open.line), column \(open.column))"
                    )
                }
            }
        }
    }

    /// Records the value that starts here if it is the document, a top-level element or member,
    /// or an element of a top-level member's array.
    private mutating func note(_ kind: Kind, stack: [Open], key: String) {
        switch stack.count {
        case 0:
            layout.topLevel = kind
        case 1:
            if stack[0].bracket == UInt8(ascii: "[") {
                layout.elementLines.append(line)
            } else {
                layout.members.append((key, kind))
                // A repeated member starts over; the importer refuses repeats of the member it reads.
                layout.memberElementLines[key] = kind == .array ? [] : nil
            }
        case 2:
            if stack[0].bracket == UInt8(ascii: "{"), stack[1].bracket == UInt8(ascii: "[") {
                layout.memberElementLines[key, default: []].append(line)
            }
        default:
            break
        }
    }

    private func kindOfValue() throws(ImportFileError) -> Kind {
        switch bytes[index] {
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number
        case UInt8(ascii: "n"): return .null
        // Other letters too, so scanLiteral can name the word (`True`, `nil`).
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"): return .boolean
        default: throw failure("expected a value, found \(found())")
        }
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0D:
                index += 1
            case 0x0A:
                index += 1
                line += 1
                lineStart = index
            default:
                return
            }
        }
    }

    /// Scans a string starting at its opening quote; returns its decoded text if asked.
    private mutating func scanString(decode: Bool) throws(ImportFileError) -> String {
        let openLine = line
        let openColumn = column()
        index += 1
        var decoded: [UInt8] = []
        while true {
            guard index < bytes.count else {
                throw ImportFileError(
                    line: openLine, column: openColumn, problem: "the string that starts here is never closed"
                )
            }
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return decode ? String(decoding: decoded, as: UTF8.self) : ""
            case UInt8(ascii: "\\"):
                index += 1
                guard index < bytes.count else { continue }
                let escape = bytes[index]
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"):
                    if decode { decoded.append(escape) }
                case UInt8(ascii: "b"): if decode { decoded.append(0x08) }
                case UInt8(ascii: "f"): if decode { decoded.append(0x0C) }
                case UInt8(ascii: "n"): if decode { decoded.append(0x0A) }
                case UInt8(ascii: "r"): if decode { decoded.append(0x0D) }
                case UInt8(ascii: "t"): if decode { decoded.append(0x09) }
                case UInt8(ascii: "u"):
                    let scalar = try unicodeEscape(startingAt: index - 1)
                    if decode { decoded.append(contentsOf: Array(String(Character(scalar)).utf8)) }
                    continue
                default:
                    throw failure("invalid escape \\\(Character(Unicode.Scalar(escape))) in a string")
                }
                index += 1
            case 0x0A:
                throw ImportFileError(
                    line: openLine, column: openColumn,
                    problem: "the string that starts here runs to the end of the line without its closing quote"
                )
            case 0x00..<0x20:
                throw failure("control character 0x\(ImportBytes.hex(byte)) inside a string (write it as an escape)")
            case 0x80...:
                guard let length = ImportBytes.utf8SequenceLength(bytes, at: index, end: bytes.count) else {
                    throw failure("invalid UTF-8 (byte 0x\(ImportBytes.hex(byte)) at offset \(index)); save the file as UTF-8")
                }
                if decode { decoded.append(contentsOf: bytes[index..<(index + length)]) }
                index += length
            default:
                if decode { decoded.append(byte) }
                index += 1
            }
        }
    }

    /// Reads the four hex digits after `\u` (index at the `u`), leaving index after them.
    private mutating func hex4() throws(ImportFileError) -> UInt32 {
        index += 1
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard index < bytes.count else { throw failure("\\u escape cut short") }
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw failure("\\u escape needs four hex digits, found \(found())")
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    /// Reads a `\u` escape (index at the `u`), joining a surrogate pair written as two escapes.
    /// Foundation refuses lone surrogates, so they are refused here, where the position is known.
    private mutating func unicodeEscape(startingAt escapeStart: Int) throws(ImportFileError) -> Unicode.Scalar {
        let unit = try hex4()
        if (0xDC00..<0xE000).contains(unit) {
            throw failure(at: escapeStart, "\\u\(String(unit, radix: 16)) is the low half of a surrogate pair without its high half")
        }
        guard (0xD800..<0xDC00).contains(unit) else { return Unicode.Scalar(unit) ?? "\u{FFFD}" }
        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
            throw failure(at: escapeStart, "\\u\(String(unit, radix: 16)) is the high half of a surrogate pair without its low half")
        }
        index += 1
        let low = try hex4()
        guard (0xDC00..<0xE000).contains(low) else {
            throw failure(at: escapeStart, "\\u\(String(unit, radix: 16)) is the high half of a surrogate pair without its low half")
        }
        return Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)) ?? "\u{FFFD}"
    }

    private mutating func scanNumber() throws(ImportFileError) {
        func digits() -> Int {
            let start = index
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") { index += 1 }
            return index - start
        }
        let start = index
        let startColumn = column()
        func bad(_ why: String) -> ImportFileError {
            let text = String(decoding: bytes[start..<index], as: UTF8.self)
            return ImportFileError(line: line, column: startColumn, problem: "invalid number \(ImportText.quoted(text)): \(why)")
        }
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        let intStart = index
        let intDigits = digits()
        guard intDigits > 0 else { throw bad("a digit must follow '-'") }
        if intDigits > 1, bytes[intStart] == UInt8(ascii: "0") { throw bad("leading zeros are not allowed") }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { throw bad("a digit must follow '.'") }
        }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { throw bad("the exponent needs digits") }
        }
    }

    private mutating func scanLiteral() throws(ImportFileError) {
        for word in ["true", "false", "null"] {
            let utf8 = Array(word.utf8)
            if index + utf8.count <= bytes.count, bytes[index..<(index + utf8.count)].elementsEqual(utf8) {
                index += utf8.count
                return
            }
        }
        var end = index
        while end < bytes.count, end - index < 20, bytes[end] | 0x20 >= 0x61, bytes[end] | 0x20 <= 0x7A { end += 1 }
        let word = String(decoding: bytes[index..<Swift.max(end, index + 1)], as: UTF8.self)
        throw failure("unexpected \(ImportText.quoted(word)); expected a value (true, false and null are lower case)")
    }

    // MARK: - Messages

    /// 1-based column of `index` (or of `target` on the current line) in characters: UTF-8
    /// continuation bytes do not count.
    private func column(at target: Int? = nil) -> Int {
        let end = target ?? index
        var count = 1
        var position = lineStart
        while position < end {
            if bytes[position] & 0xC0 != 0x80 { count += 1 }
            position += 1
        }
        return count
    }

    private func found() -> String {
        guard index < bytes.count else { return "the end of the file" }
        let byte = bytes[index]
        if byte >= 0x80, ImportBytes.utf8SequenceLength(bytes, at: index, end: bytes.count) == nil {
            return "invalid UTF-8 (byte 0x\(ImportBytes.hex(byte)))"
        }
        if byte >= 0x80, let length = ImportBytes.utf8SequenceLength(bytes, at: index, end: bytes.count) {
            return "'" + String(decoding: bytes[index..<(index + length)], as: UTF8.self) + "'"
        }
        return ImportBytes.describe(byte)
    }

    private func failure(_ problem: String) -> ImportFileError {
        ImportFileError(line: line, column: column(), problem: problem)
    }

    private func failure(at position: Int, _ problem: String) -> ImportFileError {
        ImportFileError(line: line, column: column(at: position), problem: problem)
    }

    private func endOfFile(_ stack: [Open], expecting: String?) -> ImportFileError {
        let expected = expecting.map { "expected \($0), found" } ?? "reached"
        guard let open = stack.last else { return failure("\(expected) the end of the file") }
        let unclosed = stack.count == 1 ? "the '\(Character(Unicode.Scalar(open.bracket)))'" : "\(stack.count) brackets, the innermost '\(Character(Unicode.Scalar(open.bracket)))'"
        return failure("\(expected) the end of the file: \(unclosed) at line \(open.line), column \(open.column) is never closed")
    }
}
