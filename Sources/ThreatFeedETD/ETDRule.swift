import ThreatFeedCore

/// What one verdict publishes: which kinds, into which indicator, for how long.
public struct ETDRule: Sendable, Equatable {
    public static let defaultIndicator = EntityName.etdConvictions

    public var kinds: Set<ETDObservableKind>
    public var indicator: EntityName
    public var validFor: [ETDObservableKind: TimeSpan]

    public init(
        kinds: Set<ETDObservableKind> = Set(ETDObservableKind.allCases),
        indicator: EntityName = ETDRule.defaultIndicator,
        validFor: [ETDObservableKind: TimeSpan] = [:]
    ) {
        self.kinds = kinds
        self.indicator = indicator
        self.validFor = validFor
    }

    public func validFor(_ kind: ETDObservableKind) -> TimeSpan { validFor[kind] ?? kind.defaultValidFor }
}
