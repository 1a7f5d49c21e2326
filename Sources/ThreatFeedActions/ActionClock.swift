import ThreatFeedCore

// The action runners take Core's one `WallClock`; these names stay so that branches written against them compile.
public typealias ActionClock = WallClock
public typealias SystemActionClock = SystemClock
