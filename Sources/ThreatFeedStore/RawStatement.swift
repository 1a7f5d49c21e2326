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

    /// Rows changed by the last INSERT/UPDATE/DELETE on this connection.
    var changes: Int32 { sqlite3_changes(connection) }

    var lastInsertedRowID: Int64 { sqlite3_last_insert_rowid(connection) }

    /// No transaction is open (an error may have rolled it back).
    var inAutocommit: Bool { sqlite3_get_autocommit(connection) != 0 }

    /// SQLite copies text bound with it (the value's buffer may move once the call returns).
    private static var transient: sqlite3_destructor_type { unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self) }
}
