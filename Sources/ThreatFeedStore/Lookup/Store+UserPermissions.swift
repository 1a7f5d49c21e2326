import Foundation
import GRDB
import ThreatFeedCore

extension StoreWriter {
    /// Gives the user a permission. False when it already had it.
    @discardableResult
    public func allow(_ permission: UserPermission, toUser name: EntityName) throws -> Bool {
        guard let user = try reader.user(named: name) else { throw StoreError.unknownUser(name.value) }
        try db.execute(
            sql: "INSERT OR IGNORE INTO user_permission (user_id, permission, created) VALUES (?, ?, ?)",
            arguments: [user.id, permission.rawValue, micros(now)]
        )
        return db.changesCount > 0
    }

    /// Takes a permission away. False when the user did not have it.
    @discardableResult
    public func disallow(_ permission: UserPermission, fromUser name: EntityName) throws -> Bool {
        guard let user = try reader.user(named: name) else { throw StoreError.unknownUser(name.value) }
        try db.execute(sql: "DELETE FROM user_permission WHERE user_id = ? AND permission = ?", arguments: [user.id, permission.rawValue])
        return db.changesCount > 0
    }
}

extension StoreReader {
    public func userHas(_ permission: UserPermission, userID: String) throws -> Bool {
        try Bool.fetchOne(
            try db.cachedStatement(sql: "SELECT 1 FROM user_permission WHERE user_id = ? AND permission = ?"),
            arguments: [userID, permission.rawValue]
        ) ?? false
    }
}
