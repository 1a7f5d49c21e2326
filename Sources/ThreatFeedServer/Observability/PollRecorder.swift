import Foundation
import Logging
import ServiceLifecycle
import ThreatFeedCore
import ThreatFeedStore

/// Remembers who polls which feed and how it went, and keeps the first requests of every new client.
///
/// Polls are counted in memory and saved every few seconds (and at shutdown) by `PollRecorder.Flusher`:
/// a database write per poll would put the hot path behind the write lock.
public actor PollRecorder {
    private struct Key: Hashable {
        let feed: String
        let client: String
    }

    private let store: Store
    private let logger: Logger
    private let metrics: ServerMetrics?
    /// Requests kept per new client: enough to see a gateway's exact request, not a log of everything.
    let samplesPerClient: Int
    private var pending: [Key: ClientPoll] = [:]
    private var pendingSamples: [RequestSample] = []
    private var sampled: [String: Int] = [:]

    public init(store: Store, logger: Logger, metrics: ServerMetrics? = nil, samplesPerClient: Int = 3) {
        self.store = store
        self.logger = logger
        self.metrics = metrics
        self.samplesPerClient = samplesPerClient
    }

    func record(feed: String, client: String, kind: ClientPoll.Kind, outcome: ClientPoll.Outcome, served: Int?, at now: Date) {
        metrics?.poll(feed: feed, kind: kind, outcome: outcome)
        let key = Key(feed: feed, client: client)
        var poll = pending[key] ?? ClientPoll(
            feed: feed, client: client, kind: kind, outcome: outcome, served: nil, firstSeen: now, lastSeen: now, polls: 0, failures: 0
        )
        poll.kind = kind
        poll.outcome = outcome
        if let served { poll.served = served }
        poll.lastSeen = now
        poll.polls += 1
        if !poll.succeeded { poll.failures += 1 }
        pending[key] = poll
    }

    /// Whether the next request of `client` should be kept as a sample (the first few per process and client;
    /// the database keeps at most `samplesPerClient` per client across restarts).
    func wantsSample(of client: String) -> Bool { sampled[client, default: 0] < samplesPerClient }

    func keep(_ sample: RequestSample) {
        sampled[sample.client, default: 0] += 1
        pendingSamples.append(sample)
    }

    /// Everything seen, saved first so that the answer includes the last few seconds.
    func snapshot() async throws -> (polls: [ClientPoll], samples: [RequestSample]) {
        await flush()
        return try await store.read { reader in (try reader.clientPolls(), try reader.requestSamples()) }
    }

    /// Saves what was seen since the last flush. On failure it is kept and tried again next time.
    public func flush() async {
        guard !pending.isEmpty || !pendingSamples.isEmpty else { return }
        let polls = Array(pending.values)
        let samples = pendingSamples
        let perClient = samplesPerClient
        pending.removeAll()
        pendingSamples.removeAll()
        do {
            try await store.write { writer in
                try writer.save(polls)
                try writer.save(samples, perClient: perClient)
            }
        } catch {
            logger.warning("could not save client polls; will retry", metadata: ["error": "\(error)"])
            for poll in polls { merge(poll) }
            pendingSamples.insert(contentsOf: samples, at: 0)
        }
    }

    private func merge(_ older: ClientPoll) {
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
