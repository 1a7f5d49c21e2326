import Foundation
import Logging
import ThreatFeedCore

/// Sends one SMA remediation per matching conviction, exactly once, and records every request and answer.
///
/// Exactly once, across crashes: a row is committed as `sending` (with the body) before the
/// request leaves, and `done` after a 2xx. A row found in `sending` at start-up belongs to a
/// process that died while SMA was answering; SMA may or may not have acted, so it becomes
/// `unconfirmed` and is **not** resent automatically (a second fwdDelete would forward a second
/// copy, or fail confusingly): the operator checks SMA's remediation report and runs
/// `threatfeed actions retry` if needed. Transient failures (5xx, 429, no answer) go back to
/// `pending` with a persisted next attempt (exponential backoff, Retry-After honoured); other
/// 4xx answers are `failed` with SMA's answer. Dry-run records `dry_run` and contacts nobody.
public actor RemediationRunner {
    public let configuration: RemediationConfiguration
    private let ledger: any RemediationLedger
    private let client: SMARemediationClient?
    private let clock: any WallClock
    private let logger: Logger
    private var recovered = false

    /// `client` may be nil only in dry-run.
    public init(
        configuration: RemediationConfiguration, ledger: any RemediationLedger, client: SMARemediationClient?, clock: any WallClock,
        logger: Logger
    ) {
        self.configuration = configuration
        self.ledger = ledger
        self.client = client
        self.clock = clock
        self.logger = logger
    }

    /// What one cycle did.
    public struct CycleReport: Sendable, Equatable {
        public var queued = 0
        public var done = 0
        public var rescheduled = 0
        public var failed = 0
        public var dryRun = 0
        /// Set when the cycle stopped early (login refused, SMA unreachable).
        public var stoppedBy: String?

        public init() {}
    }

    /// Start-up: records when remediation was first enabled and turns rows a dead process left in
    /// `sending` into `unconfirmed`. Runs once per runner; `runCycle` calls it if needed.
    @discardableResult
    public func start() async throws -> [String] {
        guard !recovered else { return [] }
        let since = try await ledger.markRemediationEnabled(at: clock.now())
        let interrupted = try await ledger.recoverInterruptedRemediations(at: clock.now())
        recovered = true
        logger.info("SMA remediation enabled", metadata: [
            "since": "\(Timestamps.iso8601Milli(since))", "action": "\(configuration.action.rawValue)",
            "dry_run": "\(configuration.dryRun)",
        ])
        for messageID in interrupted {
            logger.warning(
                "SMA remediation interrupted while SMA was answering: not resent; check SMA's remediation report, then `threatfeed actions retry` if it was not done",
                metadata: ["message_id": "\(messageID)"]
            )
        }
        return interrupted
    }

    /// Queues new convictions, then works through every due row, one request at a time.
    @discardableResult
    public func runCycle() async throws -> CycleReport {
        try await start()
        var report = CycleReport()
        report.queued = try await ledger.queueRemediations(action: configuration.action, verdicts: configuration.verdicts, at: clock.now())
        if report.queued > 0 { logger.info("SMA remediations queued", metadata: ["count": "\(report.queued)"]) }
        var loggedIn = false
        work: while let item = try await ledger.nextDueRemediation(at: clock.now()) {
            try Task.checkCancellation()
            let request: SMARemediationRequest
            do {
                request = try SMARemediationRequest(item: item, configuration: configuration)
            } catch {
                // Nothing SMA could act on: failed at once, with the reason, never sent.
                try await ledger.markRemediationSending(messageID: item.messageID, action: item.action, request: "", at: clock.now())
                try await ledger.markRemediationFailed(
                    messageID: item.messageID, action: item.action, answer: RemediationAnswer(problem: "\(error)"), at: clock.now()
                )
                report.failed += 1
                logger.error("SMA remediation impossible", metadata: ["message_id": "\(item.messageID)", "reason": "\(error)"])
                continue
            }
            let body = request.encoded()
            let text = String(decoding: body, as: UTF8.self)
            if configuration.dryRun {
                logger.notice(
                    "SMA remediation (dry run, nothing sent): POST \(AsyncOSSession.smaPrefix)\(SMARemediationClient.remediationPath)",
                    metadata: ["message_id": "\(item.messageID)", "body": "\(text)"]
                )
                try await ledger.markRemediationDryRun(messageID: item.messageID, action: item.action, request: text, at: clock.now())
                report.dryRun += 1
                continue
            }
            guard let client else { break work }
            if !loggedIn {
                do {
                    try await client.prepare()
                    loggedIn = true
                } catch {
                    // Nothing was sent: the rows stay pending; the next cycle tries again.
                    report.stoppedBy = "\(error)"
                    try await ledger.recordRemediationError("\(error)", at: clock.now())
                    logger.error("SMA login failed; remediation waits for the next cycle", metadata: ["error": "\(error)"])
                    break work
                }
            }
            try await ledger.markRemediationSending(messageID: item.messageID, action: item.action, request: text, at: clock.now())
            let outcome = await client.remediate(body: body)
            let attempt = item.attempts + 1
            switch outcome {
            case .accepted(let answer):
                try await ledger.markRemediationDone(messageID: item.messageID, action: item.action, answer: answer, at: clock.now())
                report.done += 1
                logger.info("SMA remediation accepted", metadata: [
                    "message_id": "\(item.messageID)", "action": "\(item.action.rawValue)", "status": "\(answer.status ?? 0)",
                ])
            case .transient(let answer, let retryAfter):
                let problem = Self.summary(answer)
                try await ledger.recordRemediationError("\(item.messageID): \(problem)", at: clock.now())
                if attempt >= configuration.retry.maxAttempts {
                    try await ledger.markRemediationFailed(messageID: item.messageID, action: item.action, answer: answer, at: clock.now())
                    report.failed += 1
                    logger.error("SMA remediation failed after every retry", metadata: [
                        "message_id": "\(item.messageID)", "attempts": "\(attempt)", "last": "\(problem)",
                    ])
                } else {
                    let delay = retryAfter.map { min($0, configuration.retry.maxRetryAfter) } ?? configuration.retry.delay(afterAttempt: attempt)
                    let next = clock.now().addingTimeInterval(max(delay, 1))
                    try await ledger.rescheduleRemediation(
                        messageID: item.messageID, action: item.action, answer: answer, nextAttempt: next, at: clock.now()
                    )
                    report.rescheduled += 1
                    logger.notice("SMA remediation will be retried", metadata: [
                        "message_id": "\(item.messageID)", "attempt": "\(attempt)", "problem": "\(problem)", "delay_s": "\(Int(delay))",
                    ])
                }
                // No answer at all: SMA is unreachable; later rows would fare no better this cycle.
                if answer.status == nil {
                    report.stoppedBy = problem
                    break work
                }
            case .rejected(let answer):
                try await ledger.markRemediationFailed(messageID: item.messageID, action: item.action, answer: answer, at: clock.now())
                try await ledger.recordRemediationError("\(item.messageID): \(Self.summary(answer))", at: clock.now())
                report.failed += 1
                logger.error("SMA refused the remediation", metadata: [
                    "message_id": "\(item.messageID)", "status": "\(answer.status ?? 0)", "answer": "\(answer.body ?? "")",
                ])
            }
        }
        return report
    }

    /// Runs cycles until cancelled: after each, waits for the trigger, the interval, or the next due retry.
    /// Cycles until cancelled: one now, then one when `wakeUp` is signalled, a retry falls due, or the interval passes.
    public func run(wakeUp: ConvictionSignal.Waiter?) async {
        while !Task.isCancelled {
            do {
                try await runCycle()
            } catch is CancellationError {
                return
            } catch {
                if Task.isCancelled { return }
                try? await ledger.recordRemediationError("\(error)", at: clock.now())
                logger.error("SMA remediation cycle failed", metadata: ["error": "\(error)"])
            }
            var deadline = clock.now().addingTimeInterval(configuration.interval.seconds)
            if let due = try? await ledger.nextRemediationAttempt(), due < deadline { deadline = max(due, clock.now()) }
            let wait = deadline.timeIntervalSince(clock.now())
            do {
                if let wakeUp { try await wakeUp.wait(upTo: wait, clock: clock) } else { try await clock.sleep(seconds: max(0, wait)) }
            } catch { return }
        }
    }

    static func summary(_ answer: RemediationAnswer) -> String {
        if let status = answer.status { return "HTTP \(status)" + (answer.body.map { ": \($0.prefix(200))" } ?? "") }
        return answer.problem ?? "no answer"
    }
}
