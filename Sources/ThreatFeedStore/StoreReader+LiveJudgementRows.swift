import Foundation
import GRDB
import GRDBSQLite
import ThreatFeedCore

extension StoreReader {
    /// `forEachLiveJudgement`'s rows, each handed over as a `LiveJudgementRow` that borrows the statement's column
    /// bytes: a full poll renders a million rows without building a `String`, `Date` or `Judgement` for any of them.
    ///
    /// Text reads as GRDB reads a `String` (up to the first NUL, invalid UTF-8 repaired), so the rendered bytes are
    /// those of the struct path; only the rare repaired value is copied.
    public func forEachLiveJudgementRow(
        ofIndicator id: String, at now: Date, after: TimestampLabel? = nil, upTo: TimestampLabel? = nil, offset: Int = 0,
        limit: Int? = nil, _ body: (LiveJudgementRow) throws -> Void
    ) throws {
        // Numbered parameters, bound by position: named ones are matched by name on every poll.
        let sql = """
            SELECT j.uuid, j.label, j.modified, o.type, o.value, j.disposition, j.confidence, j.reason, j.valid_start, j.valid_end
            FROM judgement j JOIN observable o ON o.id = j.observable_id
            WHERE j.indicator_id = ?1 AND \(Self.liveAtParameter2) AND j.label > ?3 AND j.label <= ?4
            ORDER BY j.label LIMIT ?5 OFFSET ?6
            """
        let arguments: StatementArguments = [id, micros(now), after?.microseconds ?? Int64.min, upTo?.microseconds ?? Int64.max, limit ?? -1, offset]
        var repairs = RepairedText()
        defer { repairs.free() }
        try StatementColumns.forEachRow(db, sql: sql, arguments: arguments) { columns in
            let handle = columns.handle
            let typeName = repairs.text(handle, 3)
            let type = LiveJudgementRow.observableType(typeName) ?? .domain
            let end: Int64? = sqlite3_column_type(handle, 9) == SQLITE_NULL ? nil : sqlite3_column_int64(handle, 9)
            let row = LiveJudgementRow(
                id: repairs.text(handle, 0), label: TimestampLabel(microseconds: sqlite3_column_int64(handle, 1)),
                modifiedMicros: sqlite3_column_int64(handle, 2), type: type, value: repairs.text(handle, 4),
                disposition: Disposition(rawValue: Int(sqlite3_column_int64(handle, 5))) ?? .unknown,
                confidence: LiveJudgementRow.confidence(repairs.text(handle, 6)) ?? .unknown, reason: repairs.text(handle, 7),
                validStartMicros: sqlite3_column_int64(handle, 8), validEndMicros: end
            )
            try body(row)
            repairs.free()
        }
    }
}

/// Text columns as `String(cString:)` (how GRDB decodes text) would see them, without building the `String`: up to the
/// first NUL, and valid UTF-8. The bytes are SQLite's own unless they need repair; repaired copies live until `free()`.
struct RepairedText {
    private var copies: [UnsafeMutableBufferPointer<UInt8>] = []

    /// Column `column` of the current row; empty for NULL.
    mutating func text(_ handle: OpaquePointer, _ column: Int32) -> UnsafeBufferPointer<UInt8> {
        guard let pointer = sqlite3_column_text(handle, column) else { return UnsafeBufferPointer(start: nil, count: 0) }
        let stored = UnsafeBufferPointer(start: pointer, count: Int(sqlite3_column_bytes(handle, column)))
        return repaired(stored)
    }

    /// `bytes` cut at the first NUL, repaired if not valid UTF-8. Every text column of every polled row passes here:
    /// the NUL is looked for by `memchr` and ASCII is checked eight bytes at a time.
    mutating func repaired(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return bytes }
        let length = memchr(base, 0, bytes.count).map { UnsafeRawPointer(base).distance(to: UnsafeRawPointer($0)) } ?? bytes.count
        let raw = UnsafeRawPointer(base)
        var high: UInt64 = 0
        var index = 0
        while index + 8 <= length {
            high |= raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            index += 8
        }
        while index < length {
            high |= UInt64(base[index])
            index += 1
        }
        let ascii = high & 0x8080_8080_8080_8080 == 0
        let text = UnsafeBufferPointer(rebasing: bytes[..<length])
        if ascii || String(validating: text, as: UTF8.self) != nil { return text }
        var repaired = String(decoding: text, as: UTF8.self)
        let copy = repaired.withUTF8 { utf8 in
            let copy = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: utf8.count)
            _ = copy.initialize(from: utf8)
            return copy
        }
        copies.append(copy)
        return UnsafeBufferPointer(copy)
    }

    mutating func free() {
        for copy in copies { copy.deallocate() }
        copies.removeAll(keepingCapacity: true)
    }
}
