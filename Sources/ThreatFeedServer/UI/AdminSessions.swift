import Crypto
import Foundation
import ThreatFeedCore

/// The administrators' sessions of the pages under `/ui/`, kept in this process only.
///
/// A session id is 256 random bits, sent to the browser once in the cookie; the table keeps only its SHA-256, so a
/// memory dump or a log of the table shows no usable id. A session ends at logout, after `idleLimit` without a
/// request, or `absoluteLimit` after login, whichever comes first. A restart logs everyone out, which is the safe way
/// round. The table is bounded: beyond `capacity` the session used least recently gives way.
///
/// CSRF tokens are HMACs under a key that lives only in this process: the login form's token is bound to a random
/// nonce kept in a short-lived cookie, a logged-in form's token to the session. Nothing has to be stored for them.
public actor AdminSessions {
    public struct Session: Sendable {
        public let userID: String
        public let userName: String
        let created: Date
        var lastUsed: Date
        /// Hex SHA-256 of the session id, for the CSRF token of the session's forms.
        let idHash: String
    }

    public static let cookieName = "tf_session"
    public static let loginCookieName = "tf_login"

    let idleLimit: TimeInterval
    let absoluteLimit: TimeInterval
    let capacity: Int
    private let clock: @Sendable () -> Date
    private let key = SymmetricKey(size: .bits256)
    private var sessions: [String: Session] = [:]

    public init(
        clock: @escaping @Sendable () -> Date = { Date() }, idleLimit: TimeInterval = 30 * 60, absoluteLimit: TimeInterval = 8 * 3600,
        capacity: Int = 1_000
    ) {
        self.clock = clock
        self.idleLimit = idleLimit
        self.absoluteLimit = absoluteLimit
        self.capacity = max(1, capacity)
    }

    /// Starts a session; returns the id for the cookie (the only copy of it).
    func start(userID: String, userName: String) -> String {
        let id = Self.randomToken()
        let now = clock()
        removeExpired(now: now)
        if sessions.count >= capacity, let oldest = sessions.min(by: { $0.value.lastUsed < $1.value.lastUsed })?.key {
            sessions[oldest] = nil
        }
        let hash = Self.hash(id)
        sessions[hash] = Session(userID: userID, userName: userName, created: now, lastUsed: now, idHash: hash)
        return id
    }

    /// The live session with this id, its idle time restarted; nil when unknown or expired (and then forgotten).
    func session(id: String) -> Session? {
        guard Self.isWellFormed(id) else { return nil }
        let hash = Self.hash(id)
        guard var session = sessions[hash] else { return nil }
        let now = clock()
        guard !expired(session, now: now) else {
            sessions[hash] = nil
            return nil
        }
        session.lastUsed = now
        sessions[hash] = session
        return session
    }

    func end(id: String) {
        guard Self.isWellFormed(id) else { return }
        sessions[Self.hash(id)] = nil
    }

    var count: Int { sessions.count }

    // MARK: CSRF

    /// A fresh nonce for the login form's cookie, and the token its form carries.
    func loginChallenge() -> (nonce: String, token: String) {
        let nonce = Self.randomToken()
        return (nonce, token(for: "login:" + nonce))
    }

    func loginTokenMatches(nonce: String?, token: String?) -> Bool {
        guard let nonce, let token, Self.isWellFormed(nonce) else { return false }
        return ConstantTime.equals(Array(token.utf8), Array(self.token(for: "login:" + nonce).utf8))
    }

    /// The token the forms of a logged-in page carry (logout, reveal).
    func formToken(for session: Session) -> String { token(for: "session:" + session.idHash) }

    func formTokenMatches(_ token: String?, session: Session) -> Bool {
        guard let token else { return false }
        return ConstantTime.equals(Array(token.utf8), Array(formToken(for: session).utf8))
    }

    private func token(for purpose: String) -> String {
        Self.hex(HMAC<SHA256>.authenticationCode(for: Data(purpose.utf8), using: key))
    }

    // MARK: -

    private func expired(_ session: Session, now: Date) -> Bool {
        now.timeIntervalSince(session.lastUsed) >= idleLimit || now.timeIntervalSince(session.created) >= absoluteLimit
            || now < session.created  // the clock stepped back past the login: start over rather than trust it
    }

    private func removeExpired(now: Date) {
        sessions = sessions.filter { !expired($0.value, now: now) }
    }

    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return hex((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    /// 64 lowercase hex digits: anything else is refused before hashing.
    static func isWellFormed(_ id: String) -> Bool {
        id.utf8.count == 64 && id.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    static func hash(_ id: String) -> String { hex(SHA256.hash(data: Data(id.utf8))) }

    static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        bytes.map { String(format: "%02x", $0) }.joined()
    }
}
