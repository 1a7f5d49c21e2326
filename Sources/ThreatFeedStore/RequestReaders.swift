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
/// Opened on first use (command-line runs never need them), read-only, after the main pool has migrated the schema.
final class RequestReaders: Sendable {
    private let path: String
    private let opened = Mutex<DatabasePool?>(nil)

    init(path: String) {
        self.path = path
    }

    /// More connections than cooperative threads: handlers on NIO's event loops read here too, and a waiting caller
    /// blocks its thread.
    static var connections: Int { max(4, 2 * ProcessInfo.processInfo.activeProcessorCount) }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        try pool().read(body)
    }

    private func pool() throws -> DatabasePool {
        try opened.withLock { opened in
            if let opened { return opened }
            var configuration = Configuration()
            configuration.readonly = true
            configuration.busyMode = .timeout(10)
            configuration.maximumReaderCount = Self.connections
            let pool = try DatabasePool(path: path, configuration: configuration)
            opened = pool
            return pool
        }
    }
}
