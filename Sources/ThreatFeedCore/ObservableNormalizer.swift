/// Validation and normalisation of observable values: the one gate every value passes before
/// it is stored, so that the same indicator from two sources is stored once, and a value that
/// cannot be matched (wrong length, port, CIDR, wildcard) is refused with a reason rather
/// than served.
///
/// Values are handled as UTF-8 bytes with a fast path for plain ASCII, because imports run
/// this on millions of values.
enum ObservableNormalizer {
    /// Validates and normalises `raw`. `type` nil = auto-detect the type of a bare value.
    static func normalize(_ raw: String, as type: ObservableType?) throws(ObservableError) -> (ObservableType, String) {
        let input = Array(raw.utf8)
        var lower = 0
        var upper = input.count
        while lower < upper, ASCIIByte.isTrimmable(input[lower]) { lower += 1 }
        while upper > lower, ASCIIByte.isTrimmable(input[upper - 1]) { upper -= 1 }
        guard lower < upper else { throw ObservableError("empty value") }
        let trimmed = input[lower..<upper]
        let value = Refang.refang(trimmed)
        try rejectWhitespaceAndControls(in: value, as: type)

        guard let type else { return try detect(value) }
        do throws(ObservableError) {
            return (type, try normalize(value, as: type))
        } catch {
            // A value of another type in the wrong column is the usual mistake: say which type fits.
            if let (other, _) = try? detect(value), other != type {
                throw ObservableError(
                    "\(ReasonText.quoted(trimmed, limit: 40)) is not a valid \(type.rawValue): \(error.reason) (use type \(other.rawValue))"
                )
            }
            throw error
        }
    }

    private static func normalize(_ value: ArraySlice<UInt8>, as type: ObservableType) throws(ObservableError) -> String {
        switch type {
        case .url: return try ObservableURL.normalize(value)
        case .domain: return try HostName.normalize(value)
        case .ip:
            _ = try IPv4Address.parse(value)
            return String(decoding: value, as: UTF8.self)
        case .ipv6: return try IPv6Address.parseLiteral(value).canonicalText
        case .md5, .sha1, .sha256: return try HashDigest.normalize(value, as: type)
        }
    }

    /// Auto-detection, in the order URL, IPv6, IPv4, hash, domain. A value that fits none is
    /// refused with the reason of the type it most looks like.
    private static func detect(_ value: ArraySlice<UInt8>) throws(ObservableError) -> (ObservableType, String) {
        var hasColon = false
        var hasSlash = false
        var hasDot = false
        var allHex = true
        var allAlphanumeric = true
        var hasNonASCII = false
        for byte in value {
            switch byte {
            case ASCIIByte.colon: hasColon = true
            case ASCIIByte.slash: hasSlash = true
            case ASCIIByte.dot: hasDot = true
            default: break
            }
            if !ASCIIByte.isHexDigit(byte) {
                allHex = false
                if !ASCIIByte.isAlphanumeric(byte) { allAlphanumeric = false }
                if byte >= 0x80 { hasNonASCII = true }
            }
        }
        if hasColon, hasSlash, ObservableURL.schemeSeparator(in: value) != nil {
            return (.url, try ObservableURL.normalize(value))
        }
        if hasColon || value.first == UInt8(ascii: "[") { return try detectWithColon(value) }
        if hasSlash {
            if let slash = ASCIIByte.firstIndex(of: ASCIIByte.slash, in: value),
                IPv4Address.looksLikeAddress(value[..<slash])
            {
                _ = try IPv4Address.parse(value)  // throws the CIDR reason
            }
            throw ObservableError("URL has no scheme (expected http:// or https://…)")
        }
        if hasDot {
            if IPv4Address.strictValue(value) != nil { return (.ip, String(decoding: value, as: UTF8.self)) }
            if IPv4Address.looksLikeAddress(value) { _ = try IPv4Address.parse(value) }
            return (.domain, try HostName.normalize(value))
        }
        // Internationalised names may be dotted with ideographic full stops (`例え。テスト`).
        if hasNonASCII { return (.domain, try HostName.normalize(value)) }
        if allAlphanumeric, let type = HashDigest.type(forLength: value.count) {
            return (type, try HashDigest.normalize(value, as: type))
        }
        if allHex, value.count >= 24 {
            throw ObservableError("hash must be 32 (md5), 40 (sha1) or 64 (sha256) hex digits, got \(value.count)")
        }
        throw ObservableError(
            "\(ReasonText.quoted(value)) is not a domain (needs at least two labels), IP address, hash or URL")
    }

