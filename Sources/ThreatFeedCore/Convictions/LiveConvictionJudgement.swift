/// A live judgement the ETD poller made, with the sender context of each live conviction backing
/// it: what the poller re-judges when the policy files change, so that an allowlist entry added
/// later ends the judgement at the next poll instead of at the end of its valid time.
public struct LiveConvictionJudgement: Sendable, Equatable {
    /// The store's id of the judgement (opaque outside the store).
    public var id: Int64
    public var observable: Observable
    public var contexts: [SenderContext]

    public init(id: Int64, observable: Observable, contexts: [SenderContext]) {
        self.id = id
        self.observable = observable
        self.contexts = contexts
    }
}

/// A live judgement the current policy would no longer publish, and why.
public struct PolicyEnding: Sendable, Equatable {
    public var judgementID: Int64
    public var observable: Observable
    public var reason: HoldBackReason

    public init(judgementID: Int64, observable: Observable, reason: HoldBackReason) {
        self.judgementID = judgementID
        self.observable = observable
        self.reason = reason
    }
}
