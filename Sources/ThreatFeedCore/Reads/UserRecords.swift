import Foundation

/// Users as the HTTP handlers read them (credential checks, the lookup permission): `Store` implements it,
/// `MemoryUsers` (ThreatFeedTesting) is an in-memory one for handler tests.
public protocol UserRecords: Sendable {
    func user(named name: EntityName) async throws -> User?
    func userHas(_ permission: UserPermission, userID: String) async throws -> Bool
}
