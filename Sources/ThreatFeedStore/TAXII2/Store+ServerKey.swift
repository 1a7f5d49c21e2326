import Foundation
import GRDB

extension Store {
    /// A random 256-bit key kept in the database under `name`, made on first use. Every process on the same
    /// database gets the same key (the first writer wins), and it survives restarts and backups.
    public func serverKey(named name: String) async throws(StoreError) -> [UInt8] {
        if let existing = try await read({ try $0.serverKey(named: name) }) { return existing }
        var generator = SystemRandomNumberGenerator()  // getrandom(2) on Linux
        let fresh = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        do {
            return try await pool.write { db in
                try db.execute(sql: "INSERT OR IGNORE INTO server_key (name, key) VALUES (?, ?)", arguments: [name, Data(fresh)])
                return try Data.fetchOne(db, sql: "SELECT key FROM server_key WHERE name = ?", arguments: [name]).map { Array($0) } ?? fresh
            }
        } catch {
            throw Store.translate(error, path: path)
        }
    }
}
