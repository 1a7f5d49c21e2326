import Foundation

/// When a judgement (or a feed) applies. `end == nil` means open-ended.
///
/// Coverage follows CTIM's `valid-now?`: both bounds are inclusive.
public struct ValidTime: Hashable, Sendable, Codable {
    public var start: Date
    public var end: Date?

    public init(start: Date, end: Date? = nil) {
        self.start = start
        self.end = end
    }

    /// Starts at `start` and lasts `span`.
    public init(start: Date, lasting span: TimeSpan) {
        self.init(start: start, end: start.addingTimeInterval(span.seconds))
    }

    public func covers(_ instant: Date) -> Bool {
        guard start <= instant else { return false }
        guard let end else { return true }
        return instant <= end
    }
}
