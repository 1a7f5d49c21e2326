import ThreatFeedCore

/// CSV with a header row, RFC 4180 quoting (`"a,b"`, `""` inside quotes, line breaks inside
/// quotes), LF or CRLF.
///
/// Decisions: header names are case-insensitive and `-` or a space counts as `_`
/// (`Valid Until` works); `type` is optional: an empty or absent type means the forced type
/// or auto-detection, as in text files; `description` and `reason` are the same column.
/// `#` lines are comments only before the header: after it, a row is data. Rows whose cells
/// are all empty (spreadsheet padding) are skipped like blank lines.
enum CSVImportParser {
    enum Column: String {
        case type, value, disposition
        case dispositionName = "disposition_name"
        case severity, confidence, tlp
        case validFrom = "valid_from"
        case validUntil = "valid_until"
        case reason
        case priority

        init?(key: String) {
            if key == "description" {
                self = .reason
                return
            }
            self.init(rawValue: key)
        }

        /// The names accepted in a header, for messages.
        static let namesForHelp = "type, value, disposition, disposition_name, severity, confidence, tlp, valid_from, valid_until, description (or reason), priority"
    }

    /// A header cell as compared: trimmed, lower-case, `-` and spaces as `_`.
    static func columnKey(_ cell: String) -> String {
        var key = ImportText.trimmed(cell)
        if key.hasPrefix("\""), key.hasSuffix("\""), key.count >= 2 { key = String(key.dropFirst().dropLast()) }
        return String(key.lowercased().map { $0 == "-" || $0 == " " ? "_" : $0 })
    }

    static func parse(
        _ bytes: UnsafeBufferPointer<UInt8>,
        forcedType: ObservableType?,
        record: (ImportRecord) throws -> Void,
        reject: (ImportRejection) throws -> Void
    ) throws {
        var reader = CSVRecordReader(bytes: bytes, start: try ImportBytes.contentStart(bytes))
        var columns: [(column: Column, name: String)] = []
        var headerFound = false
        var interpreter = EntryInterpreter(forcedType: forcedType)

        while let row = try reader.next(skippingComments: !headerFound) {
            if row.isBlank { continue }
            if !headerFound {
                columns = try header(row)
                headerFound = true
                continue
            }
            if let problem = row.problem {
                try reject(ImportRejection(line: row.line, reason: problem))
                continue
            }
            guard row.count == columns.count else {
                try reject(
                    ImportRejection(
                        line: row.line,
                        reason: "expected \(columns.count) fields (as in the header), found \(row.count)"
                    )
                )
                continue
            }
            do {
                let raw = try entry(row, columns: columns)
                try record(try interpreter.record(from: raw, line: row.line))
            } catch let problem as EntryProblem {
                try reject(ImportRejection(line: row.line, reason: problem.reason))
            }
        }
        if !headerFound {
            throw ImportFileError(problem: "no header row: the first line must name the columns, e.g. type,value,disposition")
        }
    }

    /// The header's columns, each with its name as written (normalised), for messages.
    private static func header(_ row: CSVRecordReader.Row) throws(ImportFileError) -> [(column: Column, name: String)] {
        if let problem = row.problem { throw ImportFileError(line: row.line, problem: "header: \(problem)") }
        var columns: [(column: Column, name: String)] = []
        var seen: [Column: (number: Int, name: String)] = [:]
        for number in 0..<row.count {
            let cell = try row.cellText(number, headerLine: row.line)
            let key = columnKey(cell)
            guard !key.isEmpty else {
                throw ImportFileError(line: row.line, problem: "header column \(number + 1) has no name")
            }
            guard let column = Column(key: key) else {
                throw ImportFileError(
                    line: row.line,
                    problem: "unknown column \(ImportText.quoted(ImportText.trimmed(cell))) (column \(number + 1)); known columns: \(Column.namesForHelp)"
                )
            }
            if let earlier = seen[column] {
                let same = earlier.name == key
                throw ImportFileError(
                    line: row.line,
                    problem: same
                        ? "column \"\(key)\" appears twice (columns \(earlier.number) and \(number + 1))"
                        : "columns \"\(earlier.name)\" and \"\(key)\" (columns \(earlier.number) and \(number + 1)) both give the reason; keep one"
                )
            }
            seen[column] = (number + 1, key)
            columns.append((column, key))
        }
        guard seen[.value] != nil else {
            let found = (0..<row.count).compactMap { try? columnKey(row.cellText($0, headerLine: row.line)) }
            throw ImportFileError(
                line: row.line,
                problem: "the header has no \"value\" column (found: \(found.joined(separator: ", ")))"
            )
        }
        return columns
    }

    private static func entry(
        _ row: CSVRecordReader.Row, columns: [(column: Column, name: String)]
    ) throws(EntryProblem) -> RawEntry {
        var raw = RawEntry()
        for (number, (column, name)) in columns.enumerated() {
            let range = row.range(number)
            if column == .value, range.count > ImportLimits.maxValueBytes {
                throw EntryProblem(ImportText.tooLong(range.count))
            }
            let text = try row.cellText(number, column: name)
            switch column {
            case .type: raw.type = text
            case .value: raw.value = text
            case .disposition: raw.disposition = text
            case .dispositionName: raw.dispositionName = text
            case .severity: raw.severity = text
            case .confidence: raw.confidence = text
            case .tlp: raw.tlp = text
            case .validFrom: raw.validFrom = text
            case .validUntil: raw.validUntil = text
            case .priority: raw.priority = text
            case .reason:
                raw.reason = text
                raw.reasonField = name
            }
        }
        return raw
    }
}

