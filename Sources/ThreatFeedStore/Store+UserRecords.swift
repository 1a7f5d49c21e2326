import Foundation
import ThreatFeedCore

extension Store: UserRecords {
    public func user(named name: EntityName) async throws -> User? {
        try await read { try $0.user(named: name) }
    }

    public func userHas(_ permission: UserPermission, userID: String) async throws -> Bool {
        try await read { try $0.userHas(permission, userID: userID) }
    }
}
