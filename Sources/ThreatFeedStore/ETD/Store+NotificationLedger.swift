import ThreatFeedCore

/// The notification service writes through the Core protocol; the methods are in Store+Notifications.swift.
extension Store: NotificationLedger {}
