/// An IPv4 or IPv6 address block written as CIDR (`192.0.2.0/24`, `2001:db8::/32`) or as a
/// single address (a /32 or /128). Used by the safety policy for gateway and reserved ranges.
public struct IPRange: Hashable, Sendable, CustomStringConvertible {
    public enum Family: Sendable, Hashable { case v4, v6 }

    public let family: Family
    /// The network address as 128 bits (IPv4 in the low 32 bits), host bits cleared.
    let high: UInt64
    let low: UInt64
    public let prefixLength: Int

    /// Parses `address` or `address/prefix`. Host bits set below the prefix are refused, since
    /// `192.0.2.1/24` usually means the writer meant something else.
    public init(parsing text: String) throws(ObservableError) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let parsed = IPRange.address(String(parts[0])) else {
            throw ObservableError("'\(text)' is not an IPv4 or IPv6 address or CIDR block")
        }
        let (family, high, low) = parsed
        let bits = family == .v4 ? 32 : 128
        var prefix = bits
        if parts.count == 2 {
            guard let value = Int(parts[1]), (0...bits).contains(value), parts[1].allSatisfy(\.isASCII) else {
                throw ObservableError("prefix length '\(parts[1])' in '\(text)' must be 0–\(bits)")
            }
            prefix = value
        }
        let (maskHigh, maskLow) = IPRange.mask(family: family, prefix: prefix)
        guard high & ~maskHigh == 0, low & ~maskLow == 0 else {
            throw ObservableError("'\(text)' has host bits set below /\(prefix)")
        }
        self.family = family
        self.high = high
        self.low = low
        self.prefixLength = prefix
    }

    /// Whether the address text (canonical or not) lies in this block. Text that is no address is in no block.
    public func contains(_ addressText: String) -> Bool {
        guard let parsed = IPRange.address(addressText), parsed.0 == self.family else { return false }
        let (family, high, low) = parsed
        let (maskHigh, maskLow) = IPRange.mask(family: family, prefix: prefixLength)
        return high & maskHigh == self.high && low & maskLow == self.low
    }

    public var description: String {
        switch family {
        case .v4:
            let v = UInt32(truncatingIfNeeded: low)
            return "\(v >> 24).\((v >> 16) & 0xFF).\((v >> 8) & 0xFF).\(v & 0xFF)/\(prefixLength)"
        case .v6:
            var groups = SIMD8<UInt16>()
            for i in 0..<4 {
                groups[i] = UInt16(truncatingIfNeeded: high >> UInt64(48 - 16 * i))
                groups[i + 4] = UInt16(truncatingIfNeeded: low >> UInt64(48 - 16 * i))
            }
            return "\(IPv6Address(groups: groups).canonicalText)/\(prefixLength)"
        }
    }

    static func address(_ text: String) -> (Family, UInt64, UInt64)? {
        let bytes = Array(text.utf8)[...]
        if let v4 = IPv4Address.strictValue(bytes) { return (.v4, 0, UInt64(v4)) }
        guard bytes.contains(ASCIIByte.colon), let v6 = try? IPv6Address.parseLiteral(bytes) else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for i in 0..<4 {
            high = high << 16 | UInt64(v6.groups[i])
            low = low << 16 | UInt64(v6.groups[i + 4])
        }
        return (.v6, high, low)
    }

    static func mask(family: Family, prefix: Int) -> (UInt64, UInt64) {
        switch family {
        case .v4:
            let low: UInt64 = prefix == 0 ? 0 : (UInt64(UInt32.max) << UInt64(32 - prefix)) & UInt64(UInt32.max)
            return (0, low)
        case .v6:
            let high: UInt64 = prefix >= 64 ? .max : (prefix == 0 ? 0 : .max << UInt64(64 - prefix))
            let low: UInt64 = prefix <= 64 ? 0 : (prefix == 128 ? .max : .max << UInt64(128 - prefix))
            return (high, low)
        }
    }
}
