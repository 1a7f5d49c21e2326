import Crypto
import Foundation
import NIOPosix
import ThreatFeedCore
import ThreatFeedStore

/// Checks TAXII pollers' Basic credentials against the stored bcrypt hashes.
///
/// bcrypt is slow on purpose (about 250 ms at cost 12), and a gateway sends its credentials with every
/// Poll_Request of a burst. A success is therefore remembered for a few minutes as an HMAC of the password
/// under a key that lives only in this process — never the password itself — and tied to the stored hash,
/// so `user password` or `user remove` take effect at the next request.
public actor CredentialVerifier {
    private struct Remembered {
        let passwordHash: String
        let mac: HashedAuthenticationCode<SHA256>
        let until: ContinuousClock.Instant
    }

    private let store: Store
    private let rememberFor: Duration
    private let key = SymmetricKey(size: .bits256)
    private var remembered: [String: Remembered] = [:]
    /// A valid hash to verify against when the user does not exist, so that an unknown name takes as long as a wrong password.
    private let decoy: String

    public init(store: Store, rememberFor: Duration = .seconds(300)) {
        self.store = store
        self.rememberFor = rememberFor
        self.decoy = (try? Passwords.hash(RandomUUID.v4(), cost: Passwords.cost)) ?? ""
    }

    /// The user the credentials belong to, or nil if the name is unknown or the password wrong.
    func authenticate(_ credentials: BasicCredentials) async throws -> User? {
        guard let name = try? EntityName(credentials.user) else {
            _ = try await bcryptVerify(credentials.password, hash: decoy)
            return nil
        }
        let user = try await store.read { try $0.user(named: name) }
        let mac = HMAC<SHA256>.authenticationCode(for: Data(credentials.password.utf8), using: key)
        if let user, let entry = remembered[user.name.value], entry.passwordHash == user.passwordHash,
            entry.until > .now, entry.mac == mac  // HashedAuthenticationCode compares in constant time
        {
            return user
        }
        let valid = try await bcryptVerify(credentials.password, hash: user?.passwordHash ?? decoy)
        guard let user, valid else { return nil }
        remembered[user.name.value] = Remembered(passwordHash: user.passwordHash, mac: mac, until: .now + rememberFor)
        return user
    }

    /// Off the cooperative pool: a quarter second of CPU must not stall other requests' tasks.
    private func bcryptVerify(_ password: String, hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Passwords.verify(password, hash: hash) }
    }
}
