/// Whether a client's `Accept-Encoding` (RFC 9110 §12.5.3) lets us answer in gzip, the one coding we offer.
///
/// A header that does not parse, or is longer than any real client sends, is read as "no gzip": the client then
/// gets the plain answer it can always read, never an error.
enum AcceptEncoding {
    /// Every field value together; browsers and HTTP libraries send under 100 bytes.
    static let maxBytes = 1_024
    /// Codings listed; there are only a handful worth naming.
    static let maxElements = 32

    /// gzip when the client gives it a non-zero weight (by name, as `x-gzip`, or through `*`) that is at least the
    /// weight it gives `identity`: `gzip;q=0.5, identity` says the client would rather have the plain answer.
    /// `values`: every `Accept-Encoding` field of the request (none: the client asked for nothing).
    /// Self-contained (no HTTP types), so that the fuzz package compiles this file as it is.
    static func prefersGzip(_ values: [String]) -> Bool {
        guard !values.isEmpty else { return false }
        var total = 0
        for value in values {
            total += value.utf8.count + 1
            if total > maxBytes { return false }
        }
        guard let weights = parse(values.joined(separator: ",")) else { return false }
        let gzip = weights["gzip"] ?? weights["x-gzip"] ?? weights["*"] ?? 0
        return gzip > 0 && gzip >= (weights["identity"] ?? 0)
    }

    /// Lower-cased coding → weight in thousandths (q=0.5 is 500); nil when the header is malformed.
    static func parse(_ header: String) -> [String: Int]? {
        var weights: [String: Int] = [:]
        var elements = 0
        for element in Array(header.utf8).split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
            let parts = element.split(separator: UInt8(ascii: ";"), omittingEmptySubsequences: false)
            let coding = trimmed(parts[0])
            // The list syntax allows empty elements (`gzip, , br`); an empty coding before a weight is malformed.
            if coding.isEmpty {
                guard parts.count == 1 else { return nil }
                continue
            }
            elements += 1
            guard elements <= maxElements, coding.allSatisfy(isTokenCharacter) else { return nil }
            var weight = 1_000
            if parts.count > 1 {
                // Only one parameter is defined for a coding: its weight, `q=`.
                guard parts.count == 2, let parsed = qvalue(trimmed(parts[1])) else { return nil }
                weight = parsed
            }
            let name = String(decoding: coding, as: UTF8.self).lowercased()
            // Listed twice: the first says what the client meant; later ones add nothing we could trust more.
            if weights[name] == nil { weights[name] = weight }
        }
        return weights
    }

    /// `q=` then `0`, `0.` and up to three digits, `1`, or `1.` and up to three zeros; in thousandths.
    private static func qvalue(_ parameter: ArraySlice<UInt8>) -> Int? {
        let bytes = Array(parameter)
        guard bytes.count >= 3, bytes[0] | 0x20 == UInt8(ascii: "q"), bytes[1] == UInt8(ascii: "=") else { return nil }
        let number = bytes[2...]
        guard let first = number.first, first == UInt8(ascii: "0") || first == UInt8(ascii: "1") else { return nil }
        let fraction = number.dropFirst()
        guard !fraction.isEmpty else { return first == UInt8(ascii: "1") ? 1_000 : 0 }
        let digits = fraction.dropFirst()
        guard fraction.first == UInt8(ascii: "."), digits.count <= 3,
            digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else { return nil }
        if first == UInt8(ascii: "1") { return digits.allSatisfy { $0 == UInt8(ascii: "0") } ? 1_000 : nil }
        var value = 0
        for (index, digit) in digits.enumerated() { value += Int(digit - UInt8(ascii: "0")) * [100, 10, 1][index] }
        return value
    }

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var bytes = bytes
        while let first = bytes.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") { bytes.removeFirst() }
        while let last = bytes.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") { bytes.removeLast() }
        return bytes
    }

    /// RFC 9110 `tchar`.
    private static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}
