import Foundation
import Logging
import ThreatFeedCore

/// Keeps the gateway's spam-quarantine list in step with an indicator's live sender values.
///
/// Each run compares the live values with the rows this sync recorded: rows left `adding` or
/// `deleting` by a crash are redone first, then values no longer live are deleted, then new ones
/// are added, at most `maxPerRun` requests in all and never past `maxEntries` on the list. Each
/// row's new state is committed before its request leaves. Only values with a row are ever
/// deleted, so the administrator's own entries are left alone.
public struct BlocklistSyncRunner: Sendable {
    let configuration: BlocklistConfiguration
    let ledger: any BlocklistLedger
    /// Nil in dry-run: nothing is contacted.
    let client: BlocklistClient?
    let clock: any WallClock
    let logger: Logger

    public init(
        configuration: BlocklistConfiguration, ledger: any BlocklistLedger, client: BlocklistClient?, clock: any WallClock = SystemClock(),
        logger: Logger = Logger(label: "threatfeed.blocklist")
    ) {
        self.configuration = configuration
        self.ledger = ledger
        self.client = client
        self.clock = clock
        self.logger = logger
    }

    private var list: BlocklistKind { configuration.list }
    private var path: String { configuration.prefix + "/quarantine/\(configuration.list.rawValue)" }

    /// One run; its outcome (error included) is recorded unless in dry-run.
    public func runOnce() async -> BlocklistSyncReport {
        var report = BlocklistSyncReport()
        do {
            try await sync(&report)
        } catch let error as BlocklistSyncError {
            report.error = error
        } catch {
            report.error = .store("\(error)")
        }
        if let error = report.error { logger.error("blocklist sync failed", metadata: ["error": "\(error)"]) }
        guard !configuration.dryRun else { return report }
        var record = BlocklistRunRecord()
        record.finished = clock.now()
        record.added = report.added.count
        record.deleted = report.deleted.count
        record.heldBack = report.heldBack.count
        record.deferred = report.deferred
        record.error = report.error?.description
        record.errorAt = report.error == nil ? nil : clock.now()
        do { try await ledger.recordBlocklistRun(list: list, record) } catch {
            logger.error("cannot record the blocklist run", metadata: ["error": "\(error)"])
        }
        return report
    }

    private func sync(_ report: inout BlocklistSyncReport) async throws {
        guard let live = try await ledger.liveSenderValues(indicator: configuration.indicator, at: clock.now()) else {
            throw BlocklistSyncError.unknownIndicator(configuration.indicator)
        }
        // The rows describe one appliance: pointed at another, start over there (the old one is not contacted).
        let gateway = configuration.baseURL + configuration.prefix
        let recorded = try await ledger.blocklistGateway(list: list)
        let moved = recorded != nil && recorded != gateway
        if recorded != gateway, !configuration.dryRun {
            let left = try await ledger.recordBlocklistGateway(list: list, gateway: gateway, forgettingRows: moved)
            if let recorded, moved {
                logger.notice(
                    "blocklist: the gateway changed; the entries this sync added to the old one are forgotten there (remove them by hand if they should go) and every live value is added to the new one",
                    metadata: ["old": "\(recorded)", "new": "\(gateway)", "left_on_old": "\(left)"]
                )
            }
        }
        let entries = moved && configuration.dryRun ? [] : try await ledger.blocklistEntries(list: list)
        let onList = Set(entries.filter { [BlocklistEntryState.adding, .present, .deleting].contains($0.state) }.map(\.value))
        // Deletes first (they make room): interrupted deletes, then present values no longer live.
        // An interrupted add of a value no longer live is deleted too (404 if it never arrived).
        var deletes = entries.filter { $0.state == .deleting }.map(\.value)
        deletes += entries.filter { ($0.state == .adding || $0.state == .present) && !live.contains($0.value) }.map(\.value)
        // Interrupted adds of live values are redone before new values.
        var adds = entries.filter { $0.state == .adding && live.contains($0.value) }.map(\.value)
        adds += live.subtracting(onList).sorted()
        // A value that was pending but is no longer live was never sent: it is simply dropped.
        for entry in entries where entry.state == .pending && !live.contains(entry.value) && !configuration.dryRun {
            try await ledger.setBlocklistEntry(list: list, value: entry.value, state: .removed, status: nil, at: clock.now())
        }
        // New values are recorded first, so `status` shows what waits (for max_per_run or max_entries).
        if !configuration.dryRun { try await ledger.markBlocklistPending(list: list, values: live.subtracting(onList).sorted(), at: clock.now()) }
        var budget = configuration.maxPerRun
        for value in deletes {
            guard budget > 0 else { break }
            budget -= 1
            try await delete(value, &report)
        }
        report.deferred += max(0, deletes.count - report.deleted.count)
        guard !adds.isEmpty, budget > 0 else {
            report.deferred += adds.count
            return
        }
        // Room on the list: the gateway's count (administrator's entries included) against max_entries.
        // Redone adds may already be counted; holding one back for that is the safe side.
        let size: Int
        if let client, !configuration.dryRun {
            var total: Int?
            _ = try await attempt("GET", "the list size") { () async throws(AsyncOSError) -> BlocklistClient.Answer in
                let (answer, count) = try await client.count()
                total = count
                return answer
            }
            guard let total else { throw BlocklistSyncError.malformedView(path: path) }
            size = total
        } else {
            size = onList.count - report.deleted.count
        }
        let room = max(0, configuration.maxEntries - size)
        let sendable = min(budget, room)
        let toAdd = Array(adds.prefix(sendable))
        if room < budget {
            // The list is (nearly) full: everything past the room is held back until entries go.
            report.heldBack = Array(adds.dropFirst(sendable))
        } else {
            report.deferred += adds.count - toAdd.count
        }
        if !report.heldBack.isEmpty {
            logger.warning(
                "blocklist.max_entries reached: values held back", metadata: ["held_back": "\(report.heldBack.count)", "max_entries": "\(configuration.maxEntries)"]
            )
        }
        for value in toAdd { try await add(value, &report) }
    }

