import Foundation
import GRDB
import Testing
import ThreatFeedCore
import ThreatFeedTesting

@testable import ThreatFeedStore

/// A poll reads rows as `LiveJudgementRow`s borrowing the statement's column bytes. They must carry what the
/// `StoredJudgement` of the same row carries (which is what the renderer wrote from before), including for a database
/// edited by hand: text with a NUL or invalid UTF-8, unknown names, dates far away.
@Suite struct LiveJudgementRowReadTests {
    /// A row copied out of its visit, to compare.
    struct Copy: Equatable, CustomStringConvertible {
        var id: [UInt8], label: Int64, modified: Int64, type: ObservableType, value: [UInt8], disposition: Disposition
        var confidence: Confidence, reason: [UInt8], start: Int64, end: Int64?

        init(_ row: LiveJudgementRow) {
            id = Array(row.id)
            label = row.label.microseconds
            modified = row.modifiedMicros
            type = row.type
            value = Array(row.value)
            disposition = row.disposition
            confidence = row.confidence
            reason = Array(row.reason)
            start = row.validStartMicros
            end = row.validEndMicros
        }

        var description: String { "\(String(decoding: value, as: UTF8.self)) reason=\(String(decoding: reason, as: UTF8.self)) end=\(end as Any)" }
    }

    static let longURL = "https://long.example/" + String(repeating: "a", count: 2_048 - "https://long.example/".count)
    static let values: [(String, ObservableType)] = [
        ("http://malicious.example.com/a?b=1&c=<2>&d=\"q\"&e='x'", .url), ("https://xn--bcher-kva.example/p\u{E4}th", .url),
        (longURL, .url), ("evil.example.net", .domain), ("nul.example.net", .domain), ("198.51.100.23", .ip),
        ("2001:db8::bad:1", .ipv6), ("5b0d86950557f7c405c4f9dfcc2249a13c4e57f0f334abfa7e3e552046c1eff8", .sha256),
        ("d41d8cd98f00b204e9800998ecf8427e", .md5), ("da39a3ee5e6b4b0d3255bfef95601890afd80709", .sha1),
    ]
    static let reasons: [String?] = [nil, "", "observed in phishing mail", "a <b> & \"c\" 'd' \u{E9}t\u{E9} \u{1F600}\ttab\r\nline\u{1}"]

    func populate(_ store: Store) throws -> String {
        try store.writeNow { writer in
            let (indicator, _) = try writer.indicator(named: try EntityName("rows"))
            for (index, (value, type)) in Self.values.enumerated() {
                let start = writer.now.addingTimeInterval(-3_600.000_123 * Double(index + 1))
                try writer.record(
                    Judgement(
                        observable: try Observable(parsing: value, as: type),
                        disposition: Disposition.allCases[index % Disposition.allCases.count], source: "test",
                        confidence: Confidence.allCases[index % Confidence.allCases.count], reason: Self.reasons[index % Self.reasons.count],
                        validTime: ValidTime(start: start, end: index % 2 == 0 ? nil : writer.now.addingTimeInterval(86_400.5 + Double(index)))
                    ),
                    in: indicator.id
                )
            }
            return indicator.id
        }
    }

    /// Both reads of the same window: borrowed rows, and structs made into rows as the renderer makes them.
    func bothReads(_ store: Store, _ indicatorID: String, offset: Int = 0, limit: Int? = nil) throws -> (rows: [Copy], structs: [Copy]) {
        let now = Date()
        return try store.readNow { reader in
            var rows: [Copy] = []
            var structs: [Copy] = []
            try reader.forEachLiveJudgementRow(ofIndicator: indicatorID, at: now, offset: offset, limit: limit) { rows.append(Copy($0)) }
            try reader.forEachLiveJudgement(ofIndicator: indicatorID, at: now, offset: offset, limit: limit, withProvenance: false) {
                structs.append($0.withLiveJudgementRow { Copy($0) })
            }
            return (rows, structs)
        }
    }

