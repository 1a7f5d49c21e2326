/// What one notification cycle did.
public enum NotificationOutcome: Sendable, Equatable {
    /// No conviction matched the filter; nothing was composed.
    case nothingMatched
    /// One message went out listing these convictions.
    case sent(ComposedNotification, delivery: NotificationSender.Delivery)
    /// Dry run: the message that would have gone out, logged and not sent.
    case dryRun(ComposedNotification)

    /// ETD message ids the administrator has now been told about (none for a dry run), for the
    /// caller to record so that no conviction is reported twice.
    public var notifiedMessageIDs: [String] {
        if case .sent(let notification, _) = self { return notification.listedMessageIDs }
        return []
    }
}
