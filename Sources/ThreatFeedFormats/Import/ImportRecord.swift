import Foundation
import ThreatFeedCore

/// One accepted entry of an import file. A nil field means "use the command's default",
/// so the CLI can apply `--disposition`, `--valid-for` and friends without the parser
/// knowing them.
public struct ImportRecord: Sendable, Hashable {
    /// 1-based line where the entry starts (the physical line of a text value, the first line
    /// of a CSV record, the line of a JSON array element's opening brace).
    public var line: Int
    public var observable: Observable
    public var disposition: Disposition?
    public var severity: Severity?
    public var confidence: Confidence?
    public var tlp: TLP?
    public var validFrom: Date?
    public var validUntil: Date?
    public var reason: String?
    /// CTIM priority 0–100 when the file gave one.
    public var priority: Int?
    /// The file said "no end" (CTIA's far-future `2525-01-01T00:00:00.000Z`): the judgement has no end, rather than the default valid-for.
    public var openEnded: Bool

    /// CTIA's "no end" date; any end from it on is taken as none.
    public static let ctiaOpenEnd = Date(timeIntervalSince1970: 17_514_144_000)

    public init(
        line: Int,
        observable: Observable,
        disposition: Disposition? = nil,
        severity: Severity? = nil,
        confidence: Confidence? = nil,
        tlp: TLP? = nil,
        validFrom: Date? = nil,
        validUntil: Date? = nil,
        reason: String? = nil,
        priority: Int? = nil,
        openEnded: Bool = false
    ) {
        self.line = line
        self.observable = observable
        self.disposition = disposition
        self.severity = severity
        self.confidence = confidence
        self.tlp = tlp
        self.validFrom = validFrom
        self.validUntil = validUntil
        self.reason = reason
        self.priority = priority
        self.openEnded = openEnded
    }
}
