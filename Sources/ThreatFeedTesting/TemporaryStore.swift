import Foundation
import ThreatFeedStore

/// A new, empty store in a temporary directory that is removed afterwards: the one way a test opens a store of its
/// own. `clock` is the store's "now" (the wall clock when nil).
public func withTemporaryStore<T>(clock: TestClock? = nil, _ body: (Store) async throws -> T) async throws -> T {
    try await withTemporaryDirectory { directory in
        var now: @Sendable () -> Date = { Date() }
        if let clock { now = clock.function }
        let store = try Store(path: directory.file("threatfeed.sqlite"), clock: now)
        return try await body(store)
    }
}
