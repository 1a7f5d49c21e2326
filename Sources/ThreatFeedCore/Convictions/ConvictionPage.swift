import Foundation

/// What one page of ETD search results turns into, written by the ledger in ONE transaction:
/// the judgements, the keys marked processed and the counters move together, so a crash at any
/// point either keeps all of a page or none of it (and the next run redoes it).
public struct ConvictionPage: Sendable {
    /// A conviction not processed before, with what it yields.
    public struct Conviction: Sendable {
        public var key: ConvictionKey
        public var messageTime: Date
        /// Judgements to record, each with the indicator it belongs to (by name).
        public var judgements: [(indicator: EntityName, judgement: Judgement)]
        public var heldBack: [HoldBackReason: Int]
        /// The valid values among `heldBack`, each with its reason, kept so a lookup can show them.
        public var heldBackObservables: [HeldBackObservable]
        /// The message as ETD described it, stored in the same transaction (for actions on convictions).
        public var details: ConvictionDetails

        public init(
            key: ConvictionKey, messageTime: Date, judgements: [(indicator: EntityName, judgement: Judgement)], heldBack: [HoldBackReason: Int],
            details: ConvictionDetails = ConvictionDetails(), heldBackObservables: [HeldBackObservable] = []
        ) {
            self.key = key
            self.messageTime = messageTime
            self.judgements = judgements
            self.heldBack = heldBack
            self.details = details
            self.heldBackObservables = heldBackObservables
        }
    }

    public var convictions: [Conviction]
    /// Messages now classified as not a threat: the judgements derived from them end now,
    /// unless another live conviction still backs them.
    public var clearedMessageIDs: [String]

    public init(convictions: [Conviction] = [], clearedMessageIDs: [String] = []) {
        self.convictions = convictions
        self.clearedMessageIDs = clearedMessageIDs
    }
}

/// A value the safety policy kept out of the feeds, and why.
public struct HeldBackObservable: Sendable, Hashable {
    public var observable: Observable
    public var reason: HoldBackReason

    public init(observable: Observable, reason: HoldBackReason) {
        self.observable = observable
        self.reason = reason
    }
}

/// What committing a page changed.
public struct ConvictionPageOutcome: Sendable, Equatable {
    public var convictions = 0
    public var created = 0
    public var refreshed = 0
    public var ended = 0
    public var heldBack: [HoldBackReason: Int] = [:]

    public init() {}
}
