import ThreatFeedCore

/// The filters and paging parameters of a TAXII 2.1 objects / manifest / object / versions request (§3.4–3.5),
/// parsed from the raw query string with every value checked and every number range-checked.
public struct TAXII2Filter: Sendable, Equatable {
    /// `added_after`: only objects whose date added is strictly later.
    public var addedAfter: TimestampLabel?
    /// `limit` as asked (1 … `maximumLimit`); the server's own maximum may lower it further.
    public var limit: Int?
    /// `next`: the opaque cursor of the previous page, checked by the server.
    public var next: String?
    /// `match[id]`, `match[type]`, `match[spec_version]`: nil means no filter; several values are OR-ed.
    public var ids: [String]?
    public var types: [String]?
    public var specVersions: [String]?
    public var versions: TAXII2VersionFilter = .newest

    public init() {}

    /// The largest `limit` accepted; a larger number is malformed (a smaller one above the server's maximum is lowered).
    public static let maximumLimit = Int(Int32.max)
    /// Values per `match[…]` field, and bytes per value: bounds the query work a request can ask for.
    public static let maximumValues = 100
    public static let maximumValueBytes = 256
    /// A `next` longer than this was not written by us.
    public static let maximumNextBytes = 512

    /// Parses `query` (the URL's query string, without `?`). Unknown parameters are ignored, as the spec allows.
    public static func parse(query: String?) throws(TAXII2QueryError) -> TAXII2Filter {
        var filter = TAXII2Filter()
        guard let query, !query.isEmpty else { return filter }
        var seen: Set<String> = []
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = percentDecoded(parts[0]) else {
                throw TAXII2QueryError(parameter: shown(String(parts[0])), problem: "the parameter name is not valid percent-encoded UTF-8")
            }
            let rawValue = parts.count > 1 ? parts[1] : ""
            guard let value = percentDecoded(rawValue) else {
                throw TAXII2QueryError(parameter: shown(name), problem: "the value is not valid percent-encoded UTF-8")
            }
            switch name {
            case "added_after", "limit", "next":
                guard seen.insert(name).inserted else { throw TAXII2QueryError(parameter: name, problem: "given more than once") }
            case "match[id]", "match[type]", "match[version]", "match[spec_version]": break
            default: continue
            }
            switch name {
            case "added_after":
                guard let label = try? TAXIITimestamp.parse(value) else {
                    throw TAXII2QueryError(parameter: name, problem: "not a timestamp like 2026-01-01T00:00:00.000000Z")
                }
                filter.addedAfter = label
            case "limit":
                filter.limit = try parseLimit(value)
            case "next":
                guard !value.isEmpty else { continue }  // taxii2-client sends `next=` when a page says more without a next
                guard value.utf8.count <= maximumNextBytes else { throw TAXII2QueryError(parameter: name, problem: "not a cursor this server wrote") }
                filter.next = value
            case "match[id]":
                let values = try list(name, value, existing: filter.ids)
                for id in values where !STIX2ObjectID.isWellFormed(id) {
                    throw TAXII2QueryError(parameter: name, problem: "\(shown(id)) is not a STIX identifier (type--uuid)")
                }
                filter.ids = (filter.ids ?? []) + values
            case "match[type]":
                let values = try list(name, value, existing: filter.types)
                for type in values where !isTypeName(type) {
                    throw TAXII2QueryError(parameter: name, problem: "\(shown(type)) is not a STIX type name")
                }
                filter.types = (filter.types ?? []) + values
            case "match[spec_version]":
                let values = try list(name, value, existing: filter.specVersions)
                for version in values where !isSpecVersion(version) {
                    throw TAXII2QueryError(parameter: name, problem: "\(shown(version)) is not a STIX specification version like 2.1")
                }
                filter.specVersions = (filter.specVersions ?? []) + values
            default:  // match[version]
                let values = try list(name, value, existing: nil)
                // A repeated match[version] adds to the values already given, as a comma does.
                var versions = seen.contains(name) ? filter.versions : TAXII2VersionFilter()
                seen.insert(name)
                for item in values {
                    switch item {
                    case "last": versions.last = true
                    case "first": versions.first = true
                    case "all": versions.all = true
                    default:
                        guard let label = try? TAXIITimestamp.parse(item) else {
                            throw TAXII2QueryError(parameter: name, problem: "\(shown(item)) is not first, last, all or a timestamp")
                        }
                        versions.modified.append(label)
                    }
                }
                guard versions.modified.count <= maximumValues else {
                    throw TAXII2QueryError(parameter: name, problem: "more than \(maximumValues) values")
                }
                filter.versions = versions
            }
        }
        return filter
    }

    /// Digits only, 1 … `maximumLimit`: no sign, no spaces, no overflow.
    static func parseLimit(_ text: String) throws(TAXII2QueryError) -> Int {
        let problem = TAXII2QueryError(parameter: "limit", problem: "must be a whole number from 1 to \(maximumLimit)")
        guard !text.isEmpty, text.utf8.count <= 10, text.utf8.allSatisfy({ (48...57).contains($0) }) else { throw problem }
        var value = 0
        for byte in text.utf8 { value = value * 10 + Int(byte - 48) }  // at most 10 digits: fits in Int64
        guard (1...maximumLimit).contains(value) else { throw problem }
        return value
    }

    private static func list(_ name: String, _ value: String, existing: [String]?) throws(TAXII2QueryError) -> [String] {
        let values = value.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard values.allSatisfy({ !$0.isEmpty }) else { throw TAXII2QueryError(parameter: name, problem: "an empty value") }
        guard values.count + (existing?.count ?? 0) <= maximumValues else {
            throw TAXII2QueryError(parameter: name, problem: "more than \(maximumValues) values")
        }
        guard values.allSatisfy({ $0.utf8.count <= maximumValueBytes }) else {
            throw TAXII2QueryError(parameter: name, problem: "a value longer than \(maximumValueBytes) bytes")
        }
        return values
    }

    /// A client's value as an error message repeats it: quoted, cut at 60 characters, control characters escaped,
    /// so it cannot forge log lines or flood the answer.
    static func shown(_ text: String) -> String {
        var result = "'"
        for (count, scalar) in text.unicodeScalars.enumerated() {
            if count == 60 {
                result += "…"
                break
            }
            if scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value) {
                result += "\\u{" + String(scalar.value, radix: 16) + "}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result + "'"
    }

    static func isTypeName(_ text: String) -> Bool {
        (1...250).contains(text.utf8.count) && text.utf8.allSatisfy { (97...122).contains($0) || (48...57).contains($0) || $0 == 45 }
    }

    static func isSpecVersion(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return (1...3).contains(parts.count) && parts.allSatisfy { !$0.isEmpty && $0.count <= 4 && $0.utf8.allSatisfy { (48...57).contains($0) } }
    }

    /// `%XX` and `+` (a space, as HTML forms and Python's requests write it) decoded; nil for a bad escape or bad UTF-8.
    static func percentDecoded(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
                bytes.append(high << 4 | low)
            case UInt8(ascii: "+"): bytes.append(UInt8(ascii: " "))
            default: bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 48...57: byte - 48
        case 65...70: byte - 55
        case 97...102: byte - 87
        default: nil
        }
    }
}
