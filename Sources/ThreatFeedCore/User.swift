import Foundation

/// A TAXII poller's account: HTTP Basic credentials that feeds can be granted to.
///
/// Only the bcrypt hash of the password is kept; `description` never shows it.
public struct User: Hashable, Sendable, CustomStringConvertible {
    /// `user-<uuid>`.
    public var id: String
    public var name: EntityName
    /// `$2b$…` bcrypt hash.
    public var passwordHash: String
    public var created: Date

    public init(id: String = EntityID.make("user"), name: EntityName, passwordHash: String, created: Date) {
        self.id = id
        self.name = name
        self.passwordHash = passwordHash
        self.created = created
    }

    public var description: String { "User(\(name.value))" }
}
