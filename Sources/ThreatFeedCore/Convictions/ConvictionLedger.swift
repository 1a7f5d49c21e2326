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
    /// Live judgements the ETD poller made, with the contexts of the convictions backing them.
    func liveConvictionJudgements() async throws -> [LiveConvictionJudgement]
    /// Ends these judgements now (new labels, so pollers see them go) and records why with the
    /// values of their convictions (`etd held-back`), atomically. Returns how many ended.
    func endJudgements(_ endings: [PolicyEnding]) async throws -> Int
    func pollStatus() async throws -> ETDPollStatus
    func recordAttempt(at time: Date) async throws
    func recordSuccess(at time: Date, windowEnd: Date) async throws
    func recordFailure(at time: Date, error: String) async throws
}
