import Foundation

/// One statement about one observable, as CTIM models it.
public struct Judgement: Hashable, Sendable {
    public var observable: Observable
    public var disposition: Disposition
    /// Who said it: `etd`, `import:<file>`, `api`.
    public var source: String
    public var confidence: Confidence
    public var severity: Severity
    public var tlp: TLP
    /// CTIM priority 0–100: humans 100, curated lists 95, automated systems 90 or less.
    public var priority: Int
    public var reason: String?
    public var validTime: ValidTime
    /// Where it came from, e.g. `etd.message_id`, `etd.verdict`, `import.line`.
    public var provenance: [String: String]

    public init(
        observable: Observable,
        disposition: Disposition = .malicious,
        source: String,
        confidence: Confidence = .high,
        severity: Severity = .high,
        tlp: TLP = .amber,
        priority: Int = 95,
        reason: String? = nil,
        validTime: ValidTime,
        provenance: [String: String] = [:]
    ) {
        self.observable = observable
        self.disposition = disposition
        self.source = source
        self.confidence = confidence
        self.severity = severity
        self.tlp = tlp
        self.priority = priority
        self.reason = reason
        self.validTime = validTime
        self.provenance = provenance
    }
}

/// A judgement as kept: its id, its ingestion label and when it was first and last written.
public struct StoredJudgement: Hashable, Sendable {
    /// `judgement-<uuid>`, stable across refreshes of the same statement.
    public var id: String
    public var label: TimestampLabel
    public var indicatorID: String
    public var created: Date
    public var modified: Date
    public var judgement: Judgement

    public init(id: String, label: TimestampLabel, indicatorID: String, created: Date, modified: Date, judgement: Judgement) {
        self.id = id
        self.label = label
        self.indicatorID = indicatorID
        self.created = created
        self.modified = modified
        self.judgement = judgement
    }
}
