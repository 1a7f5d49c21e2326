import Foundation
import ThreatFeedCore
import ThreatFeedFormats
import ThreatFeedStore

/// Feeds parsed records into one write transaction and counts what happened.
public final class Importer {
    public struct Defaults: Sendable {
        public var disposition: Disposition
        public var tlp: TLP
        public var validFor: TimeSpan
        public var forcedType: ObservableType?
        public var format: ImportFormat

        public init(disposition: Disposition, tlp: TLP, validFor: TimeSpan, forcedType: ObservableType?, format: ImportFormat) {
            self.disposition = disposition
            self.tlp = tlp
            self.validFor = validFor
            self.forcedType = forcedType
            self.format = format
        }
    }

    /// Thrown by `run` under `strict` when a line was rejected: the transaction rolls back.
    public struct StrictAbort: Error {}

    let indicatorName: EntityName
    let inputs: [(path: String, data: Data)]
    let defaults: Defaults
    let source: String?
    let strict: Bool
    /// After each stored record (file name, line, counts so far), for progress.
    let onRecord: (String, Int, ImportSummary) -> Void
    /// Each rejected line with the path of its file.
    let onReject: (String, ImportRejection) -> Void
    public private(set) var summary = ImportSummary()

    public init(
        indicatorName: EntityName, inputs: [(path: String, data: Data)], defaults: Defaults, source: String?, strict: Bool,
        onRecord: @escaping (String, Int, ImportSummary) -> Void = { _, _, _ in },
        onReject: @escaping (String, ImportRejection) -> Void = { _, _ in }
    ) {
        self.indicatorName = indicatorName
        self.inputs = inputs
        self.defaults = defaults
        self.source = source
        self.strict = strict
        self.onRecord = onRecord
        self.onReject = onReject
    }

    /// Records per page handed from the parsing thread to the writer.
    static let pageSize = 1_024

    /// Parses on a thread of its own while this one writes (pages of `pageSize`, at most four waiting), all in the
    /// caller's transaction; rejections and progress are reported here, in file order.
    public func run(_ writer: StoreWriter) throws {
        summary = ImportSummary()
        let (target, created) = try writer.indicator(named: indicatorName)
        summary.createdIndicator = created
        let channel = ImportPageChannel(capacity: 4)
        let parsed = DispatchSemaphore(value: 0)
        // The parser also finds the observables and the indicator's judgements stored before the import, off the
        // writer's thread.
        let parser = Thread { [inputs, defaults, source, now = writer.now, snapshot = writer.importObservableSnapshot, target] in
            channel.finish(
                Result {
                    try snapshot.withLookup(indicatorID: target.id) { lookup in
                        try Importer.parse(inputs, defaults: defaults, source: source, now: now, lookup: lookup, into: channel)
                    }
                }
            )
            parsed.signal()
        }
        parser.stackSize = 8 << 20
        parser.start()
        // Whatever ends the writing (an error, a database failure), the parser stops and is gone before we return.
        defer {
            channel.cancel()
            parsed.wait()
        }
        let lines = inputs.reduce(0) { $0 + Importer.lineCount($1.data) }
        try writer.importJudgements(into: target.id, expectedRows: lines) { store in
            while let page = try channel.receive() {
                let path = inputs[page.file].path
                for rejection in page.rejections {
                    summary.rejected += 1
                    onReject(path, rejection)
                }
                let counts = try store.record(page.rows)
                summary.added += counts.added
                summary.refreshed += counts.refreshed
                if !page.rows.isEmpty { onRecord(URL(fileURLWithPath: path).lastPathComponent, page.lastLine, summary) }
            }
        }
        if strict, summary.rejected > 0 { throw StrictAbort() }
    }

    /// About the number of records (a line each in the text formats), for the writer's choice of a bulk import.
    static func lineCount(_ data: Data) -> Int {
        data.withUnsafeBytes { bytes in
            var count = bytes.isEmpty || bytes.last == UInt8(ascii: "\n") ? 0 : 1
            for byte in bytes where byte == UInt8(ascii: "\n") { count += 1 }
            return count
        }
    }

    /// The writer cancelled: the parser stops.
    private struct Cancelled: Error {}

    /// Parses every file in order into pages of judgements (the command's defaults applied) and sends them.
    private static func parse(
        _ inputs: [(path: String, data: Data)], defaults: Defaults, source: String?, now: Date, lookup: ImportObservableLookup?,
        into channel: ImportPageChannel
    ) throws {
        for (file, (path, data)) in inputs.enumerated() {
            let fileName = URL(fileURLWithPath: path).lastPathComponent
            let format = defaults.format == .auto ? ImportFormat.detect(fileName: fileName, prefix: data.prefix(512)) : defaults.format
            let source = source ?? "import:\(fileName)"
            let defaultEnd = now.addingTimeInterval(defaults.validFor.seconds)
            // `{"import.file":"…","import.line":"N"}`, as JSONString.object writes it, from a prefix made once.
            let provenancePrefix = "{" + JSONString.quoted("import.file") + ":" + JSONString.quoted(fileName) + ","
                + JSONString.quoted("import.line") + ":\""
            var page = ParsedImportPage(file: file)
            page.rows.reserveCapacity(pageSize)
            func send() throws {
                guard channel.send(page) else { throw Cancelled() }
                page = ParsedImportPage(file: file)
                page.rows.reserveCapacity(pageSize)
            }
            do {
                try ImportParser.parse(
                    data, format: format, forcedType: defaults.forcedType,
                    record: { record in
                        let judgement = Judgement(
                            observable: record.observable,
                            disposition: record.disposition ?? defaults.disposition,
                            source: source,
                            confidence: record.confidence ?? .high,
                            severity: record.severity ?? .high,
                            tlp: record.tlp ?? defaults.tlp,
                            priority: record.priority ?? 95,
                            reason: record.reason,
                            validTime: ValidTime(
                                start: record.validFrom ?? now,
                                end: record.openEnded ? nil : (record.validUntil ?? defaultEnd)
                            )
                        )
                        page.rows.append(
                            ImportedJudgement(judgement: judgement, provenanceJSON: provenancePrefix + String(record.line) + "\"}", lookup: lookup)
                        )
                        page.lastLine = record.line
                        if page.rows.count >= pageSize { try send() }
                    },
                    reject: { rejection in
                        page.rejections.append(rejection)
                        if page.rejections.count >= pageSize { try send() }
                    }
                )
            } catch let error as ImportFileError {
                try send()
                throw ConfigurationError.file(path, "\(error)")
            }
            try send()
        }
    }
}

public struct ImportSummary: Sendable {
    public var added = 0
    public var refreshed = 0
    public var rejected = 0
    public var createdIndicator = false
}
