/// An IPv4 address in strict dotted-quad form: four decimal octets 0–255.
///
/// Leading zeros are refused rather than dropped: `010` is 8 to inet_aton and curl but 10 to
/// other parsers, so we cannot know which address the source meant. Hex, octal, integer and
/// short forms (`0x7f.1`, `2130706433`, `127.1`) are refused for the same reason. A valid
/// address therefore has exactly one spelling, and its input text is already canonical.
struct IPv4Address: Equatable {
    let value: UInt32

    static func parse(_ bytes: ArraySlice<UInt8>) throws(ObservableError) -> IPv4Address {
        if let value = strictValue(bytes) { return IPv4Address(value: value) }
        throw diagnose(bytes)
    }

    /// The address if `bytes` is a canonical dotted quad, else nil. This is the hot path.
    static func strictValue(_ bytes: ArraySlice<UInt8>) -> UInt32? {
        var value: UInt32 = 0
        var octet: UInt32 = 0
        var digits = 0
        var dots = 0
        for byte in bytes {
            if ASCIIByte.isDigit(byte) {
                if digits > 0 && octet == 0 { return nil }
                octet = octet * 10 + UInt32(byte &- 48)
                digits += 1
                if octet > 255 { return nil }
            } else if byte == ASCIIByte.dot {
                if digits == 0 || dots == 3 { return nil }
                value = value << 8 | octet
                octet = 0
                digits = 0
                dots += 1
            } else {
                return nil
            }
        }
        guard dots == 3, digits > 0 else { return nil }
        return value << 8 | octet
    }

    /// Whether `bytes` reads as an attempt at an IPv4 address (dotted parts that are all decimal
    /// or `0x` hex), so that its rejection should speak of octets rather than of domain labels.
    static func looksLikeAddress(_ bytes: ArraySlice<UInt8>) -> Bool {
        var sawDot = false
        var sawDigit = false
        var partStart = bytes.startIndex
        var i = bytes.startIndex
        while i <= bytes.endIndex {
            if i == bytes.endIndex || bytes[i] == ASCIIByte.dot {
                let part = bytes[partStart..<i]
                if part.count >= 2, part.first == UInt8(ascii: "0"), ASCIIByte.lowercased(part[partStart + 1]) == UInt8(ascii: "x") {
                    guard part.dropFirst(2).allSatisfy(ASCIIByte.isHexDigit) else { return false }
                    sawDigit = true
                } else {
                    guard part.allSatisfy(ASCIIByte.isDigit) else { return false }
                    sawDigit = sawDigit || !part.isEmpty
                }
                if i < bytes.endIndex { sawDot = true }
                partStart = i + 1
            }
            i += 1
        }
        return sawDot && sawDigit
    }

    /// Dotted-decimal text.
    var text: String {
        "\(value >> 24).\((value >> 16) & 0xFF).\((value >> 8) & 0xFF).\(value & 0xFF)"
    }

    /// Why `bytes` is not a canonical IPv4 address, naming the offending part.
    private static func diagnose(_ bytes: ArraySlice<UInt8>) -> ObservableError {
        if bytes.contains(ASCIIByte.slash) {
            return ObservableError("CIDR \(ReasonText.quoted(bytes)) where a single address is expected")
        }
        if let colon = ASCIIByte.firstIndex(of: ASCIIByte.colon, in: bytes) {
            let head = bytes[..<colon]
            let tail = bytes[colon...]
            if looksLikeAddress(head), !tail.dropFirst().contains(ASCIIByte.colon) {
                return ObservableError("IPv4 address with a port (\(ReasonText.quoted(tail))) — give the address alone")
            }
            if let v6 = try? IPv6Address.parseLiteral(bytes) {
                if let v4 = v6.mappedIPv4 {
                    return ObservableError("IPv4-mapped IPv6 address; give the IPv4 address alone ('\(v4.text)')")
                }
                return ObservableError("it is an IPv6 address")
            }
            return ObservableError("IPv4 address contains ':'")
        }
        var octets = 0
        for part in bytes.split(separator: ASCIIByte.dot, omittingEmptySubsequences: false) {
            octets += 1
            if part.isEmpty { return ObservableError("empty octet in \(ReasonText.quoted(bytes))") }
            if !part.allSatisfy(ASCIIByte.isDigit) {
                if part.count >= 2, part.first == UInt8(ascii: "0"), ASCIIByte.lowercased(part[part.startIndex + 1]) == UInt8(ascii: "x") {
                    return ObservableError("octet \(ReasonText.quoted(part)) is hexadecimal — give dotted decimal")
                }
                return ObservableError("octet \(ReasonText.quoted(part)) is not a decimal number")
            }
            var value = 0
            for digit in part.prefix(4) { value = value * 10 + Int(digit &- 48) }
            if part.count > 4 || value > 255 { return ObservableError("octet \(ReasonText.quoted(part)) out of range (0–255)") }
            if part.count > 1, part.first == UInt8(ascii: "0") {
                return ObservableError("octet \(ReasonText.quoted(part)) has a leading zero (octal to some parsers)")
            }
        }
        if octets != 4 { return ObservableError("IPv4 address needs 4 octets, got \(octets)") }
        return ObservableError("\(ReasonText.quoted(bytes)) is not an IPv4 address")
    }
}
