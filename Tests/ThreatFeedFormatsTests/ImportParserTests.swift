import Foundation
import Testing
import ThreatFeedCore

@testable import ThreatFeedFormats

// Values the normaliser must accept or refuse whatever its details; observable reasons are
// its business, so tests check only that they are non-empty and land on the right line.
private let ip = "203.0.113.7"
private let domain = "bad.example"
private let url = "http://bad.example/login"
private let sha256 = "0d7a7c1b8f9e4c2a6b3d5e7f9a1c3e5b7d9f1a3c5e7b9d1f3a5c7e9b1d3f5a7c"
private let sha256Short = String(sha256.dropLast())  // 63 hex digits

private struct Parsed {
    var records: [ImportRecord] = []
    var rejections: [ImportRejection] = []
    var lines: [Int] { records.map(\.line) }
    var rejectedLines: [Int] { rejections.map(\.line) }
}

private func parse(_ bytes: [UInt8], _ format: ImportFormat, type: ObservableType? = nil) throws -> Parsed {
    var parsed = Parsed()
    try ImportParser.parse(
        bytes, format: format, forcedType: type,
        record: { parsed.records.append($0) },
        reject: { parsed.rejections.append($0) }
    )
    return parsed
}

private func parse(_ text: String, _ format: ImportFormat, type: ObservableType? = nil) throws -> Parsed {
    try parse(Array(text.utf8), format, type: type)
}

private func fileError(_ text: String, _ format: ImportFormat, type: ObservableType? = nil) -> ImportFileError? {
    fileError(Array(text.utf8), format, type: type)
}

private func fileError(_ bytes: [UInt8], _ format: ImportFormat, type: ObservableType? = nil) -> ImportFileError? {
    #expect(throws: ImportFileError.self) { try parse(bytes, format, type: type) }
}

private func observable(_ value: String, _ type: ObservableType? = nil) throws -> Observable {
    try Observable(parsing: value, as: type)
}

private func date(_ text: String) -> Date? { Timestamps.parse(text) }

// MARK: - Format detection

@Suite("Import format detection")
struct ImportFormatDetectionTests {
    @Test(
        "the extension decides",
        arguments: [
            ("iocs.txt", ImportFormat.txt), ("blocklist.LIST", .txt), ("/tmp/x.d/export.csv", .csv),
            ("feed.JSON", .json), ("C:/data/iocs.lst", .txt),
        ]
    )
    func byExtension(name: String, expected: ImportFormat) {
        // The content says otherwise; the extension wins.
        #expect(ImportFormat.detect(fileName: name, prefix: Array("type,value\n".utf8)) == expected)
    }

    @Test(
        "without a known extension the content decides",
        arguments: [
            ("[{\"value\":\"203.0.113.7\"}]", ImportFormat.json),
            ("  \n{\"observables\":[]}", .json),
            ("[\n  {\"value\":\"x\"}\n]", .json),
            ("type,value\nip,203.0.113.7\n", .csv),
            ("# exported list\n\nValue , Disposition\n", .csv),
            ("\u{FEFF}\"type\",\"value\"\r\n", .csv),
            ("203.0.113.7\nbad.example\n", .txt),
            ("value\n203.0.113.7\n", .txt),
            ("[2001:db8::1]\n", .txt),
            ("bad.example,other\n", .txt),
            ("", .txt),
        ]
    )
    func bySniffing(content: String, expected: ImportFormat) {
        #expect(ImportFormat.detect(fileName: "indicators.ioc", prefix: Array(content.utf8)) == expected)
        #expect(ImportFormat.detect(fileName: "indicators", prefix: Array(content.utf8)) == expected)
    }

    @Test("parse with .auto sniffs the content")
    func autoFormat() throws {
        let csv = try parse("type,value,disposition\ndomain,\(domain),suspicious\n", .auto)
        #expect(csv.records.map(\.disposition) == [.suspicious])
        let json = try parse("[{\"value\":\"\(ip)\"}]", .auto)
        #expect(json.records.map(\.observable) == [try observable(ip)])
        let text = try parse("\(ip)\n", .auto)
        #expect(text.records.map(\.observable) == [try observable(ip)])
    }
}

// MARK: - Plain text

@Suite("Plain-text import")
struct TextImportTests {
    @Test("one value per line, type detected, 1-based physical line numbers")
    func happyPath() throws {
        let parsed = try parse("\(ip)\n\(domain)\n\(url)\n\(sha256)\n", .txt)
        #expect(parsed.rejections.isEmpty)
        #expect(parsed.lines == [1, 2, 3, 4])
        #expect(parsed.records.map(\.observable.type) == [.ip, .domain, .url, .sha256])
        #expect(parsed.records.map(\.observable) == [try observable(ip), try observable(domain), try observable(url), try observable(sha256)])
        // Text carries no judgement fields: the command's defaults apply.
        #expect(parsed.records.allSatisfy { $0.disposition == nil && $0.validUntil == nil && $0.reason == nil })
    }

