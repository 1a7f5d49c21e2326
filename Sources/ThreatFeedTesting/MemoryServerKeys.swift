import Foundation
import Synchronization
import ThreatFeedCore

/// `ServerKeys` in memory, for handler tests: a key is made on first use and kept for this object's life.
public final class MemoryServerKeys: ServerKeys {
    private let keys = Mutex<[String: [UInt8]]>([:])

    public init() {}

    public func serverKey(named name: String) async throws -> [UInt8] {
        keys.withLock { keys in
            if let key = keys[name] { return key }
            var generator = SystemRandomNumberGenerator()
            let key = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            keys[name] = key
            return key
        }
    }
}
