import Foundation
import ThreatFeedCore

/// Lookup answers in the CTIM shapes a Cisco XDR relay module returns (xdr-relay-ctim.md §2–3):
/// `{"data": {"judgements": {"count", "docs"}, "verdicts": …, "sightings": …}}` and the refer list.
///
/// Choices that are ours, not Cisco's ([INF], change them here): judgements and sightings are about the
/// observable asked only (XDR asks again for the related observables it extracts itself); ended judgements
/// are returned with their valid time, verdicts only from live ones; sightings are one per ETD conviction of a
/// message that carried the observable; judgement ids are the long CTIA-style ids, made-up objects
/// (verdicts, sightings) get `transient:` ids.
public struct CTIMRelayRenderer: Sendable {
    /// `https://host[:port]`: judgement ids and refer links are built on it.
    public let publicBase: String
    /// What `source` says in every object.
    public static let source = "ThreatFeed"
    /// CTIA's far-future end for "no end".
    static let openEnd = "2525-01-01T00:00:00.000Z"

    public init(publicBase: String) { self.publicBase = publicBase }

    /// `/observe/observables`: judgements, verdicts and sightings.
    ///
    /// Written straight into bytes: through `JSONSerialization` (dictionaries of `Any`, sorted keys) rendering took
    /// 62 % of a 100-observable answer's time (perf, Benchmarks/RESULTS.md).
    public func observe(_ report: LookupReport) -> Data {
        var judgements = DocList()
        var verdicts = DocList()
        var sightings = DocList()
        for result in report.results {
            for judgement in result.judgements {
                judgements.add { appendJudgement(judgement, type: result.type, value: result.value, to: &$0) }
            }
            if let winner = Self.winner(result) {
                verdicts.add { appendVerdict(winner, type: result.type, value: result.value, to: &$0) }
            }
            var seen: Set<ETDConvictionReference> = []
            for conviction in result.judgements.flatMap(\.etd) where seen.insert(conviction).inserted {
                sightings.add { appendSighting(conviction, type: result.type, value: result.value, to: &$0) }
            }
        }
        return Self.envelope([("judgements", judgements), ("sightings", sightings), ("verdicts", verdicts)])
    }

    /// `/deliberate/observables`: one verdict per observable that has a live judgement.
    public func deliberate(_ report: LookupReport) -> Data {
        var verdicts = DocList()
        for result in report.results {
            if let winner = Self.winner(result) {
                verdicts.add { appendVerdict(winner, type: result.type, value: result.value, to: &$0) }
            }
        }
        return Self.envelope([("verdicts", verdicts)])
    }

    /// `/refer/observables`: a link to ThreatFeed's own lookup of each observable.
    public func refer(_ subjects: [LookupSubject]) -> Data {
        let links: [[String: Any]] = subjects.map { subject in
            let term = "\(subject.type):\"\(subject.value)\""
            var query = CharacterSet.urlQueryAllowed
            query.remove(charactersIn: "&=+?#")
            let encoded = term.addingPercentEncoding(withAllowedCharacters: query) ?? term
            return [
                "id": "ref-threatfeed-lookup-\(subject.type)-\(encoded)",
                "title": "Look up this \(subject.type) in ThreatFeed",
                "description": "What ThreatFeed holds about \(subject.value): judgements, held-back values, feeds and gateway delivery",
                "url": "\(publicBase)/lookup?term=\(encoded)",
                "categories": ["ThreatFeed", "Lookup"],
            ]
        }
        return Self.json(["data": links])
    }

    /// The relay template's refusal: HTTP 200 with the error in the envelope ([INF] which envelope: the
    /// template of 2020 answers `{"data": {…}}`, newer relays `{"errors": [{…}]}`; we send the newer one).
    public static func error(code: String, message: String) -> Data {
        json(["errors": [["type": "fatal", "code": code, "message": message]]])
    }

    /// A list of CTIM documents being written, and how many.
    struct DocList {
        var bytes: [UInt8] = []
        var count = 0

        mutating func add(_ write: (inout [UInt8]) -> Void) {
            if count > 0 { bytes.append(UInt8(ascii: ",")) }
            write(&bytes)
            count += 1
        }
    }

