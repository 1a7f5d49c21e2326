import Foundation

/// An AsyncOS (SMA or ESA) API account. Printing it never shows the passphrase.
public struct AsyncOSCredentials: Sendable, CustomStringConvertible {
    public var username: String
    public var passphrase: String

    public init(username: String, passphrase: String) {
        self.username = username
        self.passphrase = passphrase
    }

    public var description: String { "\(username) [passphrase redacted]" }

    /// What must never appear in a log, an error or the database: the passphrase as typed and as sent.
    var secrets: [String] {
        [passphrase, Data(passphrase.utf8).base64EncodedString()].filter { !$0.isEmpty }
    }
}
