import Foundation
import ThreatFeedCore

/// Writes `{"judgements":[…]}`: CTIM-shaped judgements, as CTIA serves a judgements feed.
public struct CTIAJudgementsWriter {
    /// The CTIM schema version our judgements follow (threatgrid/ctim, see reference/ctia-feeds.md §5).
    public static let schemaVersion = "1.3.29"
    /// What CTIA writes for an open-ended valid time.
    static let openEnd = "2525-01-01T00:00:00.000Z"

    public private(set) var bytes: [UInt8]
    public private(set) var count = 0
    /// `https://host:port` (no trailing slash): judgement ids are long URL ids, as CTIA returns them.
    private let idBase: String

    public init(idBase: String, reservingCapacity capacity: Int = 4096) {
        self.idBase = idBase
        bytes = []
        bytes.reserveCapacity(capacity)
        bytes.append(contentsOf: Array(#"{"judgements":["#.utf8))
    }

    public mutating func append(_ stored: StoredJudgement) {
        if count > 0 { bytes.append(UInt8(ascii: ",")) }
        let j = stored.judgement
        var fields: [(String, Field)] = [
            ("id", .string("\(idBase)/ctia/judgement/\(stored.id)")),
            ("type", .string("judgement")),
            ("schema_version", .string(Self.schemaVersion)),
            ("source", .string(j.source)),
            ("observable", .raw(Self.observableJSON(j.observable))),
            ("disposition", .raw(String(j.disposition.rawValue))),
            ("disposition_name", .string(j.disposition.name)),
            ("priority", .raw(String(j.priority))),
            ("confidence", .string(j.confidence.rawValue)),
            ("severity", .string(j.severity.rawValue)),
            ("tlp", .string(j.tlp.rawValue)),
            ("valid_time", .raw(Self.validTimeJSON(j.validTime))),
            ("timestamp", .string(Timestamps.iso8601Milli(stored.modified))),
            ("created", .string(Timestamps.iso8601Milli(stored.created))),
            ("modified", .string(Timestamps.iso8601Milli(stored.modified))),
            ("owner", .string(Self.owner(of: j))),
            ("groups", .raw(Self.groupsJSON)),
        ]
        if let reason = j.reason { fields.append(("reason", .string(reason))) }
        bytes.append(UInt8(ascii: "{"))
        for (index, (key, value)) in fields.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            JSONString.append(key, to: &bytes)
            bytes.append(UInt8(ascii: ":"))
            switch value {
            case .string(let text): JSONString.append(text, to: &bytes)
            case .raw(let text): bytes.append(contentsOf: text.utf8)
            }
        }
        bytes.append(UInt8(ascii: "}"))
        count += 1
    }

    /// CTIA stores `owner` (the login that created the record) and `groups` (that login's organisations) on every
    /// judgement and serves them in a judgements feed (reference/ctia-feeds.md §2.4, §5). ThreatFeed has no such
    /// identities, so both are inferred here, and only here: the owner is who made the statement — the judgement's
    /// source (`etd`, `import:<file>`, `taxii2:<user>`) — and the one group is this ThreatFeed. Nothing reads them
    /// back: CTIA itself uses them for access control, which a feed's secret already decides for us.
    static func owner(of judgement: Judgement) -> String { judgement.source }
    static let group = "threatfeed"
    private static let groupsJSON = "[" + JSONString.quoted(group) + "]"

    public mutating func finish() -> [UInt8] {
        bytes.append(contentsOf: Array("]}".utf8))
        return bytes
    }

    private enum Field {
        case string(String)
        case raw(String)
    }

    private static func observableJSON(_ observable: Observable) -> String {
        "{\"type\":\(JSONString.quoted(observable.type.rawValue)),\"value\":\(JSONString.quoted(observable.value))}"
    }

    private static func validTimeJSON(_ time: ValidTime) -> String {
        let end = time.end.map(Timestamps.iso8601Milli) ?? openEnd
        return "{\"start_time\":\"\(Timestamps.iso8601Milli(time.start))\",\"end_time\":\"\(end)\"}"
    }
}
