import Foundation
import ThreatFeedCore
import ThreatFeedStore

/// The store side of an in-process ETD poller test: a temporary directory, a `TestClock` with the `VirtualClock` on
/// it, a store whose "now" is that clock, and the feed `etd` over the indicator the poller publishes into by
/// default. Each test builds its own ETD client and poller on top (their settings differ).
public final class ETDTestEnvironment: Sendable {
    public let directory: TemporaryDirectory
    public let testClock: TestClock
    public let clock: VirtualClock
    public let store: Store
    public let feed: Feed

    public init(indicator: String = "etd-convictions") throws {
        directory = try TemporaryDirectory()
        testClock = TestClock()
        clock = VirtualClock(testClock)
        store = try Store(path: directory.file("etd.sqlite"), clock: testClock.function)
        feed = try store.writeNow { writer in
            let (indicator, _) = try writer.indicator(named: try EntityName(indicator))
            let feed = Feed(name: try EntityName("etd"), indicatorID: indicator.id, created: writer.now)
            try writer.create(feed)
            return feed
        }
    }
}
