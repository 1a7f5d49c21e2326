import Foundation

/// What ThreatFeed knows about the observables an analyst asked about: the answer of
/// `threatfeed lookup --json` and `POST /lookup` (one shape for both).
public struct LookupReport: Codable, Sendable, Equatable {
    public var results: [LookupResult]
    /// Whether anything is known about any of them (the CLI exits 0 when true, 1 when not).
    public var known: Bool
    /// When the answer was made: "live", "delivered" and "not yet" are as of this instant.
    public var at: String

    public init(results: [LookupResult], at: Date) {
        self.results = results
        self.known = results.contains(where: \.known)
        self.at = Timestamps.iso8601Milli(at)
    }
}

/// Everything known about one observable, and about the observables it implies (its URL's host, the URLs on it).
public struct LookupResult: Codable, Sendable, Equatable {
    public var type: String
    public var value: String
    /// What was typed, when it differs from the normalised value.
    public var input: String?
    public var known: Bool
    public var judgements: [LookupJudgement]
    public var heldBack: [LookupHeldBack]
    public var related: [RelatedObservable]

    enum CodingKeys: String, CodingKey {
        case type, value, input, known, judgements, related
        case heldBack = "held_back"
    }

    public init(subject: LookupSubject, judgements: [LookupJudgement], heldBack: [LookupHeldBack], related: [RelatedObservable]) {
        type = subject.type
        value = subject.value
        input = subject.input
        self.judgements = judgements
        self.heldBack = heldBack
        self.related = related
        known = !judgements.isEmpty || !heldBack.isEmpty || related.contains { !$0.judgements.isEmpty || !$0.heldBack.isEmpty }
    }
}

/// An observable reported with the one looked up, and how they are related.
public struct RelatedObservable: Codable, Sendable, Equatable {
    public var relation: LookupRelation
    public var type: String
    public var value: String
    public var judgements: [LookupJudgement]
    public var heldBack: [LookupHeldBack]

    enum CodingKeys: String, CodingKey {
        case relation, type, value, judgements
        case heldBack = "held_back"
    }

    public init(relation: LookupRelation, observable: Observable, judgements: [LookupJudgement], heldBack: [LookupHeldBack]) {
        self.relation = relation
        type = observable.type.rawValue
        value = observable.value
        self.judgements = judgements
        self.heldBack = heldBack
    }
}

/// One stored judgement as a lookup shows it: the statement, whether it is live, where it came from,
/// which feeds serve it and whether the clients polling them already have it.
public struct LookupJudgement: Codable, Sendable, Equatable {
    public var id: String
    public var indicator: String
    public var source: String
    public var reason: String?
    public var disposition: Int
    public var dispositionName: String
    public var priority: Int
    public var confidence: String
    public var severity: String
    public var tlp: String
    public var validTime: LookupValidTime
    /// `live`, `ended` (valid time over: ended by an allowlist, a cleared conviction or expiry) or `not-yet-valid`.
    public var state: State
    /// The ingestion label (ISO-8601, microseconds): a poll after it has the judgement.
    public var label: String
    public var created: String
    public var modified: String
    /// The ETD convictions (message, verdict) that back it, when it came from ETD.
    public var etd: [ETDConvictionReference]
    public var feeds: [FeedDelivery]

    public enum State: String, Codable, Sendable {
        case live
        case ended
        case notYetValid = "not-yet-valid"
    }

    enum CodingKeys: String, CodingKey {
        case id, indicator, source, reason, disposition, priority, confidence, severity, tlp, state, label, created, modified, etd, feeds
        case dispositionName = "disposition_name"
        case validTime = "valid_time"
    }
}

public struct LookupValidTime: Codable, Sendable, Equatable {
    public var startTime: String
    /// Nil: no end.
    public var endTime: String?

    enum CodingKeys: String, CodingKey {
        case startTime = "start_time"
        case endTime = "end_time"
    }
}

/// An ETD conviction a judgement (or a held-back value) came from.
public struct ETDConvictionReference: Codable, Sendable, Equatable, Hashable {
    public var messageID: String
    public var verdict: String
    public var messageTime: String?
    public var subject: String?
    public var fromAddress: String?
    /// ETD later reclassified the message as not a threat.
    public var cleared: Bool

    enum CodingKeys: String, CodingKey {
        case verdict, subject, cleared
        case messageID = "message_id"
        case messageTime = "message_time"
        case fromAddress = "from_address"
    }

    public init(messageID: String, verdict: String, messageTime: Date?, subject: String?, fromAddress: String?, cleared: Bool) {
        self.messageID = messageID
        self.verdict = verdict
        self.messageTime = messageTime.map(Timestamps.iso8601Milli)
        self.subject = subject
        self.fromAddress = fromAddress
        self.cleared = cleared
    }
}

/// A time the safety policy kept the value out of the feeds, and why.
public struct LookupHeldBack: Codable, Sendable, Equatable {
    public var reason: HoldBackReason
    public var at: String
    public var conviction: ETDConvictionReference?

    public init(reason: HoldBackReason, at: Date, conviction: ETDConvictionReference?) {
        self.reason = reason
        self.at = Timestamps.iso8601Milli(at)
        self.conviction = conviction
    }
}

/// A feed that serves the judgement's indicator, and for each client polling it whether it has the judgement.
public struct FeedDelivery: Codable, Sendable, Equatable {
    public var feed: String
    public var feedID: String
    public var output: String
    /// The feed serves it now: the judgement is live and the feed inside its lifetime.
    public var serving: Bool
    public var clients: [ClientDelivery]

    enum CodingKeys: String, CodingKey {
        case feed, output, serving, clients
        case feedID = "feed_id"
    }
}

/// Whether one client's last poll of a feed covered a judgement's label.
public struct ClientDelivery: Codable, Sendable, Equatable {
    public var client: String
    public var kind: String
    public var lastPoll: String
    public var outcome: String
    /// True when the last poll succeeded after the judgement's label: the client has it.
    public var delivered: Bool
    /// The same in words: "delivered to 10.0.0.5 at …", "not yet polled since …", "last poll at … failed (wrong-secret)".
    public var status: String

    enum CodingKeys: String, CodingKey {
        case client, kind, outcome, delivered, status
        case lastPoll = "last_poll"
    }
}

extension LookupReport {
    /// The JSON both `lookup --json` and `POST /lookup` answer: keys sorted, so equal reports give equal text.
    public func json() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Plain structs of strings, numbers and arrays: encoding cannot fail.
        return (try? encoder.encode(self)) ?? Data("{}".utf8)
    }
}
