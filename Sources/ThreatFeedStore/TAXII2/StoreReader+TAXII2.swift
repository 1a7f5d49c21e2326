import Foundation
import GRDB
import ThreatFeedCore

extension StoreReader {
    /// A key made by `Store.serverKey(named:)`, if it exists yet.
    public func serverKey(named name: String) throws -> [UInt8]? {
        try Data.fetchOne(db, sql: "SELECT key FROM server_key WHERE name = ?", arguments: [name]).map { Array($0) }
    }
}
