import ThreatFeedCore

/// One value per line; `#` starts a comment at the start of a line or after whitespace
/// (so a URL fragment like `/page#top` stays part of the value).
///
/// Scans bytes in place: no array of lines, no String per comment or blank line, so a
/// million-line file costs little more than its validation.
enum TextImportParser {
    static func parse(
        _ bytes: UnsafeBufferPointer<UInt8>,
        forcedType: ObservableType?,
        record: (ImportRecord) throws -> Void,
        reject: (ImportRejection) throws -> Void
    ) throws {
        let end = bytes.count
        var lineStart = try ImportBytes.contentStart(bytes)
        var line = 0
        while lineStart < end {
            line += 1
            var lineEnd = lineStart
            while lineEnd < end, bytes[lineEnd] != 0x0A { lineEnd += 1 }
            let next = lineEnd + 1
            if lineEnd > lineStart, bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            defer { lineStart = next }

            // One pass over the line: where the comment starts, any NUL, any non-ASCII byte.
            var valueEnd = lineEnd
            var nul = -1
            var nonASCII = false
            var previousIsBlank = true
            var index = lineStart
            while index < lineEnd {
                let byte = bytes[index]
                if byte == 0 {
                    nul = index
                    break
                }
                if byte == UInt8(ascii: "#"), previousIsBlank, valueEnd == lineEnd { valueEnd = index }
                if byte >= 0x80, valueEnd == lineEnd { nonASCII = true }
                previousIsBlank = ImportBytes.isBlank(byte)
                index += 1
            }
            if nul >= 0 {
                try reject(ImportRejection(line: line, reason: "the line contains a NUL byte (column \(nul - lineStart + 1))"))
                continue
            }
            var valueStart = lineStart
            while valueStart < valueEnd, ImportBytes.isBlank(bytes[valueStart]) { valueStart += 1 }
            while valueEnd > valueStart, ImportBytes.isBlank(bytes[valueEnd - 1]) { valueEnd -= 1 }
            if valueStart == valueEnd { continue }  // blank or comment

            if valueEnd - valueStart > ImportLimits.maxValueBytes {
                try reject(ImportRejection(line: line, reason: ImportText.tooLong(valueEnd - valueStart)))
                continue
            }
            if nonASCII, let bad = ImportBytes.firstInvalidUTF8(bytes, in: valueStart..<valueEnd) {
                try reject(
                    ImportRejection(
                        line: line,
                        reason: "the line is not valid UTF-8 (\(ImportBytes.describe(bytes[bad])) at column \(bad - lineStart + 1)); save the file as UTF-8"
                    )
                )
                continue
            }
            let value = ImportBytes.string(bytes, valueStart..<valueEnd)
            let observable: Observable
            do {
                observable = try Observable(parsing: value, as: forcedType)
            } catch {
                try reject(ImportRejection(line: line, reason: ImportText.observableReason(value, error)))
                continue
            }
            try record(ImportRecord(line: line, observable: observable))
        }
    }
}
