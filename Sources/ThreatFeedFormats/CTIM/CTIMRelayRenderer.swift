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
    public func observe(_ report: LookupReport) -> Data {
        var judgements: [[String: Any]] = []
        var verdicts: [[String: Any]] = []
        var sightings: [[String: Any]] = []
        for result in report.results {
            let observable = ["type": result.type, "value": result.value]
            judgements.append(contentsOf: result.judgements.map { judgement($0, observable: observable) })
            if let verdict = verdict(result, observable: observable) { verdicts.append(verdict) }
            var seen: Set<ETDConvictionReference> = []
            for conviction in result.judgements.flatMap(\.etd) where seen.insert(conviction).inserted {
                sightings.append(sighting(conviction, observable: observable))
            }
        }
        return Self.envelope(["judgements": judgements, "verdicts": verdicts, "sightings": sightings])
    }

    /// `/deliberate/observables`: one verdict per observable that has a live judgement.
    public func deliberate(_ report: LookupReport) -> Data {
        let verdicts = report.results.compactMap { verdict($0, observable: ["type": $0.type, "value": $0.value]) }
        return Self.envelope(["verdicts": verdicts])
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

    func judgement(_ j: LookupJudgement, observable: [String: String]) -> [String: Any] {
        var object: [String: Any] = [
            "type": "judgement",
            "id": "\(publicBase)/ctia/judgement/\(j.id)",
            "schema_version": CTIAJudgementsWriter.schemaVersion,
            "observable": observable,
            "source": "\(Self.source) (\(j.source))",
            "source_uri": "\(publicBase)/lookup",
            "disposition": j.disposition,
            "disposition_name": j.dispositionName,
            "priority": j.priority,
            "severity": j.severity,
            "confidence": j.confidence,
            "tlp": j.tlp,
            "valid_time": ["start_time": j.validTime.startTime, "end_time": j.validTime.endTime ?? Self.openEnd],
            "timestamp": j.modified,
        ]
        if let reason = j.reason { object["reason"] = reason }
        return object
    }

    /// The winning live judgement: highest priority, then the most recent (CTIM's verdict rule).
    func verdict(_ result: LookupResult, observable: [String: String]) -> [String: Any]? {
        let live = result.judgements.filter { $0.state == .live }
        guard let winner = live.max(by: { ($0.priority, $0.modified) < ($1.priority, $1.modified) }) else { return nil }
        return [
            "type": "verdict",
            "observable": observable,
            "disposition": winner.disposition,
            "disposition_name": winner.dispositionName,
            "judgement_id": "\(publicBase)/ctia/judgement/\(winner.id)",
            "valid_time": ["start_time": winner.validTime.startTime, "end_time": winner.validTime.endTime ?? Self.openEnd],
        ]
    }

    func sighting(_ conviction: ETDConvictionReference, observable: [String: String]) -> [String: Any] {
        var object: [String: Any] = [
            "type": "sighting",
            "id": "transient:sighting-\(RandomUUID.v4())",
            "schema_version": CTIAJudgementsWriter.schemaVersion,
            "count": 1,
            "confidence": "High",
            "severity": "High",
            "source": "\(Self.source) (Email Threat Defense)",
            "title": "Email Threat Defense \(conviction.verdict) conviction",
            "internal": true,
            "observables": [observable],
            "observed_time": ["start_time": conviction.messageTime ?? Timestamps.iso8601Milli(Date())],
            "external_ids": [conviction.messageID],
        ]
        var description = "A message ETD convicted as \(conviction.verdict) carried this \(observable["type"] ?? "value")"
        if let subject = conviction.subject { description += "; subject: \(subject)" }
        if let from = conviction.fromAddress { description += "; from: \(from)" }
        if conviction.cleared { description += " (ETD later cleared the message)" }
        object["description"] = description
        return object
    }

    static func envelope(_ parts: [String: [[String: Any]]]) -> Data {
        var data: [String: Any] = [:]
        for (name, docs) in parts where !docs.isEmpty { data[name] = ["count": docs.count, "docs": docs] as [String: Any] }
        return json(["data": data])
    }

    public static func json(_ object: [String: Any]) -> Data {
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
    }
}
