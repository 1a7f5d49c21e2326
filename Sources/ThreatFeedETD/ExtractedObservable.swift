import ThreatFeedCore

/// A value taken from a message, with the kind it was taken as (which decides its rule and valid-for).
public struct ExtractedObservable: Hashable, Sendable {
    public var kind: ETDObservableKind
    public var observable: Observable

    public init(kind: ETDObservableKind, observable: Observable) {
        self.kind = kind
        self.observable = observable
    }
}
