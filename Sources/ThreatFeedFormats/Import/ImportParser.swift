import ThreatFeedCore

/// Reads import files (text, CSV, JSON, STIX) into records and rejections. Knows no storage:
/// the caller decides defaults, de-duplication and what `--strict` or `--dry-run` mean.
public enum ImportParser {
    /// Streams records and rejections in file order: `record` for each valid entry, `reject`
    /// for each refused one. Either closure may throw to stop (e.g. `--strict`); that error
    /// comes out of `parse` unchanged. Whole-file problems throw `ImportFileError` before
    /// (JSON, CSV header) or instead of any further callback.
    ///
    /// `format: .auto` sniffs the content (no file name is known here; use
    /// `ImportFormat.detect(fileName:prefix:)` first to honour the extension).
    /// `forcedType` parses every value as that type; a CSV `type` column or JSON `type`
    /// field that names another type is then rejected rather than silently overridden.
    public static func parse(
        _ data: some Collection<UInt8>,
        format: ImportFormat,
        forcedType: ObservableType?,
        record: (ImportRecord) throws -> Void,
        reject: (ImportRejection) throws -> Void
    ) throws {
        // Contiguous bytes let the scanners index without per-byte generic overhead;
        // [UInt8] and Data both provide them, so the copy below is only a fallback.
        let done: Void? = try data.withContiguousStorageIfAvailable { buffer in
            try parse(buffer: buffer, format: format, forcedType: forcedType, record: record, reject: reject)
        }
        if done == nil {
            try Array(data).withUnsafeBufferPointer { buffer in
                try parse(buffer: buffer, format: format, forcedType: forcedType, record: record, reject: reject)
            }
        }
    }

    static func parse(
        buffer: UnsafeBufferPointer<UInt8>,
        format: ImportFormat,
        forcedType: ObservableType?,
        record: (ImportRecord) throws -> Void,
        reject: (ImportRejection) throws -> Void
    ) throws {
        let concrete = format == .auto ? ImportFormat.detect(fileName: "", prefix: buffer) : format
        switch concrete {
        case .txt, .auto:
            try TextImportParser.parse(buffer, forcedType: forcedType, record: record, reject: reject)
        case .csv:
            try CSVImportParser.parse(buffer, forcedType: forcedType, record: record, reject: reject)
        case .json:
            try JSONImportParser.parse(buffer, forcedType: forcedType, record: record, reject: reject)
        case .stix:
            try STIXXMLImportParser.parse(buffer, forcedType: forcedType, record: record, reject: reject)
        }
    }
}

/// Byte-level helpers shared by the scanners.
enum ImportBytes {
    /// Where the content starts: after a UTF-8 byte-order mark, if any. UTF-16/32 files are
    /// refused up front, since every line of them would otherwise be rejected for its NULs.
    static func contentStart(_ bytes: UnsafeBufferPointer<UInt8>) throws(ImportFileError) -> Int {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { return 3 }
        if bytes.count >= 2, (bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF) {
            throw ImportFileError(problem: "the file is UTF-16 or UTF-32 (it starts with a byte-order mark); save it as UTF-8")
        }
        if let nul = bytes.prefix(4).firstIndex(of: 0) {
            throw ImportFileError(
                problem: "the file looks like UTF-16, UTF-32 or binary data (NUL byte at offset \(nul)); save it as UTF-8 text"
            )
        }
        return 0
    }

    /// The length of the well-formed UTF-8 sequence starting at `index` (1–4), or nil if the
    /// bytes there are not one (stray continuation, overlong form, surrogate, beyond U+10FFFF,
    /// or cut off at `end`).
    @inline(__always)
    static func utf8SequenceLength(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, end: Int) -> Int? {
        let lead = bytes[index]
        if lead < 0x80 { return 1 }
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        let length: Int
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: return nil
        }
        guard index + length <= end else { return nil }
        let second = bytes[index + 1]
        guard second >= low, second <= high else { return nil }
        var next = index + 2
        while next < index + length {
            guard bytes[next] & 0xC0 == 0x80 else { return nil }
            next += 1
        }
        return length
    }

    /// The offset of the first byte in `range` that does not begin well-formed UTF-8, or nil.
    static func firstInvalidUTF8(_ bytes: UnsafeBufferPointer<UInt8>, in range: Range<Int>) -> Int? {
        var index = range.lowerBound
        while index < range.upperBound {
            if bytes[index] < 0x80 {
                index += 1
                continue
            }
            guard let length = utf8SequenceLength(bytes, at: index, end: range.upperBound) else { return index }
            index += length
        }
        return nil
    }

    /// Decodes bytes already known to be valid UTF-8.
    @inline(__always)
    static func string(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    @inline(__always)
    static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

    /// `'x'` for printable ASCII, `0xE9` otherwise: how a stray byte is named in messages.
    static func describe(_ byte: UInt8) -> String {
        byte >= 0x21 && byte < 0x7F ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x" + hex(byte)
    }

    static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }
}
