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
}