    @Test("comments, blank lines, CRLF and a BOM")
    func commentsBlankLinesCRLFAndBOM() throws {
        let text = "\u{FEFF}# exported 2025-03-01\r\n\r\n   \r\n\(ip)\r\n  \(domain)   # phishing\r\n\t# indented comment\r\n\(url)#top\r\n\(sha256)"
        let parsed = try parse(text, .txt)
        #expect(parsed.rejections.isEmpty)
        #expect(parsed.lines == [4, 5, 7, 8])
        #expect(parsed.records.map(\.observable) == [
            try observable(ip), try observable(domain), try observable("\(url)#top"), try observable(sha256),
        ])
    }

    @Test("a forced type parses every value as that type")
    func forcedType() throws {
        let parsed = try parse("\(sha256)\n\(domain)\n\(sha256Short)\n", .txt, type: .sha256)
        #expect(parsed.records.map(\.observable) == [try observable(sha256, .sha256)])
        #expect(parsed.records.first?.line == 1)
        #expect(parsed.rejectedLines == [2, 3])
        #expect(parsed.rejections.allSatisfy { !$0.reason.isEmpty })
    }

    @Test("invalid values are rejected on their own line", arguments: ["not a value", "1.2.3.4:80", "10.0.0.0/8"])
    func invalidValue(value: String) throws {
        let parsed = try parse("\(ip)\n# note\n\(value)\n\(domain)\n", .txt)
        #expect(parsed.lines == [1, 4])
        #expect(parsed.rejectedLines == [3])
        #expect(parsed.rejections.first.map { !$0.reason.isEmpty } == true)
    }

    @Test("a value longer than 4096 bytes is rejected by length, unparsed")
    func tooLong() throws {
        let long = String(repeating: "a", count: 5000) + ".example"
        let parsed = try parse("\(ip)\n\(long)\n\(domain)\n", .txt)
        #expect(parsed.lines == [1, 3])
        #expect(parsed.rejections == [ImportRejection(line: 2, reason: "value is 5008 bytes long; the limit is 4096")])
    }

    @Test("a value of exactly 4096 bytes goes to the validator, not the length check")
    func exactlyAtLimit() throws {
        let atLimit = String(repeating: "a", count: 4096)
        let parsed = try parse("\(atLimit)\n", .txt)
        #expect(parsed.rejectedLines == [1])
        #expect(parsed.rejections.first.map { !$0.reason.contains("limit is 4096") } == true)
    }

    @Test("a NUL byte rejects its line")
    func nulByte() throws {
        let bytes = Array("\(ip)\nbad\u{0}.example\n\(domain)\n".utf8)
        let parsed = try parse(bytes, .txt)
        #expect(parsed.lines == [1, 3])
        #expect(parsed.rejections == [ImportRejection(line: 2, reason: "the line contains a NUL byte (column 4)")])
    }

    @Test("invalid UTF-8 rejects its line; in a comment it is ignored")
    func invalidUTF8() throws {
        var bytes = Array("# caf".utf8) + [0xE9] + Array("\n\(ip)\nbad".utf8)
        bytes += [0xE9] + Array(".example\n\(domain)\n".utf8)
        let parsed = try parse(bytes, .txt)
        #expect(parsed.lines == [2, 4])
        #expect(parsed.rejectedLines == [3])
        #expect(parsed.rejections.first?.reason.contains("not valid UTF-8 (byte 0xE9 at column 4)") == true)
    }

    @Test("valid non-ASCII text reaches the validator intact")
    func nonASCIIValue() throws {
        let parsed = try parse("bücher.example\n", .txt)
        let expected = Result { try observable("bücher.example") }
        switch expected {
        case .success(let value): #expect(parsed.records.map(\.observable) == [value])
        case .failure: #expect(parsed.rejectedLines == [1])
        }
    }

    @Test("UTF-16 files are refused as a whole")
    func utf16() {
        let littleEndian: [UInt8] = [0xFF, 0xFE] + Array("1.2".utf8).flatMap { [$0, 0] }
        #expect(fileError(littleEndian, .txt)?.problem.contains("UTF-16") == true)
        let noBOM: [UInt8] = Array("1.2.3.4".utf8).flatMap { [$0, 0] }
        #expect(fileError(noBOM, .txt)?.problem.contains("NUL byte at offset 1") == true)
    }

    @Test("an empty file, a file of comments and a missing final newline")
    func edges() throws {
        #expect(try parse("", .txt).records.isEmpty)
        let comments = try parse("# nothing\n\n#\n", .txt)
        #expect(comments.records.isEmpty && comments.rejections.isEmpty)
        #expect(try parse("\(ip)\n\(domain)", .txt).lines == [1, 2])
    }

    @Test("a closure that throws stops the parse (--strict)")
    func strictStops() throws {
        struct Stop: Error {}
        var recorded: [Int] = []
        #expect(throws: Stop.self) {
            try ImportParser.parse(
                Array("\(ip)\nnot a value\n\(domain)\n".utf8), format: .txt, forcedType: nil,
                record: { recorded.append($0.line) },
                reject: { _ in throw Stop() }
            )
        }
        #expect(recorded == [1])
    }

    @Test("Data, [UInt8] and non-contiguous collections give the same result")
    func inputKinds() throws {
        let text = "\(ip)\nnot a value\n\(domain)\n"
        func run(_ data: some Collection<UInt8>) throws -> Parsed {
            var parsed = Parsed()
            try ImportParser.parse(
                data, format: .txt, forcedType: nil,
                record: { parsed.records.append($0) }, reject: { parsed.rejections.append($0) }
            )
            return parsed
        }
        let fromArray = try run(Array(text.utf8))
        let fromData = try run(Data(text.utf8))
        let fromLazy = try run(Array(text.utf8).lazy.map { $0 })
        #expect(fromArray.lines == [1, 3])
        #expect(fromData.records == fromArray.records && fromData.rejections == fromArray.rejections)
        #expect(fromLazy.records == fromArray.records && fromLazy.rejections == fromArray.rejections)
    }
}

