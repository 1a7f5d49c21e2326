import Foundation

/// The record of who polls which feed, the one thing the HTTP server writes (`PollRecorder` saves it every few
/// seconds): `Store` implements it, `MemoryClientRecords` (ThreatFeedTesting) is an in-memory one for handler tests.
public protocol ClientRecords: Sendable {
    /// Saves polls (merged into the rows of the same feed and client), request samples (at most `perClient` per
    /// client) and per-hour counts in one transaction; at most `maxClients` client addresses are kept. Returns how
    /// many polls were left out for that limit.
    func saveClientRecords(
        _ polls: [ClientPoll], samples: [RequestSample], hours: [(feed: String, count: ClientHourCount)], perClient: Int, maxClients: Int
    ) async throws -> Int
    /// A page of the saved polls (most recent first), the samples of the clients on it, and the number of rows in all.
    func clientRecords(limit: Int, offset: Int) async throws -> (polls: [ClientPoll], samples: [RequestSample], total: Int)
}
