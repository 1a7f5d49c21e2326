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

    public func run(_ writer: StoreWriter) throws {
        summary = ImportSummary()
        let (target, created) = try writer.indicator(named: indicatorName)
        summary.createdIndicator = created
        for (path, data) in inputs {
            let fileName = URL(fileURLWithPath: path).lastPathComponent
            let format = defaults.format == .auto ? ImportFormat.detect(fileName: fileName, prefix: data.prefix(512)) : defaults.format
            let source = self.source ?? "import:\(fileName)"
            let validFor = defaults.validFor.seconds
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
                                start: record.validFrom ?? writer.now,
                                end: record.openEnded ? nil : (record.validUntil ?? writer.now.addingTimeInterval(validFor))
                            ),
                            provenance: ["import.file": fileName, "import.line": String(record.line)]
                        )
                        switch try writer.record(judgement, in: target.id) {
                        case .added: summary.added += 1
                        case .refreshed: summary.refreshed += 1
                        }
                        onRecord(fileName, record.line, summary)
                    },
                    reject: { rejection in
                        summary.rejected += 1
                        onReject(path, rejection)
                    }
                )
            } catch let error as ImportFileError {
                throw ConfigurationError.file(path, "\(error)")
            }
        }
        if strict, summary.rejected > 0 { throw StrictAbort() }
    }
}

public struct ImportSummary: Sendable {
    public var added = 0
    public var refreshed = 0
    public var rejected = 0
    public var createdIndicator = false
}
