import Foundation
import ThreatFeedCore

/// A token bucket: `rate` requests per second on average, at most `burst` back to back. ETD
/// counts every call against one per-tenant limit, token calls included, so every request the
/// client makes passes here first.
///
/// Each caller reserves its slot before it sleeps (the balance may go negative), so concurrent
/// callers queue in order and the actor's re-entrancy cannot let two take the same slot.
actor ETDRateLimiter {
    private let rate: Double
    private let burst: Double
    private let clock: any WallClock
    private var tokens: Double
    private var last: Date?

    init(rate: Double, burst: Int, clock: any WallClock) {
        self.rate = rate
        self.burst = Double(burst)
        self.clock = clock
        self.tokens = Double(burst)
    }

    func acquire() async throws {
        let now = clock.now()
        if let last {
            // A wall clock stepped backwards refills nothing rather than a negative amount.
            tokens = min(burst, tokens + max(0, now.timeIntervalSince(last)) * rate)
        }
        last = now
        tokens -= 1
        if tokens < 0 {
            try await clock.sleep(seconds: -tokens / rate)
        }
    }
}
