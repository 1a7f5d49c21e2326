/// Hex digests (`md5`, `sha1`, `sha256`): stored lower-case, told apart by their length.
enum HashDigest {
    /// Number of hex digits of each digest type; nil for types that are not digests.
    static func length(of type: ObservableType) -> Int? {
        switch type {
        case .md5: return 32
        case .sha1: return 40
        case .sha256: return 64
        case .url, .domain, .ip, .ipv6: return nil
        }
    }

    /// The digest type a hex value of `length` digits is taken for when the type is detected.
    static func type(forLength length: Int) -> ObservableType? {
        switch length {
        case 32: return .md5
        case 40: return .sha1
        case 64: return .sha256
        default: return nil
        }
    }

    static func normalize(_ bytes: ArraySlice<UInt8>, as type: ObservableType) throws(ObservableError) -> String {
        guard let expected = length(of: type) else { throw ObservableError("\(type.rawValue) is not a hash type") }
        var hasUpper = false
        for i in bytes.indices {
            let byte = bytes[i]
            if ASCIIByte.isDigit(byte) || byte &- 97 < 6 { continue }
            if byte &- 65 < 6 {
                hasUpper = true
                continue
            }
            let bad = ReasonText.character(ReasonText.scalar(at: i, in: bytes))
            throw ObservableError("\(type.rawValue) contains \(bad), not a hex digit")
        }
        guard bytes.count == expected else {
            throw ObservableError("\(type.rawValue) must be \(expected) hex digits, got \(bytes.count)")
        }
        if hasUpper { return String(decoding: bytes.lazy.map(ASCIIByte.lowercased), as: UTF8.self) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
