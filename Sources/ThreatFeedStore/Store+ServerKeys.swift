import ThreatFeedCore

// `serverKey(named:)` is in TAXII2/Store+ServerKey.swift.
extension Store: ServerKeys {}
