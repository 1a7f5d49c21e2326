/// UUID v4 text from `SystemRandomNumberGenerator` (getrandom(2) on Linux: cryptographic).
public enum RandomUUID {
    public static func v4() -> String {
        var generator = SystemRandomNumberGenerator()
        // Two draws, not sixteen: each is a getrandom(2) call, which the import's profile showed.
        return v4(random: (generator.next(), generator.next()))
    }

    /// The UUID v4 text of 128 random bits (the version and variant bits are overwritten), for callers that draw
    /// their random bytes in bulk.
    public static func v4(random: (UInt64, UInt64)) -> String {
        let hex: StaticString = "0123456789abcdef"
        return String(unsafeUninitializedCapacity: 36) { text in
            var out = 0
            for index in 0..<16 {
                var byte = UInt8(truncatingIfNeeded: (index < 8 ? random.0 : random.1) >> (UInt64(index % 8) * 8))
                if index == 6 { byte = (byte & 0x0F) | 0x40 }  // version 4
                if index == 8 { byte = (byte & 0x3F) | 0x80 }  // RFC 4122 variant
                if index == 4 || index == 6 || index == 8 || index == 10 {
                    text[out] = UInt8(ascii: "-")
                    out += 1
                }
                text[out] = hex.utf8Start[Int(byte >> 4)]
                text[out + 1] = hex.utf8Start[Int(byte & 0x0F)]
                out += 2
            }
            return out
        }
    }

    /// Whether `text` is a lower-case UUID v4 as `v4()` writes it.
    public static func isV4(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 36 else { return false }
        for (index, byte) in bytes.enumerated() {
            switch index {
            case 8, 13, 18, 23: guard byte == UInt8(ascii: "-") else { return false }
            case 14: guard byte == UInt8(ascii: "4") else { return false }
            case 19: guard "89ab".utf8.contains(byte) else { return false }
            default: guard (48...57).contains(byte) || (97...102).contains(byte) else { return false }
            }
        }
        return true
    }
}

/// Ids of the form `<kind>-<uuid>`, as CTIA writes them.
public enum EntityID {
    public static func make(_ kind: String) -> String { "\(kind)-\(RandomUUID.v4())" }
}
