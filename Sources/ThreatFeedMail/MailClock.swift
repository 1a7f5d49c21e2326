import ThreatFeedCore

// The mail sender takes Core's one `WallClock`; these names stay so that branches written against them compile.
public typealias MailClock = WallClock
public typealias SystemMailClock = SystemClock
