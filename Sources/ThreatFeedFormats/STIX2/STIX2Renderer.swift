import Foundation
import ThreatFeedCore

/// Renders stored judgements as STIX 2.1 objects (JSON): one `indicator` per judgement, and the producer's
/// `identity` every indicator's `created_by_ref` names. Knows no storage: the caller passes the rows.
///
/// A judgement is updated in place when it is re-seen or ended, and its label moves; the label is therefore the
/// indicator's `modified` (its version) and its TAXII `date_added`. Labels only grow, so every new version has a
/// later `modified` than the one a consumer already holds.
public struct STIX2Renderer: Sendable {
    public let producerName: String
    public let identityID: String

    /// `identityID` is the producer's `identity--…` id; the server derives it from the name (STIX2Identity), so
    /// formats need no hashing library.
    public init(producerName: String = "ThreatFeed", identityID: String) {
        self.producerName = producerName
        self.identityID = identityID
    }

    /// The version (`modified`) of a judgement's indicator; never before its `created`.
    public static func version(of stored: StoredJudgement) -> TimestampLabel {
        max(stored.label, TimestampLabel(stored.created))
    }

    /// Whether the judgement was ended before its time (ETD reclassified the message, an allowlist or an operator
    /// ended it): its valid time stopped no later than the write that produced this version. Published as
    /// `revoked: true` as well as a `valid_until` in the past, so consumers that look at either drop it.
    public static func isEndedEarly(_ stored: StoredJudgement) -> Bool {
        guard let end = stored.judgement.validTime.end else { return false }
        return TimestampLabel(end) <= stored.label
    }

    public func indicator(_ stored: StoredJudgement) -> [UInt8] {
        var output: [UInt8] = []
        appendIndicator(stored, to: &output)
        return output
    }

    public func appendIndicator(_ stored: StoredJudgement, to output: inout [UInt8]) {
        let judgement = stored.judgement
        let observable = judgement.observable
        output.reserveCapacity(output.count + 1024)
        raw(#"{"type":"indicator","spec_version":"2.1","id":"#, &output)
        JSONString.append(STIX2ObjectID.indicator(judgementID: stored.id), to: &output)
        raw(#","created":"#, &output)
        timestamp(TimestampLabel(stored.created), &output)
        raw(#","modified":"#, &output)
        timestamp(Self.version(of: stored), &output)
        raw(#","created_by_ref":"#, &output)
        JSONString.append(identityID, to: &output)
        let noun = Self.noun(observable.type)
        raw(#","name":"#, &output)
        JSONString.append(Self.name(judgement, noun: noun), to: &output)
        raw(#","description":"#, &output)
        if let reason = judgement.reason, !reason.isEmpty {
            JSONString.append(reason, to: &output)
        } else {
            JSONString.append(judgement.disposition.name + " " + noun + ", from " + judgement.source, to: &output)
        }
        raw(#","indicator_types":["#, &output)
        JSONString.append(Self.indicatorType(judgement.disposition), to: &output)
        raw(#"],"pattern":"#, &output)
        JSONString.append(STIX2Pattern.equality(for: observable), to: &output)
        raw(#","pattern_type":"stix","pattern_version":"2.1","valid_from":"#, &output)
        let start = TimestampLabel(judgement.validTime.start)
        timestamp(start, &output)
        if let end = judgement.validTime.end {
            // STIX wants valid_until after valid_from; a judgement ended the instant it started still gets a (past) end.
            let until = max(TimestampLabel(end), TimestampLabel(microseconds: start.microseconds + 1))
            raw(#","valid_until":"#, &output)
            timestamp(until, &output)
        }
        if let confidence = Self.confidence(judgement.confidence) {
            raw(#","confidence":"#, &output)
            raw(String(confidence), &output)
        }
        if Self.isEndedEarly(stored) { raw(#","revoked":true"#, &output) }
        raw(#","labels":["#, &output)
        JSONString.append(judgement.disposition.name.lowercased(), to: &output)
        raw(",", &output)
        JSONString.append("source:" + judgement.source, to: &output)
        raw(#"],"object_marking_refs":["#, &output)
        JSONString.append(STIX2Marking.tlp(judgement.tlp), to: &output)
        raw("]", &output)
        if let message = judgement.provenance["etd.message_id"], !message.isEmpty {
            raw(#","external_references":[{"source_name":"Cisco Secure Email Threat Defense","external_id":"#, &output)
            JSONString.append(message, to: &output)
            var description = "ETD message"
            if let verdict = judgement.provenance["etd.verdict"] { description += ", verdict " + verdict }
            if let techniques = judgement.provenance["etd.techniques"] { description += ", techniques: " + techniques }
            raw(#","description":"#, &output)
            JSONString.append(description, to: &output)
            raw("}]", &output)
        }
        raw("}", &output)
    }

    /// The producer named by every indicator's `created_by_ref`.
    public func appendIdentity(created: TimestampLabel, to output: inout [UInt8]) {
        raw(#"{"type":"identity","spec_version":"2.1","id":"#, &output)
        JSONString.append(identityID, to: &output)
        raw(#","created":"#, &output)
        timestamp(created, &output)
        raw(#","modified":"#, &output)
        timestamp(created, &output)
        raw(#","name":"#, &output)
        JSONString.append(producerName, to: &output)
        raw(#","identity_class":"organization"}"#, &output)
    }

    public func identity(created: TimestampLabel) -> [UInt8] {
        var output: [UInt8] = []
        appendIdentity(created: created, to: &output)
        return output
    }

    /// STIX `indicator-type-ov`.
    static func indicatorType(_ disposition: Disposition) -> String {
        switch disposition {
        case .malicious: "malicious-activity"
        case .suspicious: "anomalous-activity"
        case .clean, .common: "benign"
        case .unknown: "unknown"
        }
    }

    /// The None/Low/Med/High scale of STIX 2.1 Appendix A; unknown confidence is left out.
    static func confidence(_ confidence: Confidence) -> Int? {
        switch confidence {
        case .none: 0
        case .info, .low: 15
        case .medium: 50
        case .high: 85
        case .unknown: nil
        }
    }

    static func noun(_ type: ObservableType) -> String {
        switch type {
        case .url: "URL"
        case .domain: "domain"
        case .ip: "IPv4 address"
        case .ipv6: "IPv6 address"
        case .sha256: "file (SHA-256)"
        case .sha1: "file (SHA-1)"
        case .md5: "file (MD5)"
        }
    }

    /// "Malicious URL https://x.example/a": what a SIEM lists; the reason goes in the description.
    static func name(_ judgement: Judgement, noun: String) -> String {
        var value = judgement.observable.value
        if value.count > 200 { value = String(value.prefix(200)) + "…" }
        return judgement.disposition.name + " " + noun + " " + value
    }

    private func raw(_ text: String, _ output: inout [UInt8]) { output.append(contentsOf: text.utf8) }

    private func timestamp(_ label: TimestampLabel, _ output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        TAXIITimestamp.append(label, to: &output)
        output.append(UInt8(ascii: "\""))
    }
}
