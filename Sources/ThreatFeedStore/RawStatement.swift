import Foundation
import GRDB
import GRDBSQLite

/// A statement prepared straight on the connection and bound through SQLite's C API, for the few writes that run a
/// million times per call (the import): GRDB's `StatementArguments` cost an array of `DatabaseValue`s per row, which
/// the import's profile showed. Used only inside one transaction of `StoreWriter`, then finalized.
final class RawStatement {
    private let connection: OpaquePointer
    private let handle: OpaquePointer
    private let sql: String

    init(_ db: Database, sql: String) throws {
        guard let connection = db.sqliteConnection else { throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "closed database") }
        var handle: OpaquePointer?
        let code = sqlite3_prepare_v3(connection, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &handle, nil)
        guard code == SQLITE_OK, let handle else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection)), sql: sql)
        }
        self.connection = connection
        self.handle = handle
        self.sql = sql
    }

    deinit { sqlite3_finalize(handle) }

    func bind(_ index: Int32, _ value: Int64) { sqlite3_bind_int64(handle, index, value) }

    func bind(_ index: Int32, _ value: Int64?) {
        if let value { sqlite3_bind_int64(handle, index, value) } else { sqlite3_bind_null(handle, index) }
    }

    func bind(_ index: Int32, _ value: String?) {
        guard var value else {
            sqlite3_bind_null(handle, index)
            return
        }
        value.withUTF8 { bytes in
            guard let base = bytes.baseAddress, !bytes.isEmpty else {
                // A nil pointer would bind NULL: an empty string is still text.
                sqlite3_bind_text(handle, index, "", 0, RawStatement.transient)
                return
            }
            base.withMemoryRebound(to: CChar.self, capacity: bytes.count) { text in
                _ = sqlite3_bind_text(handle, index, text, Int32(bytes.count), RawStatement.transient)
            }
        }
    }

    /// Binds `value` as text SQLite reads in place from `buffer` (no copy of its own, no allocation): valid until
    /// `buffer` is cleared, so clear it only before binding a statement's parameters anew. Falls back to
    /// `bind(_:_:)` when the buffer is full.
    func bind(_ index: Int32, _ value: String?, in buffer: StatementText) {
        guard var value else {
            sqlite3_bind_null(handle, index)
            return
        }
        let bound = value.withUTF8 { bytes -> Bool in
            guard !bytes.isEmpty, let copy = buffer.copy(bytes) else { return false }
            sqlite3_bind_text(handle, index, copy, Int32(bytes.count), nil)
            return true
        }
        if !bound { bind(index, value) }
    }

    /// Runs the statement to its first row: true if there is one (read it with `int64(column:)` before `reset`).
    func step() throws -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let code:
            let message = String(cString: sqlite3_errmsg(connection))
            sqlite3_reset(handle)
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: sql)
        }
    }

    func int64(column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

    func optionalInt64(column: Int32) -> Int64? {
        sqlite3_column_type(handle, column) == SQLITE_NULL ? nil : sqlite3_column_int64(handle, column)
    }

    func reset() { sqlite3_reset(handle) }

    /// Whether the column's text is `value`, byte for byte (SQLite's BINARY collation), read in place.
    func text(column: Int32, equals value: String) -> Bool {
        guard let text = sqlite3_column_text(handle, column) else { return false }
        let count = Int(sqlite3_column_bytes(handle, column))
        var value = value
        return value.withUTF8 { bytes in
            bytes.count == count && (count == 0 || memcmp(bytes.baseAddress!, text, count) == 0)
        }
    }

    /// Rows changed by the last INSERT/UPDATE/DELETE on this connection.
    var changes: Int32 { sqlite3_changes(connection) }

    var lastInsertedRowID: Int64 { sqlite3_last_insert_rowid(connection) }

    /// No transaction is open (an error may have rolled it back).
    var inAutocommit: Bool { sqlite3_get_autocommit(connection) != 0 }

    /// SQLite copies text bound with it (the value's buffer may move once the call returns).
    private static var transient: sqlite3_destructor_type { unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self) }
}

/// Text parameters of the import's multi-row statements, in one buffer that lives as long as the writer: binding
/// each with a copy SQLite allocates and frees (`SQLITE_TRANSIENT`) was 14 % of a fresh import's writer.
final class StatementText {
    private let base: UnsafeMutablePointer<CChar>
    private let capacity: Int
    private var used = 0

    init(capacity: Int = 1 << 18) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    deinit { base.deallocate() }

    /// Before a statement's parameters are bound anew: what was bound from here before must not be stepped again.
    func clear() { used = 0 }

    /// A copy of `bytes` in the buffer, or nil if it is full.
    func copy(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafePointer<CChar>? {
        guard bytes.count <= capacity - used, let source = bytes.baseAddress else { return nil }
        let destination = base + used
        UnsafeMutableRawPointer(destination).copyMemory(from: source, byteCount: bytes.count)
        used += bytes.count
        return UnsafePointer(destination)
    }
}