    private func add(_ value: String, _ report: inout BlocklistSyncReport) async throws {
        let body = BlocklistRequest.append(sender: value, recipients: configuration.recipients)
        guard let client, !configuration.dryRun else {
            let line = "POST \(path) \(String(decoding: body, as: UTF8.self))"
            logger.notice("dry run: would send", metadata: ["request": "\(line)"])
            report.wouldSend.append(line)
            report.added.append(value)
            return
        }
        try await ledger.setBlocklistEntry(list: list, value: value, state: .adding, status: nil, at: clock.now())
        let status = try await attempt("POST", value) { () async throws(AsyncOSError) -> BlocklistClient.Answer in
            try await client.append(sender: value, recipients: configuration.recipients)
        }
        try await ledger.setBlocklistEntry(list: list, value: value, state: .present, status: status, at: clock.now())
        logger.info("blocklist: added", metadata: ["value": "\(value)", "list": "\(list.rawValue)", "status": "\(status)"])
        report.added.append(value)
    }

    private func delete(_ value: String, _ report: inout BlocklistSyncReport) async throws {
        let body = BlocklistRequest.delete(sender: value)
        guard let client, !configuration.dryRun else {
            let line = "DELETE \(path) \(String(decoding: body, as: UTF8.self))"
            logger.notice("dry run: would send", metadata: ["request": "\(line)"])
            report.wouldSend.append(line)
            report.deleted.append(value)
            return
        }
        try await ledger.setBlocklistEntry(list: list, value: value, state: .deleting, status: nil, at: clock.now())
        let status = try await attempt("DELETE", value) { () async throws(AsyncOSError) -> BlocklistClient.Answer in
            try await client.delete(sender: value)
        }
        try await ledger.setBlocklistEntry(list: list, value: value, state: .removed, status: status, at: clock.now())
        logger.info("blocklist: deleted", metadata: ["value": "\(value)", "list": "\(list.rawValue)", "status": "\(status)"])
        report.deleted.append(value)
    }

    /// One request with retries on 5xx, 429 and no answer, waiting as `configuration.retry` says, or what a
    /// 429's Retry-After asks (up to its `maxRetryAfter`).
    /// A refusal or the last failure stops the run; the row stays `adding`/`deleting` and is redone next run.
    private func attempt(
        _ method: String, _ value: String, _ send: () async throws(AsyncOSError) -> BlocklistClient.Answer
    ) async throws(BlocklistSyncError) -> Int {
        let retry = configuration.retry
        for number in 1...max(1, retry.maxAttempts) {
            let last = number >= retry.maxAttempts
            var wait = retry.delay(afterAttempt: number)
            do {
                switch try await send() {
                case .done(let status):
                    return status
                case .refused(let status, let message):
                    throw BlocklistSyncError.refused(method: method, path: path, value: value, status: status, message: message)
                case .transient(let status, let message, let retryAfter):
                    if last { throw BlocklistSyncError.refused(method: method, path: path, value: value, status: status, message: message) }
                    if let retryAfter {
                        // The gateway said when; a wait longer than the cap ends this run instead (the next run carries on).
                        guard retryAfter <= retry.maxRetryAfter else {
                            throw BlocklistSyncError.refused(method: method, path: path, value: value, status: status, message: message)
                        }
                        wait = retryAfter
                    }
                    logger.warning("blocklist: gateway busy; trying again", metadata: ["status": "\(status)", "attempt": "\(number)", "wait_seconds": "\(wait)"])
                }
            } catch let error as BlocklistSyncError {
                throw error
            } catch let error as AsyncOSError {
                if last || !error.isTransient || error == .cancelled { throw .asyncOS(error) }
                logger.warning("blocklist: no answer; trying again", metadata: ["error": "\(error)", "attempt": "\(number)"])
            } catch {
                throw .store("\(error)")
            }
            do { try await clock.sleep(seconds: wait) } catch { throw .asyncOS(.cancelled) }
        }
        throw .asyncOS(.cancelled)
    }
}
