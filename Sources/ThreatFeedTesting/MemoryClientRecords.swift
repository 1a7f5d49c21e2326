import Foundation
import Synchronization
import ThreatFeedCore

/// `ClientRecords` in memory, for handler tests: what `PollRecorder` saved, merged per (feed, client) as the store
/// merges it. The client limit is the store's too: a new client beyond `maxClients` is left out unless it was
/// served, in which case the client seen least recently gives way.
public final class MemoryClientRecords: ClientRecords {
    private struct State {
        var polls: [String: ClientPoll] = [:]
        var samples: [RequestSample] = []
        var hours: [String: [ClientHourCount]] = [:]
    }
    private let state = Mutex(State())

    public init() {}

    /// Every saved poll, most recent first.
    public var polls: [ClientPoll] {
        state.withLock { Self.ordered(Array($0.polls.values)) }
    }

    public var samples: [RequestSample] { state.withLock { $0.samples } }

    /// Per-hour counts saved for `feed`.
    public func hours(of feed: String) -> [ClientHourCount] { state.withLock { $0.hours[feed] ?? [] } }

    public func saveClientRecords(
        _ polls: [ClientPoll], samples: [RequestSample], hours: [(feed: String, count: ClientHourCount)], perClient: Int, maxClients: Int
    ) async throws -> Int {
        state.withLock { state in
            var dropped = 0
            for poll in polls.sorted(by: { $0.succeeded && !$1.succeeded }) {
                let clients = Set(state.polls.values.map(\.client))
                if !clients.contains(poll.client), clients.count >= maxClients {
                    guard poll.succeeded else {
                        dropped += 1
                        continue
                    }
                    let oldest = Dictionary(grouping: state.polls.values, by: \.client)
                        .min { ($0.value.map(\.lastSeen).max()!, $0.key) < ($1.value.map(\.lastSeen).max()!, $1.key) }?.key
                    state.polls = state.polls.filter { $0.value.client != oldest }
                    state.samples.removeAll { $0.client == oldest }
                }
                let key = poll.feed + "\u{0}" + poll.client
                if var kept = state.polls[key] {
                    kept.kind = poll.kind
                    kept.outcome = poll.outcome
                    kept.served = poll.served
                    kept.firstSeen = min(kept.firstSeen, poll.firstSeen)
                    kept.lastSeen = poll.lastSeen
                    kept.polls += poll.polls
                    kept.failures += poll.failures
                    state.polls[key] = kept
                } else {
                    state.polls[key] = poll
                }
            }
            for sample in samples {
                let kept = state.samples.count { $0.client == sample.client }
                guard kept < perClient else { continue }
                if kept == 0, Set(state.samples.map(\.client)).count >= maxClients { continue }
                state.samples.append(sample)
            }
            for (feed, count) in hours {
                if let index = state.hours[feed]?.firstIndex(where: { $0.client == count.client && $0.hour == count.hour }) {
                    state.hours[feed]![index].polls += count.polls
                    state.hours[feed]![index].failures += count.failures
                } else {
                    state.hours[feed, default: []].append(count)
                }
            }
            return dropped
        }
    }

    public func clientRecords(limit: Int, offset: Int) async throws -> (polls: [ClientPoll], samples: [RequestSample], total: Int) {
        state.withLock { state in
            let all = Self.ordered(Array(state.polls.values))
            let page = Array(all.dropFirst(max(0, offset)).prefix(limit < 0 ? Int.max : limit))
            let clients = Set(page.map(\.client))
            return (page, state.samples.filter { clients.contains($0.client) }, all.count)
        }
    }

    /// The store's order: last seen, newest first, then feed and client.
    private static func ordered(_ polls: [ClientPoll]) -> [ClientPoll] {
        polls.sorted { ($1.lastSeen, $0.feed, $0.client) < ($0.lastSeen, $1.feed, $1.client) }
    }
}