    /// `{"data": {name: {"count", "docs"}, …}}`, leaving out empty lists.
    static func envelope(_ parts: [(String, DocList)]) -> Data {
        var out: [UInt8] = Array(#"{"data":{"#.utf8)
        var first = true
        for (name, docs) in parts where docs.count > 0 {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            JSONString.append(name, to: &out)
            out += Array(#":{"count":"#.utf8) + Array(String(docs.count).utf8) + Array(#","docs":["#.utf8)
            out += docs.bytes
            out += Array("]}".utf8)
        }
        out += Array("}}".utf8)
        return Data(out)
    }

    func appendJudgement(_ j: LookupJudgement, type: String, value: String, to out: inout [UInt8]) {
        var object = Members(&out)
        object.string("type", "judgement", &out)
        object.string("id", "\(publicBase)/ctia/judgement/\(j.id)", &out)
        object.string("schema_version", CTIAJudgementsWriter.schemaVersion, &out)
        object.observable("observable", type: type, value: value, &out)
        object.string("source", "\(Self.source) (\(j.source))", &out)
        object.string("source_uri", "\(publicBase)/lookup", &out)
        object.int("disposition", j.disposition, &out)
        object.string("disposition_name", j.dispositionName, &out)
        object.int("priority", j.priority, &out)
        object.string("severity", j.severity, &out)
        object.string("confidence", j.confidence, &out)
        object.string("tlp", j.tlp, &out)
        object.validTime("valid_time", start: j.validTime.startTime, end: j.validTime.endTime ?? Self.openEnd, &out)
        object.string("timestamp", j.modified, &out)
        if let reason = j.reason { object.string("reason", reason, &out) }
        object.close(&out)
    }

    /// The winning live judgement: highest priority, then the most recent (CTIM's verdict rule).
    static func winner(_ result: LookupResult) -> LookupJudgement? {
        result.judgements.filter { $0.state == .live }.max(by: { ($0.priority, $0.modified) < ($1.priority, $1.modified) })
    }

    func appendVerdict(_ winner: LookupJudgement, type: String, value: String, to out: inout [UInt8]) {
        var object = Members(&out)
        object.string("type", "verdict", &out)
        object.observable("observable", type: type, value: value, &out)
        object.int("disposition", winner.disposition, &out)
        object.string("disposition_name", winner.dispositionName, &out)
        object.string("judgement_id", "\(publicBase)/ctia/judgement/\(winner.id)", &out)
        object.validTime("valid_time", start: winner.validTime.startTime, end: winner.validTime.endTime ?? Self.openEnd, &out)
        object.close(&out)
    }

    func appendSighting(_ conviction: ETDConvictionReference, type: String, value: String, to out: inout [UInt8]) {
        var description = "A message ETD convicted as \(conviction.verdict) carried this \(type)"
        if let subject = conviction.subject { description += "; subject: \(subject)" }
        if let from = conviction.fromAddress { description += "; from: \(from)" }
        if conviction.cleared { description += " (ETD later cleared the message)" }
        var object = Members(&out)
        object.string("type", "sighting", &out)
        object.string("id", "transient:sighting-\(RandomUUID.v4())", &out)
        object.string("schema_version", CTIAJudgementsWriter.schemaVersion, &out)
        object.int("count", 1, &out)
        object.string("confidence", "High", &out)
        object.string("severity", "High", &out)
        object.string("source", "\(Self.source) (Email Threat Defense)", &out)
        object.string("title", "Email Threat Defense \(conviction.verdict) conviction", &out)
        object.raw("internal", "true", &out)
        object.key("observables", &out)
        out.append(UInt8(ascii: "["))
        Self.appendObservable(type: type, value: value, to: &out)
        out.append(UInt8(ascii: "]"))
        object.key("observed_time", &out)
        out += Array(#"{"start_time":"#.utf8)
        JSONString.append(conviction.messageTime ?? Timestamps.iso8601Milli(Date()), to: &out)
        out.append(UInt8(ascii: "}"))
        object.key("external_ids", &out)
        out.append(UInt8(ascii: "["))
        JSONString.append(conviction.messageID, to: &out)
        out.append(UInt8(ascii: "]"))
        object.string("description", description, &out)
        object.close(&out)
    }

    static func appendObservable(type: String, value: String, to out: inout [UInt8]) {
        out += Array(#"{"type":"#.utf8)
        JSONString.append(type, to: &out)
        out += Array(#","value":"#.utf8)
        JSONString.append(value, to: &out)
        out.append(UInt8(ascii: "}"))
    }

    /// Writes one JSON object's members, in order, into `out`: `{` on creation, `}` on `close`.
    struct Members {
        private var first = true

        init(_ out: inout [UInt8]) { out.append(UInt8(ascii: "{")) }

        mutating func key(_ name: String, _ out: inout [UInt8]) {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            JSONString.append(name, to: &out)
            out.append(UInt8(ascii: ":"))
        }

        mutating func string(_ name: String, _ value: String, _ out: inout [UInt8]) {
            key(name, &out)
            JSONString.append(value, to: &out)
        }

        mutating func raw(_ name: String, _ text: String, _ out: inout [UInt8]) {
            key(name, &out)
            out += Array(text.utf8)
        }

        mutating func int(_ name: String, _ value: Int, _ out: inout [UInt8]) { raw(name, String(value), &out) }

        mutating func observable(_ name: String, type: String, value: String, _ out: inout [UInt8]) {
            key(name, &out)
            CTIMRelayRenderer.appendObservable(type: type, value: value, to: &out)
        }

        mutating func validTime(_ name: String, start: String, end: String, _ out: inout [UInt8]) {
            key(name, &out)
            out += Array(#"{"start_time":"#.utf8)
            JSONString.append(start, to: &out)
            out += Array(#","end_time":"#.utf8)
            JSONString.append(end, to: &out)
            out.append(UInt8(ascii: "}"))
        }

        func close(_ out: inout [UInt8]) { out.append(UInt8(ascii: "}")) }
    }

    public static func json(_ object: [String: Any]) -> Data {
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
    }
}
