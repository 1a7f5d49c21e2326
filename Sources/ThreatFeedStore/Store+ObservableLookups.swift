import ThreatFeedCore

// `lookup(_:now:)` is in Lookup/Store+Lookup.swift.
extension Store: ObservableLookups {}
