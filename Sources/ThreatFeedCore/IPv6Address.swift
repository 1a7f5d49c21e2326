/// An IPv6 address read from any RFC 4291 text form and written in RFC 5952 canonical form,
/// so that the same address from two sources is stored once.
struct IPv6Address: Equatable {
    var groups: SIMD8<UInt16>

    /// Parses an address that may be wrapped in brackets (`[2001:db8::1]`), as feeds and URLs
    /// write it; a port after the brackets is refused.
    static func parseLiteral(_ bytes: ArraySlice<UInt8>) throws(ObservableError) -> IPv6Address {
        guard let first = bytes.first else { throw ObservableError("empty value") }
        if first == UInt8(ascii: "[") {
            guard let close = ASCIIByte.firstIndex(of: UInt8(ascii: "]"), in: bytes) else {
                throw ObservableError("'[' without a closing ']' in \(ReasonText.quoted(bytes))")
            }
            let after = bytes[(close + 1)...]
            if let next = after.first {
                if next == ASCIIByte.colon {
                    throw ObservableError("IPv6 address with a port (\(ReasonText.quoted(after))) — give the address alone")
                }
                throw ObservableError("unexpected \(ReasonText.quoted(after)) after ']'")
            }
            return try parse(bytes[(bytes.startIndex + 1)..<close])
        }
        if bytes.contains(UInt8(ascii: "]")) {
            throw ObservableError("']' without an opening '[' in \(ReasonText.quoted(bytes))")
        }
        return try parse(bytes)
    }

    /// Parses the bare text forms: full, `::`-compressed, and with an embedded IPv4 tail.
    static func parse(_ bytes: ArraySlice<UInt8>) throws(ObservableError) -> IPv6Address {
        if let percent = ASCIIByte.firstIndex(of: UInt8(ascii: "%"), in: bytes) {
            throw ObservableError("zone id \(ReasonText.quoted(bytes[percent...])) not allowed — give the address alone")
        }
        if bytes.contains(ASCIIByte.slash) {
            throw ObservableError("CIDR \(ReasonText.quoted(bytes)) where a single address is expected")
        }
        guard bytes.contains(ASCIIByte.colon) else {
            throw ObservableError("IPv6 address has no ':'")
        }
        var groups = SIMD8<UInt16>()
        var count = 0
        var gap = -1
        var i = bytes.startIndex
        let end = bytes.endIndex
        if bytes[i] == ASCIIByte.colon {
            guard i + 1 < end, bytes[i + 1] == ASCIIByte.colon else {
                throw ObservableError("IPv6 address starts with a single ':'")
            }
            gap = 0
            i += 2
        }
        while i < end {
            let pieceStart = i
            var sawDot = false
            while i < end, bytes[i] != ASCIIByte.colon {
                if bytes[i] == ASCIIByte.dot { sawDot = true }
                i += 1
            }
            let piece = bytes[pieceStart..<i]
            if piece.isEmpty { throw ObservableError("':::' in \(ReasonText.quoted(bytes))") }
            if sawDot {
                guard i == end else {
                    throw ObservableError("embedded IPv4 address \(ReasonText.quoted(piece)) must come last")
                }
                guard count <= 6 else { throw ObservableError("IPv6 address has more than 8 groups") }
                let v4: IPv4Address
                do throws(ObservableError) { v4 = try IPv4Address.parse(piece) } catch { throw ObservableError("embedded IPv4 address: \(error.reason)") }
                groups[count] = UInt16(truncatingIfNeeded: v4.value >> 16)
                groups[count + 1] = UInt16(truncatingIfNeeded: v4.value)
                count += 2
                break
            }
            guard piece.count <= 4 else {
                throw ObservableError("IPv6 group \(ReasonText.quoted(piece)) has more than 4 hex digits")
            }
            var value: UInt16 = 0
            for k in piece.indices {
                let byte = piece[k]
                guard ASCIIByte.isHexDigit(byte) else {
                    let bad = ReasonText.character(ReasonText.scalar(at: k, in: piece))
                    throw ObservableError("IPv6 group \(ReasonText.quoted(piece)) contains \(bad), not a hex digit")
                }
                value = value << 4 | ASCIIByte.hexValue(byte)
            }
            guard count < 8 else { throw ObservableError("IPv6 address has more than 8 groups") }
            groups[count] = value
            count += 1
            if i == end { break }
            if i + 1 < end, bytes[i + 1] == ASCIIByte.colon {
                guard gap < 0 else { throw ObservableError("more than one '::' in \(ReasonText.quoted(bytes))") }
                gap = count
                i += 2
            } else {
                i += 1
                guard i < end else { throw ObservableError("IPv6 address ends with a single ':'") }
            }
        }
        if gap < 0 {
            guard count == 8 else {
                throw ObservableError("IPv6 address has \(count) groups (needs 8, or '::' for a run of zeros)")
            }
            return IPv6Address(groups: groups)
        }
        guard count <= 7 else { throw ObservableError("IPv6 address has 8 groups and a '::' as well") }
        var expanded = SIMD8<UInt16>()
        let tail = count - gap
        for k in 0..<gap { expanded[k] = groups[k] }
        for k in 0..<tail { expanded[8 - tail + k] = groups[gap + k] }
        return IPv6Address(groups: expanded)
    }

    /// The IPv4 address inside an IPv4-mapped address (`::ffff:0:0/96`), else nil.
    var mappedIPv4: IPv4Address? {
        guard groups[0] == 0, groups[1] == 0, groups[2] == 0, groups[3] == 0, groups[4] == 0,
            groups[5] == 0xFFFF
        else { return nil }
        return IPv4Address(value: UInt32(groups[6]) << 16 | UInt32(groups[7]))
    }

    /// RFC 5952 text: lower-case hex without leading zeros, the longest run of two or more zero
    /// groups (the first on a tie) as `::`, and IPv4-mapped addresses with a dotted tail (§5).
    var canonicalText: String {
        if let v4 = mappedIPv4 { return "::ffff:" + v4.text }
        var bestStart = -1
        var bestLength = 1
        var k = 0
        while k < 8 {
            guard groups[k] == 0 else {
                k += 1
                continue
            }
            var runEnd = k
            while runEnd < 8, groups[runEnd] == 0 { runEnd += 1 }
            if runEnd - k > bestLength {
                bestStart = k
                bestLength = runEnd - k
            }
            k = runEnd
        }
        var out: [UInt8] = []
        out.reserveCapacity(39)
        k = 0
        while k < 8 {
            if k == bestStart {
                out.append(ASCIIByte.colon)
                out.append(ASCIIByte.colon)
                k += bestLength
                continue
            }
            if let last = out.last, last != ASCIIByte.colon { out.append(ASCIIByte.colon) }
            appendHex(groups[k], to: &out)
            k += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private func appendHex(_ value: UInt16, to out: inout [UInt8]) {
        var shift: UInt16 = 12
        var started = false
        while true {
            let nibble = UInt8((value >> shift) & 0xF)
            if nibble != 0 || started || shift == 0 {
                out.append(nibble < 10 ? 48 + nibble : 87 + nibble)
                started = true
            }
            if shift == 0 { break }
            shift -= 4
        }
    }
}
