/// A setting of `NotificationConfiguration` that cannot work, naming the field so the
/// configuration loader can point at its own key.
public struct NotificationConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public let field: NotificationConfiguration.Field
    public let reason: String

    public init(field: NotificationConfiguration.Field, reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { "notifications: \(field.rawValue) \(reason)" }
}
