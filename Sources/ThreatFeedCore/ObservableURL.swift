/// URLs as stored for `url` observables.
///
/// Only what is case-insensitive or has a default is normalised: the scheme and host are
/// lower-cased (the host exactly as a `domain`, or as a canonical IP literal), the default
/// port is dropped and an empty path becomes `/`. Userinfo, path, query and fragment are kept
/// byte for byte: percent-escapes are not decoded or re-encoded, since servers may treat the
/// forms differently and a feed must match what was seen. The fragment is kept too (judgement
/// call): phishing links carry the victim's address or a token there, and consumers that
/// match whole URLs would otherwise miss them.
enum ObservableURL {
    static let maxLength = 2048

    static func normalize(_ bytes: ArraySlice<UInt8>) throws(ObservableError) -> String {
        guard let separator = schemeSeparator(in: bytes) else { throw schemeProblem(bytes) }
        let scheme = bytes[bytes.startIndex..<separator]
        guard isSchemeSyntax(scheme) else { throw noScheme }
        let lowerScheme = String(decoding: scheme.lazy.map(ASCIIByte.lowercased), as: UTF8.self)
        let defaultPort: Int
        switch lowerScheme {
        case "http": defaultPort = 80
        case "https": defaultPort = 443
        case "ftp": defaultPort = 21
        default: throw notAllowed(scheme)
        }

        let authorityStart = separator + 3
        var authorityEnd = authorityStart
        while authorityEnd < bytes.endIndex {
            let byte = bytes[authorityEnd]
            if byte == ASCIIByte.slash || byte == UInt8(ascii: "?") || byte == UInt8(ascii: "#") { break }
            authorityEnd += 1
        }
        var hostStart = authorityStart
        var userinfo: ArraySlice<UInt8>?
        if let at = bytes[authorityStart..<authorityEnd].lastIndex(of: UInt8(ascii: "@")) {
            userinfo = bytes[authorityStart..<at]
            hostStart = at + 1
        }
        let hostAndPort = bytes[hostStart..<authorityEnd]
        let (host, port) = try splitHost(hostAndPort)

        var portText = ""
        if let port, !port.isEmpty {
            guard port.allSatisfy(ASCIIByte.isDigit) else {
                throw ObservableError("URL port \(ReasonText.quoted(port)) is not a number")
            }
            var value = 0
            for digit in port.prefix(6) { value = value * 10 + Int(digit &- 48) }
            guard port.count <= 6, (1...65535).contains(value) else {
                throw ObservableError("URL port \(ReasonText.quoted(port)) out of range (1–65535)")
            }
            if value != defaultPort { portText = ":" + String(value) }
        }

        var out = lowerScheme
        out.reserveCapacity(bytes.count + 2)
        out += "://"
        if let userinfo {
            out += String(decoding: userinfo, as: UTF8.self)
            out += "@"
        }
        out += host
        out += portText
        let rest = bytes[authorityEnd...]
        if rest.first != ASCIIByte.slash { out += "/" }
        out += String(decoding: rest, as: UTF8.self)

        var length = 0
        for byte in out.utf8 where byte & 0xC0 != 0x80 { length += 1 }
        if length > maxLength { throw ObservableError("URL is \(length) characters long (at most \(maxLength))") }
        return out
    }

    /// The normalised host (IP literals canonical, IPv6 in brackets) and the port text, if any.
    private static func splitHost(_ hostAndPort: ArraySlice<UInt8>) throws(ObservableError) -> (String, ArraySlice<UInt8>?) {
        guard let first = hostAndPort.first else { throw ObservableError("URL has no host") }
        if first == UInt8(ascii: "[") {
            guard let close = ASCIIByte.firstIndex(of: UInt8(ascii: "]"), in: hostAndPort) else {
                throw ObservableError("URL host: '[' without a closing ']'")
            }
            let address: IPv6Address
            do throws(ObservableError) { address = try IPv6Address.parse(hostAndPort[(hostAndPort.startIndex + 1)..<close]) } catch {
                throw ObservableError("URL host: \(error.reason)")
            }
            let after = hostAndPort[(close + 1)...]
            guard after.isEmpty || after.first == ASCIIByte.colon else {
                throw ObservableError("URL host: unexpected \(ReasonText.quoted(after)) after ']'")
            }
            return ("[" + address.canonicalText + "]", after.isEmpty ? nil : after.dropFirst())
        }
        var host = hostAndPort
        var port: ArraySlice<UInt8>?
        if let colon = ASCIIByte.firstIndex(of: ASCIIByte.colon, in: hostAndPort) {
            if hostAndPort[(colon + 1)...].contains(ASCIIByte.colon) {
                if let address = try? IPv6Address.parse(hostAndPort) {
                    throw ObservableError("URL IPv6 host must be in brackets, as '[\(address.canonicalText)]'")
                }
                throw ObservableError("URL host \(ReasonText.quoted(hostAndPort)) contains ':'")
            }
            host = hostAndPort[..<colon]
            port = hostAndPort[(colon + 1)...]
        }
        guard !host.isEmpty else { throw ObservableError("URL has no host") }
        do throws(ObservableError) {
            if IPv4Address.looksLikeAddress(host) {
                _ = try IPv4Address.parse(host)
                return (String(decoding: host, as: UTF8.self), port)
            }
            return (try HostName.normalize(host), port)
        } catch {
            throw ObservableError("URL host: \(error.reason)")
        }
    }

    /// Index of the first `://`.
    static func schemeSeparator(in bytes: ArraySlice<UInt8>) -> Int? {
        var i = bytes.startIndex
        while i + 2 < bytes.endIndex {
            if bytes[i] == ASCIIByte.colon, bytes[i + 1] == ASCIIByte.slash, bytes[i + 2] == ASCIIByte.slash { return i }
            i += 1
        }
        return nil
    }

    /// The reason for a value without `://`: a bare `scheme:` (mailto:, javascript:, http:x)
    /// is named, anything else has no scheme.
    static func schemeProblem(_ bytes: ArraySlice<UInt8>) -> ObservableError {
        if let colon = ASCIIByte.firstIndex(of: ASCIIByte.colon, in: bytes) {
            let scheme = bytes[..<colon]
            let next = colon + 1 < bytes.endIndex ? bytes[colon + 1] : nil
            if isSchemeSyntax(scheme), !(next.map(ASCIIByte.isDigit) ?? false) {
                let lower = String(decoding: scheme.lazy.map(ASCIIByte.lowercased), as: UTF8.self)
                if lower == "http" || lower == "https" || lower == "ftp" {
                    return ObservableError("URL scheme \(ReasonText.quoted(scheme)) must be followed by '//'")
                }
                return notAllowed(scheme)
            }
        }
        return noScheme
    }

    private static var noScheme: ObservableError { ObservableError("URL has no scheme (expected http:// or https://…)") }

    private static func notAllowed(_ scheme: ArraySlice<UInt8>) -> ObservableError {
        ObservableError("URL scheme \(ReasonText.quoted(scheme, limit: 30)) not allowed (expected http, https or ftp)")
    }

    /// RFC 3986 scheme syntax: a letter, then letters, digits, `+`, `-`, `.`.
    private static func isSchemeSyntax(_ scheme: ArraySlice<UInt8>) -> Bool {
        guard let first = scheme.first, ASCIIByte.isLetter(first) else { return false }
        return scheme.allSatisfy {
            ASCIIByte.isAlphanumeric($0) || $0 == UInt8(ascii: "+") || $0 == ASCIIByte.hyphen || $0 == ASCIIByte.dot
        }
    }
}
