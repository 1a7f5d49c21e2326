import Foundation
import Synchronization

/// What one poll cycle may spend on ETD's search: a number of pages and a deadline, shared by the cycle's searches.
public final class ETDCycleBudget: Sendable {
    public let maxPages: Int
    public let deadline: Date
    private let started: Date
    private let spent = Mutex(0)

    public init(maxPages: Int, started: Date, within seconds: Double) {
        self.maxPages = maxPages
        self.started = started
        self.deadline = started.addingTimeInterval(seconds)
    }

    public var pages: Int { spent.withLock { $0 } }

    /// Counts the page about to be asked for, or throws if the cycle may ask for no more.
    func spendPage(endpoint: String, now: Date) throws(ETDError) {
        let pages = spent.withLock { $0 }
        if now > deadline { throw .cycleDeadlinePassed(seconds: Int(deadline.timeIntervalSince(started)), pages: pages) }
        if pages >= maxPages { throw .tooManyPages(endpoint: endpoint, pages: pages) }
        spent.withLock { $0 += 1 }
    }
}
