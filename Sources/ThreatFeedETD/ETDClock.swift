import ThreatFeedCore

// The ETD client and poller take Core's one `WallClock`; these names stay so that branches written against them compile.
public typealias ETDClock = WallClock
public typealias SystemETDClock = SystemClock
