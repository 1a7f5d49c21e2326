/// `Record_Count` of a Poll_Response: how many blocks match the whole poll.
public struct TAXIIRecordCount: Sendable, Hashable {
    public var count: Int
    /// True when `count` is a lower bound only.
    public var isPartial: Bool

    public init(_ count: Int, isPartial: Bool = false) {
        self.count = count
        self.isPartial = isPartial
    }
}
