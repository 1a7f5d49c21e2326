import Foundation
import Logging
import ThreatFeedCore

/// One poll cycle at a time: search the window, turn new convictions into judgements, end
/// judgements of messages ETD cleared, and record progress.
///
/// Crash safety: each page is committed in one ledger transaction (judgements + processed keys
/// + counters), and the window's end is recorded only after the last page. A crash at any point
/// therefore leaves whole pages; the next cycle searches from the last completed window's end
/// minus the look-back, skips the keys already processed and redoes the rest. Nothing is lost,
/// nothing is counted twice.
public actor ETDPoller {
    /// ETD refuses windows longer than 32 days and starts older than 90 days.
    static let maxWindow = 32.0 * 86_400 - 60
    static let maxAge = 90.0 * 86_400 - 3_600

    private let client: ETDClient
    private let ledger: any ConvictionLedger
    private var extractor: ConvictionExtractor
    private let clock: any WallClock
    private let logger: Logger
    /// When the clearing scan last completed in this process.
    private var lastClearingScan: Date?
    /// Reads the safety policy files again at the start of each cycle (nil: the extractor's policy stays).
    private let policySource: (@Sendable () throws -> SafetyPolicy)?
    /// The policy the live judgements were last re-judged under in this process (nil: not yet).
    private var reviewedPolicy: SafetyPolicy?

    /// `policySource`, when given, is read at the start of every cycle: an allowlist entry (or any list change)
    /// applies from the next cycle on, to new convictions and to the live judgements, without a restart. A file
    /// that no longer reads fails the cycle with its FILE:LINE, and nothing is published until it is fixed.
    public init(
        client: ETDClient, ledger: any ConvictionLedger, extractor: ConvictionExtractor, clock: any WallClock, logger: Logger,
        policySource: (@Sendable () throws -> SafetyPolicy)? = nil
    ) {
        self.client = client
        self.ledger = ledger
        self.extractor = extractor
        self.clock = clock
        self.logger = logger
        self.policySource = policySource
    }

    /// What one cycle did.
    public struct CycleReport: Sendable, Equatable {
        public var windowStart: Date
        public var windowEnd: Date
        public var outcome = ConvictionPageOutcome()
    }

    /// Runs one full cycle; on failure the error is recorded (consecutive failures, last error) and rethrown.
    @discardableResult
    public func runCycle() async throws -> CycleReport {
        let started = clock.now()
        try await ledger.recordAttempt(at: started)
        do {
            let report = try await cycle(now: started)
            try await ledger.recordSuccess(at: clock.now(), windowEnd: report.windowEnd)
            logger.info(
                "ETD poll cycle done",
                metadata: [
                    "window_start": "\(Timestamps.iso8601Milli(report.windowStart))",
                    "window_end": "\(Timestamps.iso8601Milli(report.windowEnd))",
                    "convictions": "\(report.outcome.convictions)", "created": "\(report.outcome.created)",
                    "refreshed": "\(report.outcome.refreshed)", "ended": "\(report.outcome.ended)",
                    "held_back": "\(Self.describe(report.outcome.heldBack))",
                ]
            )
            return report
        } catch {
            // Stopping the server is not a failure of ETD: leave the failure count alone.
            if Task.isCancelled || (error as? ETDError) == .cancelled { throw error }
            let text = "\(error)"
            try? await ledger.recordFailure(at: clock.now(), error: text)
            logger.error("ETD poll cycle failed", metadata: ["error": "\(text)"])
            throw error
        }
    }

    /// The window: from look-back before the last completed window's end (first run: before now)
    /// to settle-delay before now, clamped to what ETD accepts.
    func window(now: Date, lastWindowEnd: Date?) -> (Date, Date) {
        let configuration = extractor.configuration
        let end = now.addingTimeInterval(-configuration.settleDelay.seconds)
        var start = (lastWindowEnd ?? now).addingTimeInterval(-configuration.lookBack.seconds)
        start = max(start, end.addingTimeInterval(-Self.maxWindow), now.addingTimeInterval(-Self.maxAge))
        return (min(start, end.addingTimeInterval(-1)), end)
    }

    private func cycle(now: Date) async throws -> CycleReport {
        let ended = try await applyCurrentPolicy()
        let status = try await ledger.pollStatus()
        let (start, end) = window(now: now, lastWindowEnd: status.lastSuccessWindowEnd)
        if let last = status.lastSuccessWindowEnd, start > last {
            logger.warning(
                "ETD poller was behind by more than ETD lets us search; messages before the window are not seen",
                metadata: ["missed_from": "\(Timestamps.iso8601Milli(last))"]
            )
        }
        var report = CycleReport(windowStart: start, windowEnd: end)
        let configuration = extractor.configuration
        let processor = ConvictionPageProcessor(extractor: extractor, ledger: ledger, clock: clock, logger: logger)
        let total = OutcomeBox()
        let budget = ETDCycleBudget(maxPages: configuration.maxPagesPerCycle, started: now, within: configuration.cycleDeadline.seconds)
        try await client.search(start: start, end: end, verdicts: configuration.verdicts, budget: budget) { page in
            await total.add(try await processor.convictions(in: page))
        }
        let clearingDue = lastClearingScan.map { now.timeIntervalSince($0) >= configuration.clearingScanInterval.seconds } ?? true
        if !configuration.clearingVerdicts.isEmpty, clearingDue {
            try await client.search(start: start, end: end, verdicts: configuration.clearingVerdicts, budget: budget) { page in
                await total.add(try await processor.clearings(in: page))
            }
            lastClearingScan = now
        }
        report.outcome = await total.outcome
        report.outcome.ended += ended
        return report
    }

    /// Reloads the policy (when a source is given) and, the first time in this process and whenever the policy
    /// changed, ends the live judgements it no longer publishes, so a mistake is undone at this poll. Returns how many ended.
    func applyCurrentPolicy() async throws -> Int {
        if let policySource {
            let policy = try policySource()
            if policy != extractor.policy {
                logger.notice("ETD safety policy files changed; the new lists apply from this cycle")
                extractor.policy = policy
            }
        }
        guard reviewedPolicy != extractor.policy else { return 0 }
        let endings = PolicyReview.endings(of: try await ledger.liveConvictionJudgements(), under: extractor.policy)
        let ended = try await ledger.endJudgements(endings)
        for ending in endings {
            logger.notice(
                "ETD judgement ended: the safety policy now holds the value back",
                metadata: ["type": "\(ending.observable.type.rawValue)", "value": "\(ending.observable.value)", "reason": "\(ending.reason.rawValue)"]
            )
        }
        reviewedPolicy = extractor.policy
        return ended
    }

    static func describe(_ heldBack: [HoldBackReason: Int]) -> String {
        heldBack.sorted { $0.key < $1.key }.map { "\($0.key.rawValue)=\($0.value)" }.joined(separator: ",")
    }
}

/// Sums page outcomes from the search callbacks.
actor OutcomeBox {
    var outcome = ConvictionPageOutcome()

    func add(_ page: ConvictionPageOutcome) { outcome.add(page) }
}
