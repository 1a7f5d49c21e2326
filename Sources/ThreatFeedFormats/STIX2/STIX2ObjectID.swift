import Crypto
import Foundation
import ThreatFeedCore

/// STIX 2.1 identifiers (`type--uuid`) of what we publish.
public enum STIX2ObjectID {
    /// A judgement's indicator: the judgement's own UUID (v4, as STIX recommends for SDOs), which it keeps for its
    /// whole life — refreshes and endings update the judgement in place — so every version shares the id.
    public static func indicator(judgementID: String) -> String {
        "indicator--" + (judgementID.hasPrefix("judgement-") ? String(judgementID.dropFirst("judgement-".count)) : judgementID)
    }

    /// The stored judgement id an `indicator--…` id names; nil for anything else (then nothing matches it).
    public static func judgementID(ofIndicator id: String) -> String? {
        guard id.hasPrefix("indicator--") else { return nil }
        let uuid = String(id.dropFirst("indicator--".count))
        return isUUID(uuid) ? "judgement-" + uuid : nil
    }

    /// The producer's identity, derived from the producer's name so it is the same on every instance and restart.
    /// STIX wants UUIDv4 ids on SDOs (stix2-validator warns on v5), so the name's SHA-1 is laid out as a version 4 UUID.
    public static func identity(producerName: String) -> String {
        "identity--" + nameBasedUUID(namespace: namespace, name: "identity:" + producerName, version: 4)
    }

    /// Whether `id` is `type--uuid` with a STIX type name (lower-case letters, digits, `-`; 3–250 characters).
    public static func isWellFormed(_ id: String) -> Bool {
        guard let range = id.range(of: "--") else { return false }
        let type = id[..<range.lowerBound]
        let uuid = id[range.upperBound...]
        return (3...250).contains(type.utf8.count)
            && type.utf8.allSatisfy { (97...122).contains($0) || (48...57).contains($0) || $0 == 45 }
            && isUUID(String(uuid))
    }

    /// An RFC 4122 UUID in lower- or upper-case hex.
    static func isUUID(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 36 else { return false }
        for (index, byte) in bytes.enumerated() {
            if index == 8 || index == 13 || index == 18 || index == 23 {
                guard byte == UInt8(ascii: "-") else { return false }
            } else {
                guard (48...57).contains(byte) || (97...102).contains(byte) || (65...70).contains(byte) else { return false }
            }
        }
        return true
    }

    /// ThreatFeed's namespace for name-based ids (a fixed, random UUID).
    static let namespace: [UInt8] = [
        0x6b, 0x1f, 0x3a, 0x52, 0x9c, 0x0e, 0x4d, 0x8a, 0xb7, 0x21, 0x5e, 0x93, 0x0c, 0x44, 0xd2, 0x7f,
    ]

    /// RFC 4122 §4.3: SHA-1 of namespace and name, with the version bits given (5 for a true name-based UUID).
    static func nameBasedUUID(namespace: [UInt8], name: String, version: UInt8 = 5) -> String {
        var hasher = Insecure.SHA1()
        hasher.update(data: namespace)
        hasher.update(data: Array(name.utf8))
        var bytes = Array(hasher.finalize()).prefix(16).map { $0 }
        bytes[6] = (bytes[6] & 0x0F) | (version << 4)
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for (index, byte) in bytes.enumerated() {
            if index == 4 || index == 6 || index == 8 || index == 10 { text.append(UInt8(ascii: "-")) }
            text.append(hex[Int(byte >> 4)])
            text.append(hex[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
