import Foundation

/// "Is my gateway polling?": the last poll of one feed by one client address, and how it went.
public struct ClientPoll: Hashable, Sendable {
    /// How the client asked.
    public enum Kind: String, Sendable, CaseIterable {
        case ctiaJSON = "ctia-json"
        case ctiaText = "ctia-text"
        case taxii
        /// TAXII 2.1 objects or manifest reads (SIEMs and TIPs).
        case taxii2
    }

    /// How it ended, in words an administrator can act on.
    public enum Outcome: String, Sendable, CaseIterable {
        case served
        case notModified = "not-modified"
        case wrongSecret = "wrong-secret"
        case unauthorized
        case notFound = "not-found"
        case refused
    }

    /// The feed's name, or `-` when the request named no feed we know.
    public var feed: String
    public var client: String
    public var kind: Kind
    public var outcome: Outcome
    /// Observables (or TAXII blocks) in the last answer that served any.
    public var served: Int?
    public var firstSeen: Date
    public var lastSeen: Date
    public var polls: Int
    public var failures: Int

    public init(
        feed: String, client: String, kind: Kind, outcome: Outcome, served: Int?, firstSeen: Date, lastSeen: Date, polls: Int,
        failures: Int
    ) {
        self.feed = feed
        self.client = client
        self.kind = kind
        self.outcome = outcome
        self.served = served
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.polls = polls
        self.failures = failures
    }

    public var succeeded: Bool { outcome == .served || outcome == .notModified }
}

/// One of the first requests of a client never seen before, kept to learn exactly what a gateway sends.
/// Credentials are removed before it is made: no `Authorization` or `Cookie` header, no `s=` value.
public struct RequestSample: Hashable, Sendable {
    public var client: String
    public var at: Date
    public var method: String
    /// Path and query, with secrets masked.
    public var target: String
    /// `Name: value` lines.
    public var headers: [String]
    /// The first bytes of the body, as text.
    public var bodyPrefix: String

    public init(client: String, at: Date, method: String, target: String, headers: [String], bodyPrefix: String) {
        self.client = client
        self.at = at
        self.method = method
        self.target = target
        self.headers = headers
        self.bodyPrefix = bodyPrefix
    }
}
