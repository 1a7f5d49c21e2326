import Foundation
import Synchronization
import ThreatFeedCore

/// `UserRecords` in memory, for handler tests: users (with their bcrypt hashes) and their permissions.
public final class MemoryUsers: UserRecords {
    private struct State {
        var users: [String: User] = [:]
        var permissions: Set<String> = []
    }
    private let state = Mutex(State())

    public init() {}

    public func add(_ user: User, permissions: [UserPermission] = []) {
        state.withLock { state in
            state.users[user.name.value] = user
            for permission in permissions { state.permissions.insert(user.id + "\u{0}" + permission.rawValue) }
        }
    }

    public func user(named name: EntityName) async throws -> User? { state.withLock { $0.users[name.value] } }

    public func userHas(_ permission: UserPermission, userID: String) async throws -> Bool {
        state.withLock { $0.permissions.contains(userID + "\u{0}" + permission.rawValue) }
    }
}
