import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import ThreatFeedCore
import ThreatFeedStore  // CalendarBucket

/// Remembers who polls which feed and how it went, and keeps the first requests of every new client.
///
/// Anyone can send requests from ever new addresses, so both are bounded: at most `maxClients` client addresses are
/// kept (in memory between saves and in the database; a client that was served a feed takes the place of the one
/// seen least recently), and the retention job deletes rows not seen for the retention period.
///
/// Polls are counted in memory and saved every few seconds (and at shutdown) by `PollRecorder.Flusher`:
/// a database write per poll would put the hot path behind the write lock.
public final class PollRecorder: Sendable {
    private struct Key: Hashable {
        let feed: String
        let client: String
    }

    private struct HourKey: Hashable {
        let feed: String
        let client: String
        let hour: Int64
    }

    /// What was seen since the last save. Behind a lock, not an actor: every request records, and a hop to an actor
    /// and back cost more than the few dictionary updates it guards.
    private struct State {
        var pending: [Key: ClientPoll] = [:]
        /// Polls per (feed, client, hour) since the last save, for the feed page's chart; keyed like `pending`, so bounded alike.
        var pendingHours: [HourKey: ClientHourCount] = [:]
        var pendingSamples: [RequestSample] = []
        var sampled: [String: Int] = [:]

        mutating func merge(_ older: ClientPoll) {
            let key = Key(feed: older.feed, client: older.client)
            guard var newer = pending[key] else {
                pending[key] = older
                return
            }
            newer.polls += older.polls
            newer.failures += older.failures
            newer.firstSeen = min(newer.firstSeen, older.firstSeen)
            if newer.served == nil { newer.served = older.served }
            pending[key] = newer
        }
    }

    private let store: any ClientRecords
    private let logger: Logger
    private let metrics: ServerMetrics?
    /// Requests kept per new client: enough to see a gateway's exact request, not a log of everything.
    let samplesPerClient: Int
    /// Distinct client addresses kept.
    let maxClients: Int
    private let state = Mutex(State())

    public init(store: any ClientRecords, logger: Logger, metrics: ServerMetrics? = nil, samplesPerClient: Int = 3, maxClients: Int = 1_000) {
        self.maxClients = max(1, maxClients)
        self.store = store
        self.logger = logger
        self.metrics = metrics
        self.samplesPerClient = samplesPerClient
    }

    func record(feed: String, client: String, kind: ClientPoll.Kind, outcome: ClientPoll.Outcome, served: Int?, at now: Date) {
        metrics?.poll(feed: feed, kind: kind, outcome: outcome)
        let key = Key(feed: feed, client: client)
        let succeeded = outcome == .served || outcome == .notModified
        let hour = CalendarBucket.hour(of: now)
        state.withLock { state in
            // The metric above counted it; a failure from yet another address is not worth unbounded memory.
            if state.pending[key] == nil, !succeeded, state.pending.count >= maxClients { return }
            var poll = state.pending[key] ?? ClientPoll(
                feed: feed, client: client, kind: kind, outcome: outcome, served: nil, firstSeen: now, lastSeen: now, polls: 0, failures: 0
            )
            poll.kind = kind
            poll.outcome = outcome
            if let served { poll.served = served }
            poll.lastSeen = now
            poll.polls += 1
            if !poll.succeeded { poll.failures += 1 }
            state.pending[key] = poll
            state.pendingHours[
                HourKey(feed: feed, client: client, hour: hour), default: ClientHourCount(client: client, hour: hour, polls: 0, failures: 0)
            ].add(succeeded: succeeded)
        }
    }

    /// Whether the next request of `client` should be kept as a sample (the first few per process and client, of at
    /// most `maxClients` clients; the database keeps at most `samplesPerClient` per client across restarts).
    /// Callers ask only once a request has named a real feed.
    func wantsSample(of client: String) -> Bool {
        state.withLock { state in
            guard let count = state.sampled[client] else { return state.sampled.count < maxClients }
            return count < samplesPerClient
        }
    }

    func keep(_ sample: RequestSample) {
        state.withLock { state in
            state.sampled[sample.client, default: 0] += 1
            state.pendingSamples.append(sample)
        }
    }

    /// A page of what was seen (most recent first), saved first so that the answer includes the last few seconds,
    /// with the samples of the clients on the page and the number of (feed, client) rows in all.
    func snapshot(limit: Int, offset: Int) async throws -> (polls: [ClientPoll], samples: [RequestSample], total: Int) {
        await flush()
        return try await store.clientRecords(limit: limit, offset: offset)
    }

    /// Saves what was seen since the last flush. On failure it is kept and tried again next time.
    public func flush() async {
        let (polls, samples, hours) = state.withLock { state in
            let taken = (
                Array(state.pending.values), state.pendingSamples,
                state.pendingHours.map { (feed: $0.key.feed, count: $0.value) }
            )
            state.pending.removeAll()
            state.pendingSamples.removeAll()
            state.pendingHours.removeAll()
            return taken
        }
        guard !polls.isEmpty || !samples.isEmpty else { return }
        do {
            let dropped = try await store.saveClientRecords(
                polls, samples: samples, hours: hours, perClient: samplesPerClient, maxClients: maxClients
            )
            if dropped > 0 {
                logger.notice("client records: polls from new clients left out", metadata: ["polls": "\(dropped)", "max_clients": "\(maxClients)"])
            }
        } catch {
            logger.warning("could not save client polls; will retry", metadata: ["error": "\(error)"])
            state.withLock { state in
                for poll in polls { state.merge(poll) }
                for (feed, count) in hours {
                    state.pendingHours[HourKey(feed: feed, client: count.client, hour: count.hour), default: ClientHourCount(
                        client: count.client, hour: count.hour, polls: 0, failures: 0
                    )].add(count)
                }
                state.pendingSamples.insert(contentsOf: samples, at: 0)
            }
        }
    }

    /// Saves every few seconds while the server runs, and once more as it stops.
    public struct Flusher: Service {
        let recorder: PollRecorder
        var every: Duration = .seconds(10)

        public func run() async throws {
            while !Task.isCancelled, !Task.isShuttingDownGracefully {
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: every) }
                await recorder.flush()
            }
            await recorder.flush()
        }
    }
}

extension ClientHourCount {
    mutating func add(succeeded: Bool) {
        polls += 1
        if !succeeded { failures += 1 }
    }

    mutating func add(_ other: ClientHourCount) {
        polls += other.polls
        failures += other.failures
    }
}
