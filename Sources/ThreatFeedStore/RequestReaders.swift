import Dispatch
import Foundation
import GRDB
import Synchronization

/// Connections for short reads run synchronously on the request's own thread.
///
/// An async GRDB read hops to the reader's queue and back: three thread switches, which measured a third of a small
/// TAXII poll's CPU. A synchronous read on the main pool would save them but can deadlock: an async read keeps its
/// connection until its continuation gets a cooperative thread, and with every such thread blocked waiting for a
/// connection none ever comes. These connections serve synchronous reads only, never held across an await, so
/// whoever holds one is running and releases it; a caller that waits for one waits on running work.
///
/// Each is a plain read-only connection with its transaction opened and closed by two prepared statements: a
/// `DatabasePool` read around the same queries (a checkout through a dispatch barrier, a schema check, `BEGIN` and
/// `COMMIT` parsed anew) cost as much as the poll's own three queries (RESULTS.md, "… session 6").
///
/// Opened on first use (command-line runs never need them), read-only, after the main pool has migrated the schema.
final class RequestReaders: Sendable {
    private let path: String
    /// One permit per connection: a caller past it always finds an idle connection or room to open one.
    private let permits: DispatchSemaphore
    private let idle = Mutex<[DatabaseQueue]>([])

    init(path: String) {
        self.path = path
        permits = DispatchSemaphore(value: Self.connections)
    }

    /// More connections than event loops: every request handler reads here, and a waiting caller blocks its thread.
    static var connections: Int { max(4, 2 * ProcessInfo.processInfo.activeProcessorCount) }

    /// `body` inside one read transaction: every query it runs sees the same snapshot.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        permits.wait()
        defer { permits.signal() }
        let connection = try idle.withLock { $0.popLast() } ?? open()
        var reusable = false
        defer { if reusable { idle.withLock { $0.append(connection) } } }
        return try connection.inDatabase { db in
            // A connection goes back to the idle list only out of any transaction, whatever went wrong in `body`.
            defer { reusable = !db.isInsideTransaction }
            try db.cachedStatement(sql: "BEGIN DEFERRED TRANSACTION").execute()
            do {
                let result = try body(db)
                try db.cachedStatement(sql: "COMMIT TRANSACTION").execute()
                return result
            } catch {
                if db.isInsideTransaction { try? db.cachedStatement(sql: "ROLLBACK TRANSACTION").execute() }
                throw error
            }
        }
    }

    private func open() throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        configuration.label = "request reader"
        return try DatabaseQueue(path: path, configuration: configuration)
    }
}
