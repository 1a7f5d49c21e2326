/// Undoes "defanging", the notation analysts use so indicators in reports and mails are not
/// clickable: `hxxp://`, `[.]`, `(.)`, `{.}`, `[dot]`, `[:]`, `[@]`, `[at]`, `[/]`.
///
/// A legitimate URL must come through unchanged, and `(.)`, `[at]` and friends can occur in
/// a real path or query. So for a URL the path, query and fragment are only refanged when
/// the scheme or host before them was defanged too, i.e. when the value is known to be a
/// defanged indicator; otherwise they are kept byte for byte.
enum Refang {
    static func refang(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        let defangedScheme = hasDefangedScheme(bytes)
        guard defangedScheme || containsOpeningBracket(bytes) else { return bytes }

        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var changed = defangedScheme
        var i = bytes.startIndex
        if defangedScheme {
            out.append(contentsOf: "http".utf8)
            i += 4
        }
        var sawSchemeSeparator = false
        while i < bytes.endIndex {
            let byte = bytes[i]
            if let (replacement, length) = token(in: bytes, at: i) {
                out.append(replacement)
                i += length
                changed = true
            } else {
                out.append(byte)
                i += 1
            }
            let last = out[out.count - 1]
            if !sawSchemeSeparator {
                if last == ASCIIByte.slash, out.count >= 3, out[out.count - 2] == ASCIIByte.slash,
                    out[out.count - 3] == ASCIIByte.colon
                {
                    sawSchemeSeparator = true
                }
            } else if last == ASCIIByte.slash || last == UInt8(ascii: "?") || last == UInt8(ascii: "#") {
                // The path of a URL starts here; a URL that was not defanged so far is taken as written.
                if !changed {
                    out.append(contentsOf: bytes[i...])
                    break
                }
            }
        }
        return out[...]
    }

    /// `hxxp:`, `hxxps:`, `hxxp[:]` … at the very start, in any letter case.
    private static func hasDefangedScheme(_ bytes: ArraySlice<UInt8>) -> Bool {
        let start = bytes.startIndex
        guard bytes.count >= 5, ASCIIByte.hasPrefix(bytes, at: start, "hxxp") else { return false }
        var next = start + 4
        if ASCIIByte.lowercased(bytes[next]) == UInt8(ascii: "s") { next += 1 }
        guard next < bytes.endIndex else { return false }
        return bytes[next] == ASCIIByte.colon || bytes[next] == UInt8(ascii: "[")
    }

    @inline(__always) private static func containsOpeningBracket(_ bytes: ArraySlice<UInt8>) -> Bool {
        for byte in bytes where byte == UInt8(ascii: "[") || byte == UInt8(ascii: "(") || byte == UInt8(ascii: "{") {
            return true
        }
        return false
    }

    /// The defang token starting at `i`, as the byte it stands for and its length.
    private static func token(in bytes: ArraySlice<UInt8>, at i: Int) -> (UInt8, Int)? {
        let open = bytes[i]
        let close: UInt8
        switch open {
        case UInt8(ascii: "["): close = UInt8(ascii: "]")
        case UInt8(ascii: "("): close = UInt8(ascii: ")")
        case UInt8(ascii: "{"): close = UInt8(ascii: "}")
        default: return nil
        }
        if i + 2 < bytes.endIndex, bytes[i + 2] == close {
            let inner = bytes[i + 1]
            if inner == ASCIIByte.dot { return (ASCIIByte.dot, 3) }
            if open == UInt8(ascii: "[") {
                switch inner {
                case ASCIIByte.colon: return (ASCIIByte.colon, 3)
                case UInt8(ascii: "@"): return (UInt8(ascii: "@"), 3)
                case ASCIIByte.slash: return (ASCIIByte.slash, 3)
                default: return nil
                }
            }
            return nil
        }
        guard open == UInt8(ascii: "[") else { return nil }
        if ASCIIByte.hasPrefix(bytes, at: i, "[dot]") { return (ASCIIByte.dot, 5) }
        if ASCIIByte.hasPrefix(bytes, at: i, "[at]") { return (UInt8(ascii: "@"), 4) }
        return nil
    }
}
