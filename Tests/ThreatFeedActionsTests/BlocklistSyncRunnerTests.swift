import AsyncHTTPClient
import Foundation
import Logging
import Synchronization
import Testing
import ThreatFeedActions
import ThreatFeedCore
import ThreatFeedTesting

/// A `BlocklistLedger` in memory: the live set is set by the test.
final class MemoryBlocklistLedger: BlocklistLedger {
    private struct State {
        var live: Set<String> = []
        var rows: [String: BlocklistEntry] = [:]
        var run = BlocklistRunRecord()
        var gateway: String?
    }
    private let state = Mutex(State())

    func setLive(_ values: Set<String>) { state.withLock { $0.live = values } }
    func row(_ value: String) -> BlocklistEntry? { state.withLock { $0.rows[value] } }
    var lastRun: BlocklistRunRecord { state.withLock { $0.run } }

    func liveSenderValues(indicator: String, at time: Date) async throws -> Set<String>? { state.withLock { $0.live } }
    func blocklistEntries(list: BlocklistKind) async throws -> [BlocklistEntry] {
        state.withLock { $0.rows.values.sorted { $0.value < $1.value } }
    }
    func setBlocklistEntry(list: BlocklistKind, value: String, state newState: BlocklistEntryState, status: Int?, at time: Date) async throws {
        state.withLock {
            var row = $0.rows[value] ?? BlocklistEntry(value: value, state: newState)
            row.state = newState
            if newState == .adding || newState == .deleting { row.attempts += 1 }
            row.lastStatus = status ?? row.lastStatus
            $0.rows[value] = row
        }
    }
    func markBlocklistPending(list: BlocklistKind, values: [String], at time: Date) async throws {
        state.withLock {
            for value in values where $0.rows[value] == nil || $0.rows[value]?.state == .removed {
                $0.rows[value] = BlocklistEntry(value: value, state: .pending, attempts: $0.rows[value]?.attempts ?? 0)
            }
        }
    }
    func recordBlocklistRun(list: BlocklistKind, _ record: BlocklistRunRecord) async throws { state.withLock { $0.run = record } }
    func lastBlocklistRun(list: BlocklistKind) async throws -> BlocklistRunRecord { lastRun }
    func blocklistGateway(list: BlocklistKind) async throws -> String? { state.withLock { $0.gateway } }
    func recordBlocklistGateway(list: BlocklistKind, gateway: String, forgettingRows: Bool) async throws -> Int {
        state.withLock {
            let onList = $0.rows.values.filter { [.adding, .present, .deleting].contains($0.state) }.count
            if forgettingRows { $0.rows = [:] }
            $0.gateway = gateway
            return forgettingRows ? onList : 0
        }
    }
}

/// The sync runner against the fake ESA on a virtual clock: retries, refusals, redone rows.
@Suite(.serialized) struct BlocklistSyncRunnerTests {
    static func makeRunner(port: Int) -> (MemoryBlocklistLedger, BlocklistSyncRunner, VirtualClock) {
        let ledger = MemoryBlocklistLedger()
        let clock = VirtualClock(TestClock(Date()))
        var configuration = BlocklistConfiguration(
            baseURL: "http://127.0.0.1:\(port)", prefix: AsyncOSSession.esaPrefix,
            credentials: AsyncOSCredentials(username: FakeESA.username, passphrase: FakeESA.passphrase), indicator: "senders",
            recipients: ["ap@example.com"]
        )
        configuration.requestTimeout = TimeSpan(seconds: 10)
        let session = AsyncOSSession(
            baseURL: configuration.baseURL, prefix: configuration.prefix, credentials: configuration.credentials, httpClient: OutboundHTTPClient.shared
        )
        let runner = BlocklistSyncRunner(
            configuration: configuration, ledger: ledger, client: BlocklistClient(session: session, list: .blocklist), clock: clock,
            logger: Logger(label: "test.blocklist")
        )
        return (ledger, runner, clock)
    }

    static func withRunner(_ body: @Sendable @escaping (FakeESA, MemoryBlocklistLedger, BlocklistSyncRunner, VirtualClock) async throws -> Void) async throws {
        let esa = FakeESA()
        let port = try freeLoopbackPort()
        let (ledger, runner, clock) = makeRunner(port: port)
        try await esa.run(port: port) { try await body(esa, ledger, runner, clock) }
    }

