import Foundation
import ThreatFeedCore

extension Store: UserRecords {
    /// On the caller's thread (`readNow`): one row by its unique name, cheaper than the thread hops of an async read,
    /// and asked with every Basic-authenticated request.
    public func user(named name: EntityName) async throws -> User? {
        try readNow { try $0.user(named: name) }
    }

    public func userHas(_ permission: UserPermission, userID: String) async throws -> Bool {
        try await read { try $0.userHas(permission, userID: userID) }
    }
}
