/// Byte-level character classes for the observable parsers, which work on UTF-8 bytes
/// rather than `Character`s so the common all-ASCII value never leaves the fast path.
enum ASCIIByte {
    static let dot = UInt8(ascii: ".")
    static let colon = UInt8(ascii: ":")
    static let slash = UInt8(ascii: "/")
    static let hyphen = UInt8(ascii: "-")

    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b &- 48 < 10 }

    @inline(__always) static func isHexDigit(_ b: UInt8) -> Bool {
        b &- 48 < 10 || (b | 0x20) &- 97 < 6
    }

    @inline(__always) static func isLetter(_ b: UInt8) -> Bool { (b | 0x20) &- 97 < 26 }

    @inline(__always) static func isAlphanumeric(_ b: UInt8) -> Bool { isDigit(b) || isLetter(b) }

    /// Value of a hex digit; only call after `isHexDigit`.
    @inline(__always) static func hexValue(_ b: UInt8) -> UInt16 {
        isDigit(b) ? UInt16(b &- 48) : UInt16((b | 0x20) &- 87)
    }

    @inline(__always) static func lowercased(_ b: UInt8) -> UInt8 { b &- 65 < 26 ? b | 0x20 : b }

    /// The whitespace trimmed from both ends of a value: space, tab, CR, LF.
    @inline(__always) static func isTrimmable(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }

    /// Whitespace that makes a value invalid when found inside it (the trimmable set plus VT and FF).
    @inline(__always) static func isWhitespace(_ b: UInt8) -> Bool { isTrimmable(b) || b == 0x0B || b == 0x0C }

    /// C0 controls and DEL, which no observable may contain.
    @inline(__always) static func isControl(_ b: UInt8) -> Bool { b < 0x20 || b == 0x7F }

    /// Case-insensitive comparison of `bytes[at...]` with a lower-case ASCII literal.
    static func hasPrefix(_ bytes: ArraySlice<UInt8>, at start: Int, _ lowerLiteral: StaticString) -> Bool {
        let count = lowerLiteral.utf8CodeUnitCount
        guard bytes.endIndex - start >= count else { return false }
        return lowerLiteral.withUTF8Buffer { literal in
            for k in 0..<count where lowercased(bytes[start + k]) != literal[k] { return false }
            return true
        }
    }

    /// Index of the first `needle` in `bytes`, if any.
    @inline(__always) static func firstIndex(of needle: UInt8, in bytes: ArraySlice<UInt8>) -> Int? {
        var i = bytes.startIndex
        while i < bytes.endIndex {
            if bytes[i] == needle { return i }
            i += 1
        }
        return nil
    }
}
