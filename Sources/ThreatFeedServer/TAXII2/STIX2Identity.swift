import Crypto

/// The producer's STIX 2.1 `identity--…` id, derived from the producer's name so that it is the same on every
/// instance and after every restart.
public enum STIX2Identity {
    /// STIX wants UUIDv4 ids on SDOs (stix2-validator warns on v5), so the name's SHA-1 (RFC 4122 §4.3, under
    /// ThreatFeed's namespace) is laid out as a version 4 UUID.
    public static func id(producerName: String) -> String {
        "identity--" + nameBasedUUID(name: "identity:" + producerName, version: 4)
    }

    /// ThreatFeed's namespace for name-based ids (a fixed, random UUID).
    static let namespace: [UInt8] = [
        0x6b, 0x1f, 0x3a, 0x52, 0x9c, 0x0e, 0x4d, 0x8a, 0xb7, 0x21, 0x5e, 0x93, 0x0c, 0x44, 0xd2, 0x7f,
    ]

    static func nameBasedUUID(name: String, version: UInt8) -> String {
        var hasher = Insecure.SHA1()
        hasher.update(data: namespace)
        hasher.update(data: Array(name.utf8))
        var bytes = Array(hasher.finalize().prefix(16))
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
