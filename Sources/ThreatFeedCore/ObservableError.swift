/// Why a value was refused as an observable. `description` is the precise reason shown to the user.
public struct ObservableError: Error, Equatable, Sendable, CustomStringConvertible {
    public let reason: String

    public init(_ reason: String) { self.reason = reason }

    public var description: String { reason }
}
