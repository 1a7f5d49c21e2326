import Foundation
import ThreatFeedCore

/// The poller's ledger inside `serve`: the store, raising `.pageCommitted` once a page's transaction has committed,
/// so the actions start on what it stored (and never on a page that rolled back).
struct SignallingConvictionLedger: ConvictionLedger {
    let base: any ConvictionLedger
    let signal: ConvictionSignal

    func commit(_ page: ConvictionPage) async throws -> ConvictionPageOutcome {
        let outcome = try await base.commit(page)
        signal.raise(.pageCommitted)
        return outcome
    }

    func processedKeys(among keys: [ConvictionKey]) async throws -> Set<ConvictionKey> { try await base.processedKeys(among: keys) }
    func convictedMessageIDs(among messageIDs: [String]) async throws -> Set<String> { try await base.convictedMessageIDs(among: messageIDs) }
    func liveConvictionJudgements() async throws -> [LiveConvictionJudgement] { try await base.liveConvictionJudgements() }
    func endJudgements(_ endings: [PolicyEnding]) async throws -> Int { try await base.endJudgements(endings) }
    func pollStatus() async throws -> ETDPollStatus { try await base.pollStatus() }
    func recordAttempt(at time: Date) async throws { try await base.recordAttempt(at: time) }
    func recordSuccess(at time: Date, windowEnd: Date) async throws { try await base.recordSuccess(at: time, windowEnd: windowEnd) }
    func recordFailure(at time: Date, error: String) async throws { try await base.recordFailure(at: time, error: error) }
}
