import GRDB
import GRDBSQLite

/// The current row of a statement, read by position straight from SQLite, for the queries every request runs.
///
/// Starting a GRDB `Row` cursor builds a table of the statement's column names (lower-cased, hashed), which cost as
/// much as reading a feed's row and a third of the window query's start (RESULTS.md, "… session 6"). Values decode
/// as GRDB decodes them (`String(cString:)`, SQLite's own integer conversion); a NULL where a value is required is a
/// clear `StoreError`, never a crash.
struct StatementColumns {
    let handle: SQLiteStatement
    let sql: String

    /// Runs `sql` (a cached statement) with `arguments` and calls `body` once per row, with the row current.
    static func forEachRow(
        _ db: Database, sql: String, arguments: StatementArguments = [], _ body: (StatementColumns) throws -> Void
    ) throws {
        let statement = try db.cachedStatement(sql: sql)
        // A cursor of column 0 as an optional integer steps the statement without building a `Row`; the value is
        // not used, whatever the column holds.
        let rows = try Int64?.fetchCursor(statement, arguments: arguments)
        let columns = StatementColumns(handle: statement.sqliteStatement, sql: sql)
        while try rows.next() != nil { try body(columns) }
    }

    /// Every row of `sql`, each made by `make` while it is current.
    static func rows<T>(
        _ db: Database, sql: String, arguments: StatementArguments = [], _ make: (StatementColumns) throws -> T
    ) throws -> [T] {
        var rows: [T] = []
        try forEachRow(db, sql: sql, arguments: arguments) { rows.append(try make($0)) }
        return rows
    }

    func isNull(_ index: Int32) -> Bool { sqlite3_column_type(handle, index) == SQLITE_NULL }

    func string(_ index: Int32) throws(StoreError) -> String {
        guard let text = sqlite3_column_text(handle, index) else { throw missing(index) }
        return String(cString: text)
    }

    func optionalString(_ index: Int32) -> String? {
        sqlite3_column_text(handle, index).map { String(cString: $0) }
    }

    func int64(_ index: Int32) throws(StoreError) -> Int64 {
        guard !isNull(index) else { throw missing(index) }
        return sqlite3_column_int64(handle, index)
    }

    func optionalInt64(_ index: Int32) -> Int64? {
        isNull(index) ? nil : sqlite3_column_int64(handle, index)
    }

    private func missing(_ index: Int32) -> StoreError {
        let name = sqlite3_column_name(handle, index).map { String(cString: $0) } ?? "column \(index)"
        let path = sqlite3_db_filename(sqlite3_db_handle(handle), "main").map { String(cString: $0) } ?? ""
        return .corrupt(path: path, detail: "\(name) is NULL in a row of: \(sql)")
    }
}
