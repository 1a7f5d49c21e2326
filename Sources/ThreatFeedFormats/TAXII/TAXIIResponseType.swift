/// `Response_Type` of `Poll_Parameters`.
public enum TAXIIResponseType: String, Sendable, Hashable, CaseIterable {
    /// The content blocks themselves (the default).
    case full = "FULL"
    /// Only `Record_Count`.
    case countOnly = "COUNT_ONLY"
}
