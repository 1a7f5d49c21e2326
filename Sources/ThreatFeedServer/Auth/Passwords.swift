import HummingbirdBcrypt

/// The rules for TAXII users' passwords and how they are kept: bcrypt, never the password.
public enum Passwords {
    /// bcrypt's work factor. 12 costs about a quarter of a second per check on these machines;
    /// the server remembers a verified password for a while (`CredentialVerifier`), so polls do not pay it each time.
    public static let cost: UInt8 = 12

    public struct Rejected: Error, CustomStringConvertible {
        public let description: String
    }

    /// Checks the rules, then hashes. bcrypt reads at most 72 bytes: a longer password would be silently cut, so it is refused.
    public static func hash(_ password: String, cost: UInt8 = cost) throws(Rejected) -> String {
        let length = password.utf8.count
        if length < 10 { throw Rejected(description: "the password is too short: use at least 10 characters") }
        if length > 72 { throw Rejected(description: "the password is too long: bcrypt uses at most 72 bytes") }
        if password.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw Rejected(description: "the password contains a control character")
        }
        // The gateway sends credentials as HTTP Basic "user:password": a colon in the user name would split wrongly,
        // but one in the password is fine.
        return Bcrypt.hash(password, cost: cost)
    }

    public static func verify(_ password: String, hash: String) -> Bool {
        Bcrypt.verify(password, hash: hash)
    }
}
