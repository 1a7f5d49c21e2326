import Crypto
import Foundation
import NIOPosix
import ThreatFeedCore

/// Checks TAXII pollers' Basic credentials against the stored bcrypt hashes.
///
/// bcrypt is slow on purpose (about 250 ms at cost 12), and a gateway sends its credentials with every
/// Poll_Request of a burst. A success is therefore remembered for a few minutes as an HMAC of the password
/// under a key that lives only in this process — never the password itself — and tied to the stored hash,
/// so `user password` or `user remove` take effect at the next request.
///
/// Anyone can make us run bcrypt, so it is rationed: at most one check per core but one at once
/// (`PasswordCheckPermits`), and an address that keeps sending wrong passwords is refused without a check for a
/// while (`FailedLoginTable`) — even a correct, remembered password, or the back-off would be a free guessing oracle.
public actor CredentialVerifier {
    /// How a check ended.
    enum Outcome: Sendable {
        case verified(User)
        case wrong
        /// Refused without a check: the address is backing off until then.
        case backingOff(until: Date)
        /// Refused without a check: too many checks are waiting already.
        case busy
    }

    private struct Remembered {
        let passwordHash: String
        let mac: HashedAuthenticationCode<SHA256>
        let until: ContinuousClock.Instant
    }

    private let store: any UserRecords
    private let rememberFor: Duration
    private let key = SymmetricKey(size: .bits256)
    private var remembered: [String: Remembered] = [:]
    /// A valid hash to verify against when the user does not exist, so that an unknown name takes as long as a wrong password.
    private let decoy: String
    private let clock: @Sendable () -> Date
    private let metrics: ServerMetrics?
    private let permits: PasswordCheckPermits
    private var failures: FailedLoginTable
    private let refusalDelay: Duration

    public init(
        store: any UserRecords, rememberFor: Duration = .seconds(300), clock: @escaping @Sendable () -> Date = { Date() },
        metrics: ServerMetrics? = nil, concurrentChecks: Int = CredentialVerifier.defaultConcurrentChecks,
        refusalDelay: Duration = .seconds(1)
    ) {
        self.init(
            store: store, rememberFor: rememberFor, clock: clock, metrics: metrics, concurrentChecks: concurrentChecks, policy: .init(),
            refusalDelay: refusalDelay
        )
    }

    init(
        store: any UserRecords, rememberFor: Duration = .seconds(300), clock: @escaping @Sendable () -> Date, metrics: ServerMetrics?,
        concurrentChecks: Int, policy: FailedLoginTable.Policy, refusalDelay: Duration = .seconds(1)
    ) {
        self.refusalDelay = refusalDelay
        self.store = store
        self.rememberFor = rememberFor
        self.clock = clock
        self.metrics = metrics
        self.permits = PasswordCheckPermits(limit: concurrentChecks, maxWaiting: 16 * max(1, concurrentChecks))
        self.failures = FailedLoginTable(policy: policy)
        self.decoy = (try? Passwords.hash(RandomUUID.v4(), cost: Passwords.cost)) ?? ""
    }

    /// One check per core but one, at least one: a core is always left to serve the gateways' polls.
    public static var defaultConcurrentChecks: Int { max(1, ProcessInfo.processInfo.activeProcessorCount - 1) }

    /// Whether `credentials`, sent from `address`, belong to a user.
    func authenticate(_ credentials: BasicCredentials, from address: String) async throws -> Outcome {
        if let until = failures.blockedUntil(address, now: clock()) {
            metrics?.passwordCheck("backing_off")
            // Answered late: a refusal costs almost nothing, but answered at once it lets one address flood the
            // server (Benchmarks/RESULTS.md: the honest poller fell to 40%); held back a second, each of the
            // attacker's connections gets one answer a second. The wait holds no thread and no bcrypt permit.
            try? await Task.sleep(for: refusalDelay)
            return .backingOff(until: until)
        }
        var user: User?
        if let name = try? EntityName(credentials.user) { user = try await store.user(named: name) }
        let mac = HMAC<SHA256>.authenticationCode(for: Data(credentials.password.utf8), using: key)
        if let user, let entry = remembered[user.name.value], entry.passwordHash == user.passwordHash,
            entry.until > .now, entry.mac == mac  // HashedAuthenticationCode compares in constant time
        {
            metrics?.passwordCheck("remembered")
            failures.recordSuccess(address)
            return .verified(user)
        }
        let hash = user?.passwordHash ?? decoy
        let password = credentials.password
        guard let valid = try await permits.withPermit({ try await Self.bcryptVerify(password, hash: hash) }) else {
            metrics?.passwordCheck("busy")
            return .busy
        }
        guard let user, valid else {
            metrics?.passwordCheck("wrong")
            if let until = failures.recordFailure(address, now: clock()) { return .backingOff(until: until) }
            return .wrong
        }
        metrics?.passwordCheck("verified")
        failures.recordSuccess(address)
        remembered[user.name.value] = Remembered(passwordHash: user.passwordHash, mac: mac, until: .now + rememberFor)
        return .verified(user)
    }

    /// Addresses in the failure table (bounded by its capacity), for tests.
    var trackedAddresses: Int { failures.count }

    /// Off the cooperative pool: a quarter second of CPU must not stall other requests' tasks.
    private static func bcryptVerify(_ password: String, hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Passwords.verify(password, hash: hash) }
    }
}