    /// A populated store on a file whose rows are then changed by hand (as sqlite3 could), reopened.
    func withRowsEditedByHand(_ statements: [String], _ body: (Store, String) throws -> Void) async throws {
        try await withTemporaryDirectory { dir in
            let path = dir.file("db.sqlite")
            let indicatorID = try populate(try Store(path: path))
            let queue = try DatabaseQueue(path: path)
            try queue.write { db in for sql in statements { try db.execute(sql: sql) } }
            try queue.close()
            try body(try Store(path: path), indicatorID)
        }
    }

    @Test func rowsCarryWhatTheStoredJudgementsCarry() async throws {
        try await withTemporaryStore { store in
            let indicatorID = try populate(store)
            let (rows, structs) = try bothReads(store, indicatorID)
            #expect(rows.count == Self.values.count)
            #expect(rows == structs)
            #expect(rows.contains { $0.value.count == 2_048 })
            let window = try bothReads(store, indicatorID, offset: 3, limit: 4)
            #expect(window.rows == window.structs)
            #expect(window.rows == Array(rows[3..<7]))
        }
    }

    @Test func textEditedByHandReadsAsAStringWouldRead() async throws {
        // Invalid UTF-8 (0xFF) in a value, a NUL inside a reason, names this version does not know.
        try await withRowsEditedByHand([
            "UPDATE observable SET value = CAST(X'6576696CFF2E6578616D706C652E6E6574' AS TEXT) WHERE value = 'evil.example.net'",
            """
            UPDATE judgement SET reason = CAST(X'6265666F7265006166746572' AS TEXT), confidence = 'Sure', disposition = 9
            WHERE observable_id = (SELECT id FROM observable WHERE value = 'nul.example.net')
            """,
            "UPDATE observable SET type = 'ftp' WHERE value = '198.51.100.23'",
        ]) { store, indicatorID in
            let (rows, structs) = try bothReads(store, indicatorID)
            #expect(rows == structs)
            let repaired = try #require(rows.first { $0.value.starts(with: Array("evil".utf8)) })
            #expect(repaired.value == Array("evil\u{FFFD}.example.net".utf8))
            let cut = try #require(rows.first { $0.value == Array("nul.example.net".utf8) })
            #expect(cut.reason == Array("before".utf8))
            #expect(cut.confidence == .unknown)
            #expect(cut.disposition == .unknown)
            #expect(rows.first { $0.value == Array("198.51.100.23".utf8) }?.type == .domain)
        }
    }

    /// Integers all the way: an end time in year 9999 is read to the microsecond (a `Date` would lose some).
    @Test func farTimesAreReadExactly() async throws {
        try await withRowsEditedByHand(["UPDATE judgement SET valid_end = 253402300799999999, modified = 253402300799999998"]) {
            store, indicatorID in
            let (rows, structs) = try bothReads(store, indicatorID)
            #expect(rows.count == Self.values.count)
            #expect(rows.allSatisfy { $0.end == 253_402_300_799_999_999 && $0.modified == 253_402_300_799_999_998 })
            for (row, stored) in zip(rows, structs) {
                var same = row
                same.end = stored.end
                same.modified = stored.modified
                #expect(same == stored)
            }
        }
    }

    /// Cut at the first NUL and repaired as `String(cString:)` does, wherever the NUL or the bad byte falls relative to
    /// the eight-byte words the check reads.
    @Test func columnTextReadsAsACString() {
        var cases: [[UInt8]] = [[], [0], [0, 0x41], Array("plain".utf8), Array("\u{E9}t\u{E9} \u{1F600}".utf8)]
        for length in [1, 7, 8, 9, 15, 16, 17, 31] {
            for position in Set([0, length / 2, length - 1]) {
                var bytes = Array(repeating: UInt8(ascii: "a"), count: length)
                bytes[position] = 0xFF  // never valid UTF-8
                cases.append(bytes)
                bytes[position] = 0
                cases.append(bytes)
                bytes[position] = 0xC3  // a lone lead byte, or \u{E9} when followed by 0xA9
                cases.append(bytes)
                if position + 1 < length {
                    bytes[position + 1] = 0xA9
                    cases.append(bytes)
                }
            }
        }
        var reader = RepairedText()
        defer { reader.free() }
        for bytes in cases {
            let expected = (bytes + [0]).withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            let read = bytes.withUnsafeBufferPointer { Array(reader.repaired($0)) }
            #expect(read == Array(expected.utf8), "\(bytes)")
        }
    }
}