// MARK: - CSV

@Suite("CSV import")
struct CSVImportTests {
    @Test("every column is read")
    func happyPath() throws {
        let text = """
            type,value,disposition,severity,confidence,tlp,valid_from,valid_until,description
            ip,\(ip),malicious,high,medium,amber,2025-03-01,2025-04-01T12:00:00Z,phishing relay
            domain,\(domain),3,Critical,LOW,TLP:RED,,,
            url,\(url),,,,,,,

            """
        let parsed = try parse(text, .csv)
        #expect(parsed.rejections.isEmpty)
        #expect(parsed.lines == [2, 3, 4])
        let first = try #require(parsed.records.first)
        #expect(first == ImportRecord(
            line: 2, observable: try observable(ip, .ip), disposition: .malicious, severity: .high,
            confidence: .medium, tlp: .amber, validFrom: date("2025-03-01"), validUntil: date("2025-04-01T12:00:00Z"),
            reason: "phishing relay"
        ))
        #expect(parsed.records[1] == ImportRecord(
            line: 3, observable: try observable(domain, .domain), disposition: .suspicious, severity: .critical,
            confidence: .low, tlp: .red
        ))
        // Empty optional cells mean "use the command's default".
        #expect(parsed.records[2] == ImportRecord(line: 4, observable: try observable(url, .url)))
    }

    @Test("header names are case-insensitive, trimmed, any order; reason and Valid Until spellings")
    func headerSpellings() throws {
        let text = " Reason ,VALUE, Valid Until ,Type\nseen in campaign,\(domain),2025-06-01,domain\n"
        let parsed = try parse(text, .csv)
        #expect(parsed.records == [
            ImportRecord(line: 2, observable: try observable(domain, .domain), validUntil: date("2025-06-01"), reason: "seen in campaign")
        ])
    }

    @Test("quoted fields: embedded comma, doubled quote, line breaks; a record's line is where it starts")
    func quoting() throws {
        let text = "type,value,description\n"
            + "ip,\(ip),\"relay, then C2\"\n"
            + "domain,\"\(domain)\",\"the \"\"login\"\" page\"\n"
            + "url,\(url),\"first line\nsecond line\r\nthird line\"\n"
            + "ip,not a value,\"after a multi-line record\"\n"
            + "sha256,\(sha256),\"\"\n"
        let parsed = try parse(text, .csv)
        #expect(parsed.lines == [2, 3, 4, 8])
        #expect(parsed.records.map(\.reason) == ["relay, then C2", "the \"login\" page", "first line\nsecond line\r\nthird line", nil])
        #expect(parsed.rejectedLines == [7])
    }

    @Test("CRLF, BOM, comments before the header, blank and all-empty rows")
    func layout() throws {
        let text = "\u{FEFF}# exported by the SOC\r\n# second comment\r\n\r\ntype,value\r\nip,\(ip)\r\n\r\n,\r\ndomain,\(domain)\r\n"
        let parsed = try parse(text, .csv)
        #expect(parsed.rejections.isEmpty)
        #expect(parsed.lines == [5, 8])
        #expect(parsed.records.map(\.observable) == [try observable(ip, .ip), try observable(domain, .domain)])
    }

    @Test("without a type column the type is detected, or forced")
    func noTypeColumn() throws {
        let detected = try parse("value,tlp\n\(ip),green\n\(sha256),white\n", .csv)
        #expect(detected.records.map(\.observable.type) == [.ip, .sha256])
        #expect(detected.records.map(\.tlp) == [.green, .white])
        let forced = try parse("value\n\(sha256)\n\(sha256Short)\n", .csv, type: .sha256)
        #expect(forced.lines == [2])
        #expect(forced.rejectedLines == [3])
    }

    @Test("a forced type: an empty type cell takes it, a different one is rejected")
    func forcedTypeAgainstColumn() throws {
        let text = "type,value\n,\(domain)\nDomain,\(domain)\nip,\(domain)\n"
        let parsed = try parse(text, .csv, type: .domain)
        #expect(parsed.lines == [2, 3])
        #expect(parsed.records.allSatisfy { $0.observable.type == .domain })
        let conflicting = try parse("type,value\nip,\(ip)\n", .csv, type: .domain)
        #expect(conflicting.rejections == [ImportRejection(line: 2, reason: "type 'ip' disagrees with the forced type domain")])
    }

    @Test("a row with the wrong number of fields is rejected with both counts")
    func fieldCount() throws {
        let parsed = try parse("type,value,disposition\nip,\(ip)\ndomain,\(domain),2,extra\nurl,\(url),2\n", .csv)
        #expect(parsed.lines == [4])
        #expect(parsed.rejections == [
            ImportRejection(line: 2, reason: "expected 3 fields (as in the header), found 2"),
            ImportRejection(line: 3, reason: "expected 3 fields (as in the header), found 4"),
        ])
    }

    @Test(
        "bad cells are rejected, naming the field, the value and what is allowed",
        arguments: [
            ("disposition", "evil", "disposition 'evil' is not one of: clean, malicious, suspicious, common, unknown (or 1-5)"),
            ("disposition", "7", "disposition '7' is not one of: clean, malicious, suspicious, common, unknown (or 1-5)"),
            ("severity", "extreme", "severity 'extreme' is not one of: info, low, medium, high, critical, none, unknown"),
            ("confidence", "critical", "confidence 'critical' is not one of: info, low, medium, high, none, unknown"),
            ("tlp", "purple", "tlp 'purple' is not one of: red, amber, green, white"),
            ("valid_until", "tomorrow", "valid_until 'tomorrow' is not an ISO-8601 date or date-time (e.g. 2025-03-01 or 2025-03-01T12:00:00Z)"),
            ("valid_from", "2025-02-30", "valid_from '2025-02-30' is not an ISO-8601 date or date-time (e.g. 2025-03-01 or 2025-03-01T12:00:00Z)"),
            ("type", "hostnames", "type 'hostnames' is not one of: url, domain, ip, ipv6, sha256, md5, sha1"),
        ]
    )
    func badCell(column: String, cell: String, reason: String) throws {
        let header = column == "type" ? "type,value" : "type,value,\(column)"
        let row = column == "type" ? "\(cell),\(ip)" : "ip,\(ip),\(cell)"
        let parsed = try parse("\(header)\n\n\(row)\n", .csv)
        #expect(parsed.records.isEmpty)
        #expect(parsed.rejections == [ImportRejection(line: 3, reason: reason)])
    }

    @Test("disposition by number or name; disposition_name must agree")
    func dispositionAgreement() throws {
        let text = "value,disposition,disposition_name\n\(ip),2,Malicious\n\(domain),,clean\n\(url),2,Clean\n"
        let parsed = try parse(text, .csv)
        #expect(parsed.records.map(\.disposition) == [.malicious, .clean])
        #expect(parsed.rejections == [
            ImportRejection(line: 4, reason: "disposition 2 (Malicious) disagrees with disposition_name 'Clean'")
        ])
    }

    @Test("valid_from after valid_until is rejected")
    func validTimeOrder() throws {
        let parsed = try parse("value,valid_from,valid_until\n\(ip),2025-05-01,2025-04-01\n", .csv)
        #expect(parsed.rejections == [
            ImportRejection(line: 2, reason: "valid_from 2025-05-01T00:00:00.000Z is after valid_until 2025-04-01T00:00:00.000Z")
        ])
    }

    @Test("an empty value cell is rejected")
    func emptyValue() throws {
        let parsed = try parse("type,value,tlp\nip,  ,red\n", .csv)
        #expect(parsed.rejections == [ImportRejection(line: 2, reason: "\"value\" is empty")])
    }

    @Test("invalid observables are rejected on the line their record starts", arguments: ["not a value", "1.2.3.4:80", "10.0.0.0/8"])
    func invalidObservable(value: String) throws {
        let parsed = try parse("value,description\n\(ip),\"two\nlines\"\n\"\(value)\",x\n", .csv)
        #expect(parsed.lines == [2])
        #expect(parsed.rejectedLines == [4])
        #expect(parsed.rejections.first.map { !$0.reason.isEmpty } == true)
    }

    @Test("too long, NUL and invalid UTF-8 cells are rejected with their line")
    func hostileCells() throws {
        var bytes = Array("value,description\n\(String(repeating: "a", count: 4097)),long\n".utf8)
        bytes += Array("\(ip),nul\u{0}here\n".utf8)
        bytes += Array("\(domain),caf".utf8) + [0xE9] + Array("\n\(url),fine\n".utf8)
        let parsed = try parse(bytes, .csv)
        #expect(parsed.lines == [5])
        #expect(parsed.rejections == [
            ImportRejection(line: 2, reason: "value is 4097 bytes long; the limit is 4096"),
            ImportRejection(line: 3, reason: "column \"description\" contains a NUL byte"),
            ImportRejection(
                line: 4,
                reason: "column \"description\" is not valid UTF-8 (byte 0xE9 at byte 4 of the field); save the file as UTF-8"
            ),
        ])
    }

    @Test("text after a closing quote rejects the row; the next row is read normally")
    func junkAfterQuote() throws {
        let parsed = try parse("value,description\n\"\(ip)\"x,y\n\(domain),ok\n", .csv)
        #expect(parsed.lines == [3])
        #expect(parsed.rejections == [
            ImportRejection(line: 2, reason: "unexpected 'x' after the closing quote of field 1 on line 2")
        ])
    }

    @Test("a reason longer than CTIM's 1024 characters is rejected")
    func longReason() throws {
        let parsed = try parse("value,description\n\(ip),\(String(repeating: "r", count: 1025))\n", .csv)
        #expect(parsed.rejections == [
            ImportRejection(line: 2, reason: "description is 1025 characters long; CTIM allows at most 1024")
        ])
    }

    @Test(
        "whole-file errors name the problem and its line",
        arguments: [
            ("type,value,dispositon\n", 1, "unknown column 'dispositon' (column 3); known columns: type, value, disposition, disposition_name, severity, confidence, tlp, valid_from, valid_until, description (or reason), priority"),
            ("# c\nvalue,TYPE,Value\n", 2, "column \"value\" appears twice (columns 1 and 3)"),
            ("value,description,reason\n", 1, "columns \"description\" and \"reason\" (columns 2 and 3) both give the reason; keep one"),
            ("type,disposition\nip,2\n", 1, "the header has no \"value\" column (found: type, disposition)"),
            ("type,value,\n", 1, "header column 3 has no name"),
        ]
    )
    func headerErrors(text: String, line: Int, problem: String) {
        let error = fileError(text, .csv)
        #expect(error == ImportFileError(line: line, problem: problem))
    }

    @Test("a file with no header row is an error, not an empty import")
    func noHeader() {
        #expect(fileError("", .csv)?.problem.hasPrefix("no header row") == true)
        #expect(fileError("# only a comment\n\n", .csv)?.problem.hasPrefix("no header row") == true)
    }

    @Test("an unclosed quote is a whole-file error at the line and column where it opens")
    func unclosedQuote() {
        let error = fileError("value,description\n\(ip),ok\n\(domain),\"never closed\n\(url),x\n", .csv)
        #expect(error == ImportFileError(line: 3, column: 13, problem: "the quoted field opened here is never closed"))
        #expect(error?.description == "line 3, column 13: the quoted field opened here is never closed")
    }
}

