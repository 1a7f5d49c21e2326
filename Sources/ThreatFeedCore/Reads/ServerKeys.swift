import Foundation

/// Keys this server keeps for itself (the TAXII 2.1 cursor-signing key), made on first use and kept across restarts:
/// `Store` implements it, `MemoryServerKeys` (ThreatFeedTesting) is an in-memory one.
public protocol ServerKeys: Sendable {
    /// The key's bytes, made (32 random bytes) when there is none yet.
    func serverKey(named name: String) async throws -> [UInt8]
}