/// Splits CSV bytes into records, unquoting fields into a reused buffer.
struct CSVRecordReader {
    /// One record: its unquoted field bytes, and the first problem found while reading it.
    struct Row {
        var line: Int
        var storage: [UInt8]
        var ends: [Int]
        var problem: String?

        var count: Int { ends.count }
        var isBlank: Bool { problem == nil && storage.allSatisfy { ImportBytes.isBlank($0) || $0 == 0x0D || $0 == 0x0A } }

        func range(_ field: Int) -> Range<Int> { (field == 0 ? 0 : ends[field - 1])..<ends[field] }

        /// The field as text, refusing NULs and invalid UTF-8 (named by column).
        func cellText(_ field: Int, column: String) throws(EntryProblem) -> String {
            do {
                return try cellText(field)
            } catch let problem as CellProblem {
                throw EntryProblem("column \"\(column)\" \(problem.text)")
            } catch {
                throw EntryProblem("column \"\(column)\": \(error)")
            }
        }

        func cellText(_ field: Int, headerLine: Int) throws(ImportFileError) -> String {
            do {
                return try cellText(field)
            } catch let problem as CellProblem {
                throw ImportFileError(line: headerLine, problem: "header column \(field + 1) \(problem.text)")
            } catch {
                throw ImportFileError(line: headerLine, problem: "header column \(field + 1): \(error)")
            }
        }

        private struct CellProblem: Error { var text: String }

        private func cellText(_ field: Int) throws -> String {
            let range = range(field)
            return try storage.withUnsafeBufferPointer { buffer in
                var index = range.lowerBound
                while index < range.upperBound {
                    let byte = buffer[index]
                    if byte == 0 { throw CellProblem(text: "contains a NUL byte") }
                    if byte < 0x80 {
                        index += 1
                        continue
                    }
                    guard let length = ImportBytes.utf8SequenceLength(buffer, at: index, end: range.upperBound) else {
                        throw CellProblem(
                            text: "is not valid UTF-8 (\(ImportBytes.describe(byte)) at byte \(index - range.lowerBound + 1) of the field); save the file as UTF-8"
                        )
                    }
                    index += length
                }
                return ImportBytes.string(buffer, range)
            }
        }
    }

    let bytes: UnsafeBufferPointer<UInt8>
    private var index: Int
    private var line = 1
    private var row = Row(line: 0, storage: [], ends: [], problem: nil)

    init(bytes: UnsafeBufferPointer<UInt8>, start: Int) {
        self.bytes = bytes
        self.index = start
        row.storage.reserveCapacity(256)
        row.ends.reserveCapacity(16)
    }

    private static let quote = UInt8(ascii: "\"")
    private static let comma = UInt8(ascii: ",")

    /// The next record, or nil at the end. An unclosed quote swallows the rest of the file,
    /// so it is a whole-file error naming the line where the quote opened.
    mutating func next(skippingComments: Bool) throws(ImportFileError) -> Row? {
        let end = bytes.count
        if skippingComments {
            while index < end {
                var first = index
                while first < end, ImportBytes.isBlank(bytes[first]) { first += 1 }
                guard first < end, bytes[first] == UInt8(ascii: "#") else { break }
                while index < end, bytes[index] != 0x0A { index += 1 }
                if index < end {
                    index += 1
                    line += 1
                }
            }
        }
        guard index < end else { return nil }
        row.line = line
        row.storage.removeAll(keepingCapacity: true)
        row.ends.removeAll(keepingCapacity: true)
        row.problem = nil

        while true {
            if index < end, bytes[index] == Self.quote {
                let openLine = line
                let openColumn = column(of: index)
                index += 1
                while true {
                    guard index < end else {
                        throw ImportFileError(
                            line: openLine, column: openColumn,
                            problem: "the quoted field opened here is never closed"
                        )
                    }
                    let byte = bytes[index]
                    if byte == Self.quote {
                        if index + 1 < end, bytes[index + 1] == Self.quote {
                            row.storage.append(Self.quote)
                            index += 2
                            continue
                        }
                        index += 1
                        break
                    }
                    if byte == 0x0A { line += 1 }
                    row.storage.append(byte)
                    index += 1
                }
                // Only blanks may sit between the closing quote and the delimiter.
                while index < end, ImportBytes.isBlank(bytes[index]) { index += 1 }
                if index < end, !atFieldEnd(end) {
                    if row.problem == nil {
                        row.problem = "unexpected \(ImportBytes.describe(bytes[index])) after the closing quote of field \(row.ends.count + 1) on line \(line)"
                    }
                    while index < end, !atFieldEnd(end) { index += 1 }
                }
            } else {
                while index < end, !atFieldEnd(end) {
                    row.storage.append(bytes[index])
                    index += 1
                }
            }
            row.ends.append(row.storage.count)
            if index < end, bytes[index] == Self.comma {
                index += 1
                continue
            }
            if index < end, bytes[index] == 0x0D { index += 1 }
            if index < end, bytes[index] == 0x0A {
                index += 1
                line += 1
            }
            return row
        }
    }

    /// At a comma, LF or the CR of a CRLF.
    @inline(__always)
    private func atFieldEnd(_ end: Int) -> Bool {
        let byte = bytes[index]
        return byte == Self.comma || byte == 0x0A || (byte == 0x0D && (index + 1 == end || bytes[index + 1] == 0x0A))
    }

    private func column(of position: Int) -> Int {
        var start = position
        while start > 0, bytes[start - 1] != 0x0A { start -= 1 }
        return (start..<position).reduce(1) { $0 + (bytes[$1] & 0xC0 == 0x80 ? 0 : 1) }
    }
}