    @Test func aGatewayThatRefusesConnectionsIsRetriedThenTheNextRunCarriesOn() async throws {
        let port = try freeLoopbackPort()
        let (ledger, runner, clock) = Self.makeRunner(port: port)
        ledger.setLive(["d.example"])
        // Nothing listens on the port yet: every attempt is refused.
        let failed = await runner.runOnce()
        #expect(failed.error != nil)
        #expect(clock.sleeps == [1, 2, 4], "refused connections are retried like 5xx")
        #expect(ledger.lastRun.error?.contains("connection refused") == true, "\(ledger.lastRun.error ?? "")")
        #expect(failed.added.isEmpty)
        #expect(!String(describing: failed.error).contains(FakeESA.passphrase))
        let esa = FakeESA()
        try await esa.run(port: port) {
            let next = await runner.runOnce()
            #expect(next.error == nil)
            #expect(next.added == ["d.example"])
            #expect(esa.entries().keys.sorted() == ["d.example"])
            #expect(ledger.lastRun.error == nil)
        }
    }

    @Test func serverErrorsAreRetriedWithDoublingWaits() async throws {
        try await Self.withRunner { esa, ledger, runner, clock in
            ledger.setLive(["a.example"])
            esa.inject(.passThrough)  // the size view
            esa.inject(.status(503), times: 2)
            esa.inject(.tooManyRequests(retryAfter: 7))
            let report = await runner.runOnce()
            #expect(report.error == nil)
            #expect(report.added == ["a.example"])
            #expect(clock.sleeps == [1, 2, 7], "a 429 waits what its Retry-After says")
            #expect(ledger.row("a.example")?.state == .present)
            #expect(esa.entries().keys.sorted() == ["a.example"])
        }
    }

    @Test func aRetryAfterLongerThanTheCapEndsTheRunWithoutWaiting() async throws {
        try await Self.withRunner { esa, ledger, runner, clock in
            ledger.setLive(["c.example"])
            esa.inject(.passThrough)
            esa.inject(.tooManyRequests(retryAfter: 3_600))
            let failed = await runner.runOnce()
            #expect(failed.error?.description.contains("429") == true, "\(String(describing: failed.error))")
            #expect(clock.sleeps.isEmpty, "an hour is not waited inside a run")
            #expect(ledger.row("c.example")?.state == .adding)
            let next = await runner.runOnce()
            #expect(next.error == nil)
            #expect(ledger.row("c.example")?.state == .present)
        }
    }

    @Test func aRefusalStopsTheRunAndTheRowIsRedoneNextRun() async throws {
        try await Self.withRunner { esa, ledger, runner, _ in
            ledger.setLive(["b.example"])
            esa.inject(.passThrough)
            esa.inject(.status(400))
            let failed = await runner.runOnce()
            #expect(failed.error != nil)
            #expect(ledger.lastRun.error?.contains("400") == true)
            #expect(ledger.row("b.example")?.state == .adding)
            let next = await runner.runOnce()
            #expect(next.error == nil)
            #expect(ledger.row("b.example")?.state == .present)
            #expect(ledger.row("b.example")?.attempts == 2)
            #expect(ledger.lastRun.error == nil)
        }
    }

    @Test func interruptedDeletesAreRedoneAndNeverSentPendingRowsAreDropped() async throws {
        try await Self.withRunner { esa, ledger, runner, _ in
            ledger.setLive([])
            // A crash left one delete in flight (the gateway had already done it) and one value never sent.
            try await ledger.setBlocklistEntry(list: .blocklist, value: "gone.example", state: .deleting, status: nil, at: Date())
            try await ledger.setBlocklistEntry(list: .blocklist, value: "never.example", state: .pending, status: nil, at: Date())
            esa.addEntry(sender: "admin.example", recipients: ["boss@example.com"])
            let report = await runner.runOnce()
            #expect(report.error == nil)
            #expect(report.deleted == ["gone.example"])
            #expect(ledger.row("gone.example")?.state == .removed)
            #expect(ledger.row("gone.example")?.lastStatus == 404)
            #expect(ledger.row("never.example")?.state == .removed)
            #expect(esa.changes.count == 1)
            #expect(esa.entries().keys.sorted() == ["admin.example"])
        }
    }
}
