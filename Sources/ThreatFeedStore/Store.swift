import Foundation
import GRDB
import ThreatFeedCore

#if canImport(Glibc)
import Glibc
#endif

/// The SQLite file that holds indicators, observables, judgements and feeds.
///
/// One writer and many concurrent readers (WAL, `DatabasePool`): the importer and the
/// ETD poller write, HTTP requests read. Callers use the intention-revealing methods in
/// the `Store+…` files and `StoreReader`, never SQL.
public final class Store: Sendable {
    public let path: String
    let pool: DatabasePool
    /// Synchronous reads for request handlers, on connections of their own (see `RequestReaders`).
    let requestReaders: RequestReaders
    /// Injected so that tests can step the clock back and check that labels never do.
    let clock: @Sendable () -> Date

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    ///
    /// A new directory is created mode 0700 and a new file mode 0600: indicators and
    /// feed secrets are not for other local users.
    public init(path: String, clock: @escaping @Sendable () -> Date = { Date() }) throws(StoreError) {
        self.path = path
        self.clock = clock
        requestReaders = RequestReaders(path: path)
        try Store.prepareFile(at: path)
        var configuration = Configuration()
        // A concurrent import holds the write lock for its whole transaction; wait a while rather than fail.
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // A statement that fires triggers (judgement_tally) keeps a statement journal; in a file, that is a score
            // of writes per imported row (strace: 16k → 399k pwrite calls for 20,000 rows). In memory it is a buffer.
            // The writer only: readers sort a million rows for the CTIA text view, which in memory tripled its peak.
            if !db.configuration.readonly { try db.execute(sql: "PRAGMA temp_store = MEMORY") }
        }
        do {
            Store.setPageSizeIfEmpty(path)
            pool = try DatabasePool(path: path, configuration: configuration)
            let migrator = Migrations.migrator
            let (superseded, applied, complete) = try pool.read { db in
                (try migrator.hasBeenSuperseded(db), try migrator.appliedIdentifiers(db), try migrator.hasCompletedMigrations(db))
            }
            if superseded { throw StoreError.newerSchema(path: path) }
            if !complete, !applied.isEmpty {
                // An upgrade: keep a copy of the database as it was, in case the new version must be rolled back.
                let copy = "\(path).before-\(migrator.migrations.last ?? "upgrade").bak"
                try Store.backup(pool, to: copy)
            }
            try migrator.migrate(pool)
        } catch let error as StoreError {
            throw error
        } catch {
            throw Store.translate(error, path: path)
        }
    }

    private static func prepareFile(at path: String) throws(StoreError) {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        let files = FileManager.default
        var isDirectory: ObjCBool = false
        if !files.fileExists(atPath: directory, isDirectory: &isDirectory) {
            do {
                try files.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw .cannotCreateDirectory(path: directory, reason: (error as NSError).localizedDescription)
            }
        }
        if files.fileExists(atPath: path, isDirectory: &isDirectory) {
            if isDirectory.boolValue { throw .notAFile(path: path) }
            if !files.isWritableFile(atPath: path) { throw .readOnly(path: path) }
            return
        }
        // Create the file ourselves so its mode is 0600 whatever the umask; SQLite gives -wal/-shm the same mode.
        let fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        if fd < 0 {
            if errno == EACCES || errno == EROFS { throw .readOnly(path: directory) }
            throw .cannotCreateDirectory(path: directory, reason: String(cString: strerror(errno)))
        }
        close(fd)
    }

    /// The page size of new databases. SQLite's default is 4 KiB; with 8 KiB a million-line import took 10–20 % less
    /// time (fewer pages to write to the WAL and copy at the checkpoint, one system call each), as 16 KiB did, while
    /// lookups, which read a few pages from all over the file, lose less than with 16 KiB (Benchmarks/RESULTS.md). A
    /// database keeps the size it was made with (WAL mode cannot change it), so older files stay at 4 KiB.
    static let pageSize = 8_192

    /// Gives an empty file (new, or made by a run that stopped before its first write) the page size of new
    /// databases, before WAL mode fixes it. Only a speed-up: should it fail (another process opening the same new
    /// file got there first), the database opens as it is and any real problem is reported by that open.
    private static func setPageSizeIfEmpty(_ path: String) {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        guard size == 0 else { return }
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        guard let queue = try? DatabaseQueue(path: path, configuration: configuration) else { return }
        try? queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA page_size = \(pageSize); VACUUM") }
        try? queue.close()
    }

    /// Maps SQLite failures to errors that say what to do.
    static func translate(_ error: any Error, path: String) -> StoreError {
        if let error = error as? StoreError { return error }
        guard let error = error as? DatabaseError else { return .sqlite(path: path, detail: "\(error)") }
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED: return .locked(path: path)
        case .SQLITE_READONLY, .SQLITE_PERM: return .readOnly(path: path)
        case .SQLITE_NOTADB: return .notADatabase(path: path)
        case .SQLITE_CORRUPT: return .corrupt(path: path, detail: error.message ?? "corrupt")
        case .SQLITE_CANTOPEN: return .readOnly(path: path)
        default: return .sqlite(path: path, detail: error.message ?? "\(error.resultCode)")
        }
    }

    // MARK: Backup, restore, prune

    /// A consistent copy of the whole database at `destination` (SQLite's online backup: safe while the
    /// server reads and the importer writes). The file is created mode 0600; an existing file is replaced.
    public func backup(to destination: String) throws(StoreError) {
        do {
            try Store.backup(pool, to: destination)
        } catch let error as StoreError {
            throw error
        } catch {
            throw Store.translate(error, path: destination)
        }
    }

    private static func backup(_ pool: DatabasePool, to destination: String) throws {
        let temporary = destination + ".partial"
        try createEmptyPrivateFile(temporary)
        do {
            let target = try DatabaseQueue(path: temporary)
            try pool.backup(to: target)
            try target.close()
            // Renamed into place only when complete: a crash mid-backup never leaves a half copy under the real name.
            if rename(temporary, destination) != 0 { throw StoreError.readOnly(path: destination) }
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
    }

    /// A new empty file, mode 0600 whatever the umask, for a copy of the database (which holds feed secrets); what a
    /// stopped run left under that name, journal and WAL included, goes first.
    private static func createEmptyPrivateFile(_ path: String) throws {
        removeDatabaseFiles(path)
        let fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw StoreError.readOnly(path: path) }
        close(fd)
    }

    private static func removeDatabaseFiles(_ path: String) {
        for suffix in ["", "-journal", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    /// What `restore` found in a backup before copying it in.
    public struct BackupSummary: Sendable, Equatable {
        public var indicators: Int
        public var feeds: Int
        public var judgements: Int
    }

    /// Checks that `source` is a sound ThreatFeed database this version can read, without changing it.
    public static func inspectBackup(at source: String) throws(StoreError) -> BackupSummary {
        guard FileManager.default.isReadableFile(atPath: source) else { throw .sqlite(path: source, detail: "no such file or not readable") }
        do {
            var configuration = Configuration()
            configuration.readonly = true
            let queue = try DatabaseQueue(path: source, configuration: configuration)
            defer { try? queue.close() }
            return try queue.read { db in
                let problems = try String.fetchAll(db, sql: "PRAGMA integrity_check")
                guard problems == ["ok"] else { throw StoreError.corrupt(path: source, detail: problems.prefix(3).joined(separator: "; ")) }
                let migrator = Migrations.migrator
                if try migrator.hasBeenSuperseded(db) { throw StoreError.newerSchema(path: source) }
                guard try db.tableExists("judgement"), try db.tableExists("feed") else { throw StoreError.notADatabase(path: source) }
                // Its schema history must be a prefix of ours (an older ThreatFeed's, brought up to date on restore),
                // not another program's tables that happen to share names.
                // (Unknown identifiers were refused just above as a newer schema.)
                let known = migrator.migrations
                guard try db.tableExists("grdb_migrations") else { throw StoreError.notADatabase(path: source) }
                let applied = try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
                guard Set(applied) == Set(known.prefix(applied.count)) else {
                    throw StoreError.corrupt(path: source, detail: "schema migrations with gaps: \(applied.joined(separator: ", "))")
                }
                // Every name must read back: the server would refuse them on every request otherwise.
                for table in ["indicator", "feed", "user"] where try db.tableExists(table) {
                    for row in try Row.fetchAll(db, sql: "SELECT name FROM \(table)") {
                        _ = try StoreReader.storedName(row, kind: table)
                    }
                }
                return BackupSummary(
                    indicators: try Int.fetchOne(db, sql: "SELECT count(*) FROM indicator") ?? 0,
                    feeds: try Int.fetchOne(db, sql: "SELECT count(*) FROM feed") ?? 0,
                    judgements: try Int.fetchOne(db, sql: "SELECT count(*) FROM judgement") ?? 0
                )
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw translate(error, path: source)
        }
    }

    /// Replaces this database's content with `source`'s, through SQLite's backup API (so a server reading it
    /// sees either the old or the new content, never a mix), then brings the schema up to date.
    public func restore(from source: String) throws(StoreError) {
        _ = try Store.inspectBackup(at: source)
        do {
            var configuration = Configuration()
            configuration.readonly = true
            let queue = try DatabaseQueue(path: source, configuration: configuration)
            defer { try? queue.close() }
            let ownPageSize = try pool.read { try Int.fetchOne($0, sql: "PRAGMA page_size") }
            if try queue.read({ try Int.fetchOne($0, sql: "PRAGMA page_size") }) != ownPageSize, let ownPageSize {
                // SQLite's backup cannot change the page size of a WAL database (a backup from before 8 KiB pages):
                // copy it at this database's page size first.
                try Store.withCopy(of: queue, pageSize: ownPageSize, besides: path) { copy in try copy.backup(to: pool) }
            } else {
                try queue.backup(to: pool)
            }
            try Migrations.migrator.migrate(pool)
            // Feed view caches key on indicator revisions: move every one past anything a running server cached.
            try pool.write { db in try db.execute(sql: "UPDATE indicator SET revision = revision + 1000000000") }
        } catch let error as StoreError {
            throw error
        } catch {
            throw Store.translate(error, path: path)
        }
    }

    /// `source` copied (VACUUM INTO) to a temporary file next to `path` with pages of `pageSize` bytes, mode 0600,
    /// removed after `body`.
    private static func withCopy(of source: DatabaseQueue, pageSize: Int, besides path: String, _ body: (DatabaseQueue) throws -> Void) throws {
        let temporary = path + ".restore-\(getpid())"
        try createEmptyPrivateFile(temporary)
        defer { removeDatabaseFiles(temporary) }
        try source.inDatabase { db in
            try db.execute(sql: "PRAGMA page_size = \(pageSize)")
            try db.execute(sql: "VACUUM INTO ?", arguments: [temporary])
        }
        var configuration = Configuration()
        configuration.readonly = true
        let copy = try DatabaseQueue(path: temporary, configuration: configuration)
        defer { try? copy.close() }
        try body(copy)
    }

    // MARK: Reading and writing

    /// Runs named queries on a consistent snapshot, off the caller's thread.
    public func read<T: Sendable>(_ body: @escaping @Sendable (StoreReader) throws -> T) async throws(StoreError) -> T {
        do {
            return try await pool.read { db in try body(StoreReader(db: db)) }
        } catch {
            throw Store.translate(error, path: path)
        }
    }

    /// Synchronous read, for the command line and tests.
    public func readNow<T>(_ body: (StoreReader) throws -> T) throws(StoreError) -> T {
        do {
            return try pool.read { db in try body(StoreReader(db: db)) }
        } catch {
            throw Store.translate(error, path: path)
        }
    }

    /// Synchronous read on the caller's thread, for request handlers' short reads: no thread hops, and no risk of
    /// waiting on a connection that an async read holds (`RequestReaders`). Never call it inside another read.
    public func readOnCallersThread<T>(_ body: (StoreReader) throws -> T) throws(StoreError) -> T {
        do {
            return try requestReaders.read { db in try body(StoreReader(db: db)) }
        } catch {
            throw Store.translate(error, path: path)
        }
    }

    /// One write transaction: everything in `body` lands, or nothing does.
    ///
    /// Errors thrown by `body` that are not database errors pass through unchanged, after the rollback.
    public func writeNow<T>(_ body: (StoreWriter) throws -> T) throws -> T {
        try transaction(commit: true, body)
    }

    /// Like `write`, but always rolls back: the counts are real, the file is untouched (`--dry-run`).
    public func rehearse<T>(_ body: (StoreWriter) throws -> T) throws -> T {
        try transaction(commit: false, body)
    }

    private func transaction<T>(commit: Bool, _ body: (StoreWriter) throws -> T) throws -> T {
        do {
            return try pool.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    let writer = StoreWriter(db: db, now: clock())
                    result = try body(writer)
                    guard commit else { return .rollback }
                    try writer.finish()
                    return .commit
                }
                return result!
            }
        } catch let error as DatabaseError {
            throw Store.translate(error, path: path)
        }
    }

    /// Async write for servers and pollers: runs on GRDB's writer queue, not the caller's thread.
    public func write<T: Sendable>(_ body: @escaping @Sendable (StoreWriter) throws -> T) async throws -> T {
        do {
            let now = clock
            return try await pool.write { db in
                let writer = StoreWriter(db: db, now: now())
                let result = try body(writer)
                try writer.finish()
                return result
            }
        } catch let error as DatabaseError {
            throw Store.translate(error, path: path)
        }
    }

    /// `PRAGMA integrity_check`: "ok" or the problems SQLite found.
    public func integrityCheck() throws(StoreError) -> [String] {
        do {
            return try pool.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
        } catch {
            throw Store.translate(error, path: path)
        }
    }

    /// Whether the database answers a trivial query (readiness).
    public func ping() async -> Bool {
        (try? await pool.read { db in try Int.fetchOne(db, sql: "SELECT 1") }) == 1
    }
}
