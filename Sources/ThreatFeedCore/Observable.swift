/// One thing that can be judged: a `(type, value)` pair whose value is normalised.
///
/// Values are only ever created by parsing (`init(parsing:as:)`), which validates and
/// normalises, or by the store reading back what parsing produced (`init(normalisedType:value:)`).
public struct Observable: Hashable, Sendable, Codable, CustomStringConvertible {
    public let type: ObservableType
    public let value: String

    /// Validates and normalises `raw`. With `type` nil the type is detected from the value.
    public init(parsing raw: String, as type: ObservableType? = nil) throws(ObservableError) {
        let (detected, value) = try ObservableNormalizer.normalize(raw, as: type)
        self.type = detected
        self.value = value
    }

    /// For values that already went through `init(parsing:as:)`, e.g. read back from the store.
    public init(normalisedType type: ObservableType, value: String) {
        self.type = type
        self.value = value
    }

    public var description: String { "\(type.rawValue):\(value)" }
}