// MARK: - JSON

@Suite("JSON import")
struct JSONImportTests {
    @Test("an array of flat objects; each record has the line of its element")
    func flatArray() throws {
        let text = """
            [
              {"type": "ip", "value": "\(ip)", "disposition": 2, "severity": "High", "confidence": "Low",
               "tlp": "red", "valid_from": "2025-03-01", "valid_until": "2025-04-01T00:00:00Z", "description": "relay"},
              {"value": "\(domain)", "disposition": "suspicious"},

              {
                "type": "url",
                "value": "\(url)",
                "valid_time": {"start_time": "2025-03-01T00:00:00.000Z", "end_time": "2025-03-31T00:00:00.000Z"},
                "reason": null
              }
            ]
            """
        let parsed = try parse(text, .json)
        #expect(parsed.rejections.isEmpty)
        #expect(parsed.lines == [2, 4, 6])
        #expect(parsed.records[0] == ImportRecord(
            line: 2, observable: try observable(ip, .ip), disposition: .malicious, severity: .high, confidence: .low,
            tlp: .red, validFrom: date("2025-03-01"), validUntil: date("2025-04-01T00:00:00Z"), reason: "relay"
        ))
        #expect(parsed.records[1] == ImportRecord(line: 4, observable: try observable(domain), disposition: .suspicious))
        #expect(parsed.records[2] == ImportRecord(
            line: 6, observable: try observable(url, .url), validFrom: date("2025-03-01T00:00:00Z"),
            validUntil: date("2025-03-31T00:00:00Z")
        ))
    }

    @Test("a CTIA observables feed body round-trips")
    func observablesBody() throws {
        let text = "{\"observables\":[{\"type\":\"ip\",\"value\":\"\(ip)\"},{\"type\":\"domain\",\"value\":\"\(domain)\"},\n"
            + " {\"type\":\"url\",\"value\":\"\(url)\"},\n"
            + " {\"type\":\"sha256\",\"value\":\"\(sha256)\"}]}"
        let parsed = try parse(text, .json)
        #expect(parsed.rejections.isEmpty)
        #expect(parsed.lines == [1, 1, 2, 3])
        #expect(parsed.records.map(\.observable) == [
            try observable(ip, .ip), try observable(domain, .domain), try observable(url, .url), try observable(sha256, .sha256),
        ])
    }

    @Test("a CTIA judgements feed body round-trips (priority kept, CTIA's 2525 end read as no end); other CTIM keys are ignored")
    func judgementsBody() throws {
        func judgement(_ type: String, _ value: String, _ disposition: Int, _ name: String, end: String) -> String {
            """
              {"id": "https://tf.example/ctia/judgement/judgement-9e2b6c1d-4f3a-4b8e-a1d7-6c5e3f2a1b0c",
               "type": "judgement", "schema_version": "1.3.30", "source": "import:list.txt",
               "observable": {"type": "\(type)", "value": "\(value)"},
               "disposition": \(disposition), "disposition_name": "\(name)", "priority": 95,
               "confidence": "High", "severity": "Medium", "tlp": "amber", "reason": "ETD conviction",
               "valid_time": {"start_time": "2025-03-01T00:00:00.000Z", "end_time": "\(end)"},
               "timestamp": "2025-03-01T00:00:00.000Z", "external_ids": ["a", "b"], "groups": ["org-1"]}
            """
        }
        let text = "{\"judgements\": [\n"
            + judgement("ip", ip, 2, "Malicious", end: "2525-01-01T00:00:00.000Z") + ",\n"
            + judgement("url", url, 3, "Suspicious", end: "2025-04-01T00:00:00.000Z") + "\n]}\n"
        let parsed = try parse(text, .json)
        #expect(parsed.rejections.isEmpty)
        #expect(parsed.lines == [2, 9])
        #expect(parsed.records == [
            ImportRecord(
                line: 2, observable: try observable(ip, .ip), disposition: .malicious, severity: .medium,
                confidence: .high, tlp: .amber, validFrom: date("2025-03-01T00:00:00Z"),
                validUntil: nil, reason: "ETD conviction", priority: 95, openEnded: true
            ),
            ImportRecord(
                line: 9, observable: try observable(url, .url), disposition: .suspicious, severity: .medium,
                confidence: .high, tlp: .amber, validFrom: date("2025-03-01T00:00:00Z"),
                validUntil: date("2025-04-01T00:00:00Z"), reason: "ETD conviction", priority: 95
            ),
        ])
    }

    @Test(
        "element rejections name the element and carry its line",
        arguments: [
            ("{\"type\": \"ip\"}", "element 2: missing \"value\""),
            ("{\"type\": \"ip\", \"value\": 203}", "element 2: \"value\" must be a string, found a number"),
            ("{\"type\": 4, \"value\": \"\(ip)\"}", "element 2: \"type\" must be a string, found a number"),
            ("\"\(ip)\"", "element 2: expected an object, found a string"),
            ("{\"value\": \"\(ip)\", \"disposition\": 7}", "element 2: disposition '7' is not one of: clean, malicious, suspicious, common, unknown (or 1-5)"),
            ("{\"value\": \"\(ip)\", \"disposition\": true}", "element 2: \"disposition\" must be a number 1-5 or a name, found a boolean"),
            ("{\"value\": \"\(ip)\", \"disposition\": 2, \"disposition_name\": \"Clean\"}", "element 2: disposition 2 (Malicious) disagrees with disposition_name 'Clean'"),
            ("{\"value\": \"\(ip)\", \"tlp\": \"blue\"}", "element 2: tlp 'blue' is not one of: red, amber, green, white"),
            ("{\"value\": \"\(ip)\", \"severity\": 3}", "element 2: \"severity\" must be a string, found a number"),
            ("{\"observable\": {\"type\": \"ip\"}}", "element 2: missing \"observable.value\""),
            ("{\"observable\": \"\(ip)\"}", "element 2: \"observable\" must be an object, found a string"),
            ("{\"value\": \"\(ip)\", \"valid_time\": {\"end_time\": \"soon\"}}", "element 2: valid_time.end_time 'soon' is not an ISO-8601 date or date-time (e.g. 2025-03-01 or 2025-03-01T12:00:00Z)"),
            ("{\"value\": \"\(ip)\", \"valid_until\": \"2025-04-01\", \"valid_time\": {\"end_time\": \"2025-05-01T00:00:00Z\"}}", "element 2: valid_until '2025-04-01' and valid_time.end_time '2025-05-01T00:00:00Z' disagree"),
        ]
    )
    func elementRejection(element: String, reason: String) throws {
        let text = "[\n  {\"value\": \"\(domain)\"},\n  \(element),\n  {\"value\": \"\(url)\"}\n]\n"
        let parsed = try parse(text, .json)
        #expect(parsed.lines == [2, 4])
        #expect(parsed.rejections == [ImportRejection(line: 3, reason: reason)])
    }

    @Test("invalid observables are rejected with the element's line", arguments: ["not a value", "1.2.3.4:80", "10.0.0.0/8"])
    func invalidObservable(value: String) throws {
        let text = "{\"observables\": [\n{\"type\": \"ip\", \"value\": \"\(ip)\"},\n{\"value\": \"\(value)\"}\n]}"
        let parsed = try parse(text, .json)
        #expect(parsed.lines == [2])
        #expect(parsed.rejectedLines == [3])
        #expect(parsed.rejections.first.map { $0.reason.hasPrefix("element 2: ") && $0.reason.count > 11 } == true)
    }

    @Test("forced type and the too-long value check apply to JSON")
    func forcedTypeAndLength() throws {
        let long = String(repeating: "b", count: 4100)
        let text = "[{\"value\": \"\(sha256)\"}, {\"value\": \"\(long)\"},\n{\"type\": \"ip\", \"value\": \"\(sha256)\"}]"
        let parsed = try parse(text, .json, type: .sha256)
        #expect(parsed.records.map(\.observable) == [try observable(sha256, .sha256)])
        #expect(parsed.rejections == [
            ImportRejection(line: 1, reason: "element 2: value is 4100 bytes long; the limit is 4096"),
            ImportRejection(line: 2, reason: "element 3: type 'ip' disagrees with the forced type sha256"),
        ])
    }

    @Test("a BOM and an empty array are fine")
    func bomAndEmpty() throws {
        let parsed = try parse("\u{FEFF}[{\"value\":\"\(ip)\"}]", .json)
        #expect(parsed.records.map(\.observable) == [try observable(ip)])
        let empty = try parse("{\"observables\": []}", .json)
        #expect(empty.records.isEmpty && empty.rejections.isEmpty)
    }

    @Test(
        "malformed JSON is a whole-file error with its line and column",
        arguments: [
            ("[\n  {\"value\": \"203.0.113.7}\n]", 2, 13, "the string that starts here runs to the end of the line without its closing quote"),
            ("[\n  {\"value\": \"x\"}\n  {\"value\": \"y\"}\n]", 3, 3, "expected ',' or ']' after an array element, found '{' (the [ is at line 1, column 1)"),
            ("[{\"value\": \"x\"},\n]", 2, 1, "trailing comma before ']'"),
            ("{\"observables\": [\n  {\"value\": \"x\"}\n", 3, 1, "reached the end of the file: 2 brackets, the innermost '[' at line 1, column 17 is never closed"),
            ("[{\"value\": \"x\"}] x", 1, 18, "unexpected 'x' after the end of the JSON value"),
            ("[{\"value\": True}]", 1, 12, "unexpected 'True'; expected a value (true, false and null are lower case)"),
            ("[{\"value\" \"x\"}]", 1, 11, "expected ':' after the member name, found '\"'"),
            ("[{value: \"x\"}]", 1, 3, "expected a member name in double quotes, found 'v'"),
            ("[{\"disposition\": 02}]", 1, 18, "invalid number '02': leading zeros are not allowed"),
            ("[{\"value\": \"\\ud800x\"}]", 1, 13, "\\ud800 is the high half of a surrogate pair without its low half"),
            ("", 1, 1, "the file is empty; expected JSON"),
        ]
    )
    func malformed(text: String, line: Int, column: Int, problem: String) {
        #expect(fileError(text, .json) == ImportFileError(line: line, column: column, problem: problem))
    }

    @Test("invalid UTF-8 in JSON is a whole-file error naming the line and offset")
    func invalidUTF8() {
        let bytes = Array("[\n{\"value\": \"caf".utf8) + [0xE9] + Array("\"}]".utf8)
        #expect(fileError(bytes, .json) == ImportFileError(
            line: 2, column: 15, problem: "invalid UTF-8 (byte 0xE9 at offset 16); save the file as UTF-8"
        ))
    }

    @Test("nesting deeper than the cap is refused")
    func tooDeep() {
        let text = String(repeating: "[", count: 150) + String(repeating: "]", count: 150)
        #expect(fileError(text, .json)?.problem == "nested deeper than 100 levels")
    }

    @Test(
        "a JSON value of the wrong shape is a whole-file error naming what was found",
        arguments: [
            ("\"203.0.113.7\"", "the JSON is a string; expected an array of objects, {\"observables\":[…]} or {\"judgements\":[…]}"),
            ("42", "the JSON is a number; expected an array of objects, {\"observables\":[…]} or {\"judgements\":[…]}"),
            ("{}", "the JSON is an empty object; expected an array of objects, {\"observables\":[…]} or {\"judgements\":[…]}"),
            ("{\"data\": [], \"count\": 0}", "the JSON is an object with 'data', 'count'; expected an array of objects, {\"observables\":[…]} or {\"judgements\":[…]}"),
            ("{\"observables\": [], \"judgements\": []}", "the JSON has both \"observables\" and \"judgements\"; import them from separate files"),
            ("{\"observables\": {\"type\": \"ip\"}}", "\"observables\" is an object; expected an array"),
            ("{\"judgements\": [], \"judgements\": []}", "\"judgements\" appears 2 times in the top-level object"),
        ]
    )
    func wrongShape(text: String, problem: String) {
        #expect(fileError(text, .json) == ImportFileError(problem: problem))
    }

    @Test("members other than the feed array are skipped, wherever they sit")
    func otherMembers() throws {
        let text = "{\"type\": \"bundle\",\n \"judgements\": [\n  {\"observable\": {\"type\": \"domain\", \"value\": \"\(domain)\"}}\n ],\n \"indicators\": [{\"id\": 1}]}"
        let parsed = try parse(text, .json)
        #expect(parsed.records == [ImportRecord(line: 3, observable: try observable(domain, .domain))])
    }
}

