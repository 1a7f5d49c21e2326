import Crypto
import Foundation
import ThreatFeedCore

/// The `next` of a TAXII 2.1 page: where the page ended (date added and object id), signed with a key kept in the
/// database. It needs no server state, so it survives restarts and works on any server sharing the database;
/// a cursor that was altered, or written for another collection, is refused (400).
struct TAXII2Cursor: Sendable, Equatable {
    let dateAdded: TimestampLabel
    let objectID: String

    private static let format: UInt8 = 1
    private static let macBytes = 32

    func token(collection: String, key: SymmetricKey) -> String {
        var payload: [UInt8] = [Self.format]
        withUnsafeBytes(of: dateAdded.microseconds.bigEndian) { payload += $0 }
        payload += Array(objectID.utf8)
        let mac = Self.mac(payload, collection: collection, key: key)
        return Self.base64URL(payload + mac)
    }

    /// The cursor `token` stands for, or nil when it was not written by us for `collection`.
    static func decode(_ token: String, collection: String, key: SymmetricKey) -> TAXII2Cursor? {
        guard let bytes = fromBase64URL(token), bytes.count > 1 + 8 + macBytes, bytes.count <= 1 + 8 + 260 + macBytes else { return nil }
        let payload = Array(bytes.dropLast(macBytes))
        let mac = Array(bytes.suffix(macBytes))
        guard HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: collectionBytes(collection) + payload, using: key),
            payload[0] == format
        else { return nil }
        var micros: Int64 = 0
        for byte in payload[1..<9] { micros = micros << 8 | Int64(byte) }
        guard let id = String(validating: payload[9...], as: UTF8.self) else { return nil }
        return TAXII2Cursor(dateAdded: TimestampLabel(microseconds: micros), objectID: id)
    }

    private static func mac(_ payload: [UInt8], collection: String, key: SymmetricKey) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: collectionBytes(collection) + payload, using: key))
    }

    private static func collectionBytes(_ collection: String) -> [UInt8] { Array(collection.utf8) + [0] }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func fromBase64URL(_ text: String) -> [UInt8]? {
        guard text.utf8.allSatisfy({ (65...90).contains($0) || (97...122).contains($0) || (48...57).contains($0) || $0 == 45 || $0 == 95 })
        else { return nil }
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while standard.utf8.count % 4 != 0 { standard += "=" }
        return Data(base64Encoded: standard).map { Array($0) }
    }
}

/// The cursor-signing key, read from (or made in) the database once per process.
actor TAXII2CursorKey {
    static let name = "taxii2-cursor"
    private let store: any ServerKeys
    private var cached: [UInt8]?

    init(store: any ServerKeys) { self.store = store }

    /// The key's bytes (`SymmetricKey` is not `Sendable`, so each request makes its own from them).
    func bytes() async throws -> [UInt8] {
        if let cached { return cached }
        let key = try await store.serverKey(named: Self.name)
        cached = key
        return key
    }
}
