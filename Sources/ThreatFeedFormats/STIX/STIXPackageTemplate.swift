import ThreatFeedCore
import ThreatFeedXML

/// A variable part of a STIX package: what differs between two packages of the same shape.
enum STIXPackageField: Sendable {
    case idSuffix, modified, disposition, reason, validStart, validEnd, value, confidence
}

/// What decides a package's constant parts: its observable type and whether it has a description and an end time.
struct STIXPackageShape: Hashable, Sendable {
    let type: ObservableType
    let hasReason: Bool
    let hasEnd: Bool

    init(type: ObservableType, hasReason: Bool, hasEnd: Bool) {
        self.type = type
        self.hasReason = hasReason
        self.hasEnd = hasEnd
    }

    init(_ row: LiveJudgementRow) {
        self.init(type: row.type, hasReason: !row.reason.isEmpty, hasEnd: row.validEndMicros != nil)
    }
}

/// A compact package of one shape, rendered once: constant bytes with the variable fields' places between them.
/// Appending one is a copy of each constant run and of each escaped field, nothing more.
struct STIXPackageTemplate: Sendable {
    /// All constant bytes, one after the other; `runs[i]` is the range written before `fields[i]`, the last run after them all.
    private let constant: [UInt8]
    private let runs: [Range<Int>]
    private let fields: [STIXPackageField]

    func append(_ values: STIXPackageRenderer.Fields, to output: inout [UInt8]) {
        constant.withUnsafeBufferPointer { constant in
            for (run, field) in zip(runs, fields) {
                output.append(contentsOf: UnsafeBufferPointer(rebasing: constant[run]))
                values.append(field, to: &output)
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: constant[runs[runs.count - 1]]))
        }
    }

    /// Collects a template while the renderer writes the package into a compact writer: `slot` marks a field's place.
    struct Builder {
        private var runs: [Range<Int>] = []
        private var fields: [STIXPackageField] = []
        private var runStart = 0

        mutating func slot(_ field: STIXPackageField, _ writer: inout XMLWriter) {
            runs.append(runStart..<writer.bytes.count)
            runStart = writer.bytes.count
            fields.append(field)
        }

        mutating func finish(_ bytes: [UInt8]) -> STIXPackageTemplate {
            runs.append(runStart..<bytes.count)
            return STIXPackageTemplate(constant: bytes, runs: runs, fields: fields)
        }
    }
}