// MARK: - Messages

@Suite("Import messages")
struct ImportMessageTests {
    @Test("a rejection reads LINE: reason; a file error leads with its position")
    func descriptions() {
        #expect(ImportRejection(line: 12, reason: "\"value\" is empty").description == "12: \"value\" is empty")
        #expect(ImportFileError(line: 3, column: 7, problem: "bad").description == "line 3, column 7: bad")
        #expect(ImportFileError(line: 3, problem: "bad").description == "line 3: bad")
        #expect(ImportFileError(problem: "bad").description == "bad")
    }

    @Test("an observable's reason is led by the value unless it quotes the value already")
    func observableReason() {
        #expect(ImportText.observableReason("1.2.3.4:80", ObservableError("has a port")) == "'1.2.3.4:80': has a port")
        #expect(ImportText.observableReason("x.y", ObservableError("'x.y' is not a valid sha256")) == "'x.y' is not a valid sha256")
        #expect(ImportText.observableReason("x", ObservableError("")) == "'x' is not a valid observable")
    }

    @Test("quoted values in messages are escaped and cut short")
    func quoting() {
        #expect(ImportText.quoted("a\"b\nc\u{1}") == "'a\"b\\nc\\u{1}'")
        #expect(ImportText.quoted(String(repeating: "x", count: 200)) == "'" + String(repeating: "x", count: 60) + "…'")
    }
}

@Suite("Priority and open ends") struct ImportPriorityTests {
    @Test func priorityIsReadFromCSVAndJSONAndCheckedForRange() throws {
        let csv = try parse("type,value,priority,valid_until\ndomain,a.example,100,2525-01-01T00:00:00.000Z\ndomain,b.example,101,\n", .csv)
        #expect(csv.records.map(\.priority) == [100])
        #expect(csv.records.first?.openEnded == true && csv.records.first?.validUntil == nil)
        #expect(csv.rejections.first?.reason == "priority '101' is not a whole number 0-100", "\(csv.rejections)")
        let json = try parse(#"[{"type":"ip","value":"203.0.113.9","priority":90},{"type":"ip","value":"203.0.113.10","priority":true}]"#, .json)
        #expect(json.records.map(\.priority) == [90])
        #expect(json.rejections.count == 1)
    }
}
