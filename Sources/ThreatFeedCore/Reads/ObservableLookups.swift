import Foundation

/// What `POST /lookup` and the XDR relay read: `Store` gathers the facts in one snapshot, `MemoryObservableLookups`
/// (ThreatFeedTesting) holds them in memory; both answer through the same `ObservableLookup.report`.
public protocol ObservableLookups: Sendable {
    func lookup(_ subjects: [LookupSubject], now: Date) async throws -> LookupReport
}
