import Foundation
import ThreatFeedCore

extension Store: UserRecords {
    /// On the request's thread: every poll with Basic credentials reads its user (`readOnCallersThread`).
    public func user(named name: EntityName) async throws -> User? {
        try readOnCallersThread { try $0.user(named: name) }
    }

    public func userHas(_ permission: UserPermission, userID: String) async throws -> Bool {
        try await read { try $0.userHas(permission, userID: userID) }
    }
}
