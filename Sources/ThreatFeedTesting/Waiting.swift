import Foundation

/// What a test waited for did not happen in time; thrown (so the test fails) with what it was.
public struct GaveUpWaiting: Error, CustomStringConvertible {
    public let what: String
    public let seconds: Double
    public var description: String { "gave up waiting after \(seconds) s: \(what)" }
}

/// The one way tests wait for something a real process or server does: look at `condition` every
/// `every` until it holds, and throw `GaveUpWaiting` after `limit` seconds. The wait ends as soon as
/// the condition holds; it never proves that something did *not* happen (wait for a later event for that).
public func waitUntil(
    _ what: @autoclosure () -> String, limit: Double = 60, every: Duration = .milliseconds(50), _ condition: () throws -> Bool
) async throws {
    _ = try await waitFor(what(), limit: limit, every: every) { try condition() ? true : nil }
}

/// Like `waitUntil`, for a value: looks at `probe` until it gives one, and returns it.
public func waitFor<T>(
    _ what: @autoclosure () -> String, limit: Double = 60, every: Duration = .milliseconds(50), _ probe: () throws -> T?
) async throws -> T {
    let deadline = Date().addingTimeInterval(limit)
    while true {
        if let value = try probe() { return value }
        guard Date() < deadline else { throw GaveUpWaiting(what: what(), seconds: limit) }
        try await Task.sleep(for: every)
    }
}
