import Foundation

/// Where the ETD poller keeps what it did. Declared here so that the poller needs no SQLite;
/// `Store` implements it (ThreatFeedStore/ETD).
public protocol ConvictionLedger: Sendable {
    /// Which of `keys` were already processed (and not cleared since).
    func processedKeys(among keys: [ConvictionKey]) async throws -> Set<ConvictionKey>
    /// Which of `messageIDs` back at least one live conviction (candidates for clearing).
    func convictedMessageIDs(among messageIDs: [String]) async throws -> Set<String>
    /// Writes the page's judgements, marks its keys processed and adds to the counters, atomically.
    func commit(_ page: ConvictionPage) async throws -> ConvictionPageOutcome
    func pollStatus() async throws -> ETDPollStatus
    func recordAttempt(at time: Date) async throws
    func recordSuccess(at time: Date, windowEnd: Date) async throws
    func recordFailure(at time: Date, error: String) async throws
}
