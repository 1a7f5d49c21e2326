import Foundation
import Logging
import ServiceLifecycle
import ThreatFeedCore
import ThreatFeedMail

/// E-mails the administrator about convictions, one message per cycle listing those that match the filters.
///
/// Never twice: each conviction is recorded `sending` before the SMTP transaction and `sent` after it; one left
/// `sending` by a crash becomes `unconfirmed` and is not listed again (a lost notice is logged, a duplicate is not
/// possible). Convictions that do not match are recorded `filtered`, so they are not considered again. A send
/// that fails after the notifier's retries leaves its convictions pending for the next cycle.
struct NotificationService: Service {
    let ledger: any NotificationLedger
    let clock: any WallClock
    let notifier: ConvictionNotifier
    /// Verdicts ETD publishes (etd.verdicts): the convictions there can be.
    let verdicts: [String]
    let interval: TimeSpan
    let logger: Logger
    /// The poll signal of this process, if it polls ETD: a cycle's end wakes the notifier, and a cycle still running
    /// is awaited (up to 10 minutes) before collecting, so one mail lists what one cycle found.
    var signal: ConvictionSignal?

    func run() async throws {
        let since = try await ledger.notificationsEnabledSince(clock.now())
        let interrupted = try await ledger.markInterruptedNotificationsUnconfirmed()
        if interrupted > 0 {
            logger.warning(
                "notifications: the process stopped while a notification was being sent; its convictions are not listed again",
                metadata: ["convictions": "\(interrupted)"]
            )
        }
        let cycleEnd = signal?.waiter(for: [.cycleEnded])
        try await PeriodicService(interval: interval.seconds, clock: clock, wakeUp: cycleEnd) { [self] in
            if let signal, let cycleEnd, signal.isCycleRunning {
                do { try await cycleEnd.wait(upTo: 600, clock: clock) } catch { return }
            }
            do { try await cycle(since: since) } catch {
                logger.error("notifications: cycle failed", metadata: ["error": "\(error)"])
            }
        }.run()
    }

    func cycle(since: Date) async throws {
        let records = try await ledger.unnotifiedConvictions(since: since, verdicts: verdicts)
        guard !records.isEmpty else { return }
        let now = clock.now()
        let notices = records.map(Self.notice)
        let matching = notifier.configuration.filter.select(notices)
        let matchingIDs = Set(matching.map(\.messageID))
        try await ledger.recordNotification(
            records.filter { !matchingIDs.contains($0.key.messageID) }.map(\.key), state: .filtered, mailID: nil, at: now
        )
        let keys = records.filter { matchingIDs.contains($0.key.messageID) }.map(\.key)
        guard !keys.isEmpty else { return }
        try await ledger.recordNotification(keys, state: .sending, mailID: nil, at: now)
        do {
            switch try await notifier.notify(matching, now: now) {
            case .sent(let mail, _):
                try await ledger.recordNotification(keys, state: .sent, mailID: mail.messageID, at: clock.now())
            case .dryRun(let mail):
                try await ledger.recordNotification(keys, state: .dryRun, mailID: mail.messageID, at: clock.now())
            case .nothingMatched:
                try await ledger.recordNotification(keys, state: .filtered, mailID: nil, at: clock.now())
            }
        } catch {
            logger.error("notifications: not sent, the convictions stay pending", metadata: ["error": "\(error)"])
            try await ledger.abandonNotification(keys, error: "\(error)", at: clock.now())
        }
    }

    static func notice(_ record: ConvictionRecord) -> ConvictionNotice {
        ConvictionNotice(
            messageID: record.key.messageID, time: record.messageTime, subject: record.details.subject ?? "(no subject)",
            sender: record.details.fromAddress ?? "(unknown sender)", recipients: record.details.mailboxes, verdict: record.key.verdict,
            techniques: record.details.techniques,
            observables: record.details.observables.map { ConvictionNotice.Observable(type: $0.type.rawValue, value: $0.value) }
        )
    }
}
