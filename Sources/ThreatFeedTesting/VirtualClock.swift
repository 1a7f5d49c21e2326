import Foundation
import Synchronization
import ThreatFeedCore

/// A `WallClock` on a `TestClock`: sleeping advances the clock at once and is recorded, so hours of back-off and
/// intervals take no real time and tests can assert what was waited. The one virtual clock of every test target.
public final class VirtualClock: WallClock {
    public let clock: TestClock
    private let slept = Mutex<[Double]>([])

    public init(_ clock: TestClock = TestClock()) { self.clock = clock }

    public func now() -> Date { clock.now }

    public func sleep(seconds: Double) async throws {
        try Task.checkCancellation()
        slept.withLock { $0.append(seconds) }
        if seconds > 0 { clock.advance(by: seconds) }
        await Task.yield()
    }

    /// Every wait asked for, in order.
    public var sleeps: [Double] { slept.withLock { $0 } }
}
