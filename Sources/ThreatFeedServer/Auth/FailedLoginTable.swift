import Foundation

/// Wrong passwords per client address, and which addresses are backing off.
///
/// After `threshold` failures (none older than `forgetAfter` between them), an address is refused without a
/// password check for `backOff`, doubled for every further failure up to `maxBackOff`. A success forgets the
/// address. At most `capacity` addresses are kept: when full, expired entries go first, then the one whose last
/// failure is oldest, so memory stays bounded whatever the number of addresses.
///
/// Plain value type, driven by the caller's clock (the server's injected one), so tests step time instead of sleeping.
struct FailedLoginTable: Sendable {
    struct Policy: Sendable {
        var threshold = 5
        var backOff: TimeInterval = 60
        var maxBackOff: TimeInterval = 15 * 60
        var forgetAfter: TimeInterval = 15 * 60
        var capacity = 10_000
    }

    private struct Entry {
        var failures: Int
        var lastFailure: Date
        var blockedUntil: Date?
    }

    let policy: Policy
    private var entries: [String: Entry] = [:]

    init(policy: Policy = Policy()) {
        self.policy = policy
    }

    var count: Int { entries.count }

    /// When `address` may try again, if it is backing off now.
    func blockedUntil(_ address: String, now: Date) -> Date? {
        guard let until = entries[address]?.blockedUntil, until > now else { return nil }
        return until
    }

    /// Counts a failure; returns the end of the back-off it starts, if it starts one.
    mutating func recordFailure(_ address: String, now: Date) -> Date? {
        var entry = entries[address] ?? Entry(failures: 0, lastFailure: now, blockedUntil: nil)
        if now.timeIntervalSince(entry.lastFailure) > policy.forgetAfter, entry.blockedUntil.map({ $0 <= now }) ?? true {
            entry.failures = 0
        }
        entry.failures += 1
        entry.lastFailure = now
        var started: Date?
        if entry.failures >= policy.threshold {
            // 1×, 2×, 4× … the base back-off; the exponent is capped so the arithmetic cannot overflow.
            let doublings = min(entry.failures - policy.threshold, 20)
            let seconds = min(policy.backOff * Double(1 << doublings), policy.maxBackOff)
            entry.blockedUntil = now.addingTimeInterval(seconds)
            started = entry.blockedUntil
        }
        if entries[address] == nil, entries.count >= policy.capacity { makeRoom(now: now) }
        entries[address] = entry
        return started
    }

    mutating func recordSuccess(_ address: String) {
        entries[address] = nil
    }

    private mutating func makeRoom(now: Date) {
        let stale = entries.filter { element in
            (element.value.blockedUntil.map { $0 <= now } ?? true) && now.timeIntervalSince(element.value.lastFailure) > policy.forgetAfter
        }
        if !stale.isEmpty {
            for key in stale.keys { entries[key] = nil }
            return
        }
        if let oldest = entries.min(by: { $0.value.lastFailure < $1.value.lastFailure })?.key { entries[oldest] = nil }
    }
}
