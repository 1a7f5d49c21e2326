import Foundation
import ThreatFeedFormats
import ThreatFeedStore

/// One page of one file as the parsing thread hands it to the writer: its judgements and rejected lines in file order.
struct ParsedImportPage: Sendable {
    var file: Int
    var rows: [ImportedJudgement] = []
    var rejections: [ImportRejection] = []
    var lastLine = 0
}

/// Hands parsed pages from the parsing thread to the writer, at most `capacity` waiting (memory stays flat whatever
/// the file's size). The parser ends with `finish`, successful or with the file error; the writer may `cancel`, after
/// which `send` refuses further pages so that the parser stops.
final class ImportPageChannel: @unchecked Sendable {
    // Every field is guarded by `condition`.
    private let condition = NSCondition()
    private let capacity: Int
    private var pages: [ParsedImportPage] = []
    private var end: Result<Void, any Error>?
    private var cancelled = false

    init(capacity: Int) { self.capacity = capacity }

    /// Waits for room; false when the writer cancelled.
    func send(_ page: ParsedImportPage) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while pages.count >= capacity, !cancelled { condition.wait() }
        if cancelled { return false }
        pages.append(page)
        condition.broadcast()
        return true
    }

    func finish(_ result: Result<Void, any Error>) {
        condition.lock()
        end = result
        condition.broadcast()
        condition.unlock()
    }

    /// The next page, nil after the last; rethrows the parser's error once the pages before it are taken.
    func receive() throws -> ParsedImportPage? {
        condition.lock()
        defer { condition.unlock() }
        while pages.isEmpty, end == nil { condition.wait() }
        if !pages.isEmpty {
            condition.broadcast()
            return pages.removeFirst()
        }
        try end?.get()
        return nil
    }

    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }
}