    /// A value with `:` (and no `://`) is an IPv6 address, or else whichever mistake it shows:
    /// an address or host with a port, or a scheme without `//` such as `mailto:`.
    private static func detectWithColon(_ value: ArraySlice<UInt8>) throws(ObservableError) -> (ObservableType, String) {
        if value.first == UInt8(ascii: "[") { return (.ipv6, try IPv6Address.parseLiteral(value).canonicalText) }
        let ipv6Problem: ObservableError
        do throws(ObservableError) {
            return (.ipv6, try IPv6Address.parse(value).canonicalText)
        } catch {
            ipv6Problem = error
        }
        if let colon = ASCIIByte.firstIndex(of: ASCIIByte.colon, in: value) {
            let head = value[..<colon]
            let tail = value[(colon + 1)...]
            if !tail.contains(ASCIIByte.colon) {
                if IPv4Address.looksLikeAddress(head) { _ = try IPv4Address.parse(value) }  // throws the port reason
                if head.contains(ASCIIByte.dot), !tail.isEmpty, tail.allSatisfy(ASCIIByte.isDigit) {
                    throw ObservableError("host name with a port (\(ReasonText.quoted(value[colon...]))) — give the host name alone")
                }
            }
            // A zone id (`%eth0`) may hold any letters; the address before it decides.
            let address = value.prefix { $0 != UInt8(ascii: "%") }
            let addressLike = address.allSatisfy {
                ASCIIByte.isHexDigit($0) || $0 == ASCIIByte.colon || $0 == ASCIIByte.dot || $0 == UInt8(ascii: "%")
                    || $0 == ASCIIByte.slash
            }
            if !addressLike { throw ObservableURL.schemeProblem(value) }
        }
        throw ipv6Problem
    }

    /// Whitespace and control characters are never part of an observable; the reason points
    /// at where they are, since they usually come from a mangled line in a file.
    private static func rejectWhitespaceAndControls(in value: ArraySlice<UInt8>, as type: ObservableType?) throws(ObservableError) {
        for i in value.indices {
            let byte = value[i]
            guard byte <= 0x20 || byte == 0x7F else { continue }
            let isURL = type == .url || (type == nil && ObservableURL.schemeSeparator(in: value) != nil)
            if isURL {
                if byte == 0x20 { throw ObservableError("URL contains a raw space (write it as %20)") }
                throw ObservableError("URL contains control character \(ReasonText.codePoint(Unicode.Scalar(byte)))")
            }
            guard ASCIIByte.isWhitespace(byte) else {
                throw ObservableError("value contains control character \(ReasonText.codePoint(Unicode.Scalar(byte)))")
            }
            let hostLike = type == .domain
                || (type == nil && value.contains(ASCIIByte.dot) && !value.contains(ASCIIByte.colon)
                    && !value.contains(ASCIIByte.slash))
            guard hostLike else { throw ObservableError("value contains whitespace inside") }
            var start = i
            while start > value.startIndex, value[start - 1] != ASCIIByte.dot { start -= 1 }
            var end = i
            while end < value.endIndex, value[end] != ASCIIByte.dot { end += 1 }
            let what = ReasonText.character(Unicode.Scalar(byte))
            throw ObservableError(
                "value contains whitespace inside: label \(ReasonText.quoted(value[start..<end])) contains \(what)")
        }
    }
}
