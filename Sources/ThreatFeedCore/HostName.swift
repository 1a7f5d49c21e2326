// Foundation only for Unicode normalisation (NFKC/NFC) of internationalised names, which the
// standard library does not offer publicly; plain ASCII names never reach it.
import Foundation

/// Host names as stored for `domain` observables and as URL hosts: lower-case ASCII, one
/// trailing dot removed, internationalised labels in punycode (`xn--…`).
///
/// Judgement call: `_` is accepted in labels. RFC 952/1123 host names exclude it, but DNS
/// carries it and real malicious host names in feeds use it (e.g. `foo_bar.duckdns.org`);
/// refusing them would lose indicators that resolve and are served.
enum HostName {
    static func normalize(_ bytes: ArraySlice<UInt8>) throws(ObservableError) -> String {
        if let name = plainASCII(bytes) { return name }
        return try general(bytes)
    }

    /// The normalised name when `bytes` is an ordinary valid ASCII name (the common case),
    /// else nil; everything unusual goes to `general`, which also words the rejection.
    private static func plainASCII(_ bytes: ArraySlice<UInt8>) -> String? {
        let start = bytes.startIndex
        var end = bytes.endIndex
        if end - start > 1, bytes[end - 1] == ASCIIByte.dot { end -= 1 }
        guard end - start <= 253 else { return nil }
        var labels = 0
        var labelStart = start
        var labelAllDigits = true
        var hasUpper = false
        var i = start
        while i <= end {
            let byte = i < end ? bytes[i] : ASCIIByte.dot
            if byte == ASCIIByte.dot {
                let length = i - labelStart
                guard length > 0, length <= 63, bytes[labelStart] != ASCIIByte.hyphen,
                    bytes[i - 1] != ASCIIByte.hyphen
                else { return nil }
                if length == 4, ASCIIByte.hasPrefix(bytes, at: labelStart, "xn--") { return nil }
                labels += 1
                if i < end { labelAllDigits = true }
                labelStart = i + 1
            } else if byte &- 97 < 26 || byte == ASCIIByte.hyphen || byte == UInt8(ascii: "_") {
                labelAllDigits = false
            } else if byte &- 65 < 26 {
                labelAllDigits = false
                hasUpper = true
            } else if !ASCIIByte.isDigit(byte) {
                return nil
            }
            i += 1
        }
        guard labels >= 2, !labelAllDigits else { return nil }
        if hasUpper { return String(decoding: bytes[start..<end].lazy.map(ASCIIByte.lowercased), as: UTF8.self) }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    /// Internationalised names, and the precise reason for anything that is not a valid name.
    private static func general(_ bytes: ArraySlice<UInt8>) throws(ObservableError) -> String {
        if bytes.contains(UInt8(ascii: "*")) {
            throw ObservableError("wildcard \(ReasonText.quoted(bytes)) is not a single domain — give the domain itself")
        }
        if ObservableURL.schemeSeparator(in: bytes) != nil { throw ObservableError("a URL is not a domain") }
        if let slash = ASCIIByte.firstIndex(of: ASCIIByte.slash, in: bytes) {
            throw ObservableError("domain has a path (\(ReasonText.quoted(bytes[slash...]))) — give the host name alone")
        }
        if bytes.contains(ASCIIByte.colon) {
            if (try? IPv6Address.parseLiteral(bytes)) != nil { throw ObservableError("an IP address is not a domain") }
            if let colon = bytes.lastIndex(of: ASCIIByte.colon), colon + 1 < bytes.endIndex,
                bytes[(colon + 1)...].allSatisfy(ASCIIByte.isDigit), !bytes[..<colon].contains(ASCIIByte.colon)
            {
                throw ObservableError("domain with a port (\(ReasonText.quoted(bytes[colon...]))) — give the host name alone")
            }
        }
        if IPv4Address.strictValue(bytes) != nil { throw ObservableError("an IP address is not a domain") }
        if bytes.contains(UInt8(ascii: "@")) {
            throw ObservableError("\(ReasonText.quoted(bytes)) looks like an email address, not a domain")
        }

        let isASCII = bytes.allSatisfy { $0 < 0x80 }
        let text = String(decoding: bytes, as: UTF8.self)
        // Internationalised names are mapped as UTS 46 does, approximately: compatibility
        // forms folded (full-width letters, ligatures), lower-cased, then composed (NFC).
        let mapped = isASCII
            ? text.lowercased()
            : text.precomposedStringWithCompatibilityMapping.lowercased().precomposedStringWithCanonicalMapping
        var labels = mapped.unicodeScalars.split(
            omittingEmptySubsequences: false, whereSeparator: { $0 == "." || $0 == "\u{3002}" })
        if labels.count > 1, labels.last?.isEmpty == true { labels.removeLast() }

        var asciiLabels: [String] = []
        asciiLabels.reserveCapacity(labels.count)
        for label in labels {
            asciiLabels.append(try asciiLabel(String(label), in: bytes))
        }
        let name = asciiLabels.joined(separator: ".")
        if name.utf8.count > 253 { throw ObservableError("domain is \(name.utf8.count) octets long (at most 253)") }
        if asciiLabels.count < 2 {
            throw ObservableError("\(ReasonText.quoted(bytes)) is not a domain: it needs at least two labels")
        }
        if let top = asciiLabels.last, top.utf8.allSatisfy(ASCIIByte.isDigit) {
            if IPv4Address.strictValue(Array(name.utf8)[...]) != nil { throw ObservableError("an IP address is not a domain") }
            throw ObservableError("top-level label \(ReasonText.quoted(top)) is all digits")
        }
        return name
    }

    /// One lower-cased, mapped label checked and, if it is not ASCII, punycoded.
    private static func asciiLabel(_ label: String, in name: ArraySlice<UInt8>) throws(ObservableError) -> String {
        let shown = ReasonText.quoted(label)
        guard let first = label.unicodeScalars.first, let last = label.unicodeScalars.last else {
            throw ObservableError("empty label in \(ReasonText.quoted(name))")
        }
        var isASCII = true
        for scalar in label.unicodeScalars {
            if scalar.isASCII {
                let byte = UInt8(scalar.value)
                guard byte &- 97 < 26 || ASCIIByte.isDigit(byte) || byte == ASCIIByte.hyphen || byte == UInt8(ascii: "_")
                else { throw ObservableError("label \(shown) contains \(ReasonText.character(scalar))") }
            } else {
                isASCII = false
                guard isAllowedInLabel(scalar) else {
                    throw ObservableError("label \(shown) contains \(ReasonText.character(scalar))")
                }
            }
        }
        let hasACEPrefix = label.hasPrefix("xn--")
        if hasACEPrefix, label.utf8.count == 4 {
            throw ObservableError("label 'xn--' has nothing after the punycode prefix")
        }
        if first == "-" { throw ObservableError("label \(shown) starts with a hyphen") }
        if last == "-" { throw ObservableError("label \(shown) ends with a hyphen") }
        let ascii: String
        if isASCII {
            ascii = label
        } else {
            if hasACEPrefix { throw ObservableError("label \(shown) has the punycode prefix 'xn--' but is not ASCII") }
            guard let encoded = Punycode.encode(label.unicodeScalars) else {
                throw ObservableError("label \(shown) is too long to encode as punycode")
            }
            ascii = "xn--" + encoded
        }
        let length = ascii.utf8.count
        if length > 63 {
            let form = isASCII ? "" : " as punycode"
            throw ObservableError("label \(shown) is \(length) octets long\(form) (at most 63)")
        }
        return ascii
    }

    /// Invisible, unassigned and private characters are refused: they make look-alike names
    /// that no registry issues. Zero-width (non-)joiners are kept, as IDNA2008 allows them.
    private static func isAllowedInLabel(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value == 0x200C || scalar.value == 0x200D { return true }
        if scalar.value == 0xFFFD { return false }
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned,
            .spaceSeparator, .lineSeparator, .paragraphSeparator:
            return false
        default:
            return true
        }
    }
}
