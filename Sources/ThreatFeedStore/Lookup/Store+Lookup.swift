import Foundation
import GRDB
import ThreatFeedCore

extension Store {
    /// What ThreatFeed knows about `subjects` as of `now`, read on one consistent snapshot.


    public func lookup(_ subjects: [LookupSubject], now: Date) async throws(StoreError) -> LookupReport {
        try await read { reader in try reader.lookup(subjects, now: now) }
    }

    /// The same, synchronously, for the command line.
    public func lookupNow(_ subjects: [LookupSubject], now: Date) throws(StoreError) -> LookupReport {
        try readNow { reader in try reader.lookup(subjects, now: now) }
    }
}

extension StoreReader {
    /// Most ETD convictions listed per judgement, and held-back records per value (newest first).
    static let lookupConvictionLimit = 20
    static let lookupHeldBackLimit = 50

    // Each query is one index search per observable (checked by LookupQueryPlanTests): the observable
    // (type, value) unique index, then judgement_observable / etd_conviction_judgement_by_judgement / the
    // etd_conviction_value (type, value) index.
    static let judgementsOnObservableSQL = """
        SELECT j.*, o.type, o.value FROM observable o JOIN judgement j ON j.observable_id = o.id
        WHERE o.type = ? AND o.value = ?
        """
    static let convictionsBackingJudgementSQL = """
        SELECT c.message_id, c.verdict, c.message_time, c.cleared, d.subject, d.from_address
        FROM etd_conviction_judgement cj
        JOIN etd_conviction c ON c.message_id = cj.message_id AND c.verdict = cj.verdict
        LEFT JOIN etd_conviction_detail d ON d.message_id = cj.message_id
        WHERE cj.judgement_id = ? ORDER BY c.message_time DESC LIMIT ?
        """
    static let heldBackSQL = """
        SELECT v.held_back AS reason, v.decided AS at, v.message_id, v.verdict, c.message_time, c.cleared, d.subject, d.from_address
        FROM etd_conviction_value v
        LEFT JOIN etd_conviction c ON c.message_id = v.message_id AND c.verdict = v.verdict
        LEFT JOIN etd_conviction_detail d ON d.message_id = v.message_id
        WHERE v.type = ? AND v.value = ? AND v.held_back IS NOT NULL ORDER BY v.decided DESC LIMIT ?
        """
    // By `observable_host_key`: the URLs and subdomains under a domain (a key range), or the URLs on an address.
    static let hostRangeSQL = """
        SELECT type, value FROM observable WHERE host_key >= ? AND host_key < ? AND NOT (type = 'domain' AND value = ?)
        ORDER BY host_key, value LIMIT ?
        """
    static let hostExactSQL = "SELECT type, value FROM observable WHERE host_key = ? ORDER BY value LIMIT ?"

    public func lookup(_ subjects: [LookupSubject], now: Date) throws -> LookupReport {
        var facts = LookupFacts()
        var observables: [Observable] = []
        for subject in subjects {
            if let observable = subject.observable { observables.append(observable) }
            observables.append(contentsOf: subject.impliedRelated.map(\.0))
            if let host = subject.hostForURLs, facts.urlsOnHost[host] == nil, let observable = subject.observable {
                let urls = try observablesUnder(observable, limit: ObservableLookup.maxURLsPerHost)
                facts.urlsOnHost[host] = urls
                observables.append(contentsOf: urls)
            }
        }
        for observable in Set(observables) {
            let judgements = try judgementFacts(on: observable)
            if !judgements.isEmpty { facts.judgements[observable] = judgements }
            let held = try heldBack(observable)
            if !held.isEmpty { facts.heldBack[observable] = held }
        }
        if !facts.judgements.isEmpty {
            facts.feeds = try feeds()
            facts.indicatorNames = Dictionary(try indicators().map { ($0.id, $0.name.value) }, uniquingKeysWith: { first, _ in first })
            facts.clientPolls = try clientPolls()
        }
        return ObservableLookup.report(for: subjects, facts: facts, now: now)
    }

    /// Every judgement on the observable, live or not, with the ETD convictions behind it.
    /// Uses the observable (type, value) unique index, then `judgement_observable`.
    func judgementFacts(on observable: Observable) throws -> [JudgementFact] {
        let rows = try Row.fetchAll(
            try db.cachedStatement(sql: Self.judgementsOnObservableSQL),
            arguments: [observable.type.rawValue, observable.value]
        )
        return try rows.map { row in
            let rowID: Int64 = row["id"]
            return JudgementFact(stored: Self.storedJudgement(row), convictions: try convictions(backing: rowID))
        }
    }

    private func convictions(backing judgementRowID: Int64) throws -> [ETDConvictionReference] {
        try Row.fetchAll(
            try db.cachedStatement(sql: Self.convictionsBackingJudgementSQL),
            arguments: [judgementRowID, Self.lookupConvictionLimit]
        ).map(Self.convictionReference)
    }

    /// The times the safety policy kept the value out, newest first.
    func heldBack(_ observable: Observable) throws -> [LookupHeldBack] {
        try Row.fetchAll(
            try db.cachedStatement(sql: Self.heldBackSQL),
            arguments: [observable.type.rawValue, observable.value, Self.lookupHeldBackLimit]
        ).compactMap { row in
            guard let reason = HoldBackReason(rawValue: row["reason"]) else { return nil }
            return LookupHeldBack(reason: reason, at: date(micros: row["at"]), conviction: Self.convictionReference(row))
        }
    }

    private static func convictionReference(_ row: Row) -> ETDConvictionReference {
        let messageTime: Int64? = row["message_time"]
        let cleared: Int64? = row["cleared"]
        return ETDConvictionReference(
            messageID: row["message_id"], verdict: row["verdict"], messageTime: messageTime.map { date(micros: $0) },
            subject: row["subject"], fromAddress: row["from_address"], cleared: cleared != nil
        )
    }

    /// Stored URLs on a domain or any of its subdomains and those subdomains themselves (for a domain), or the URLs on
    /// an address — with user information before the host or not, any scheme, any port — the exact host's first, at
    /// most `limit`. One range search of `observable_host_key` (LookupHostKey).
    func observablesUnder(_ observable: Observable, limit: Int) throws -> [Observable] {
        let rows: [Row]
        switch LookupHostKey.search(for: observable) {
        case .range(let from, let to)?:
            rows = try Row.fetchAll(try db.cachedStatement(sql: Self.hostRangeSQL), arguments: [from, to, observable.value, limit])
        case .exactly(let key)?:
            rows = try Row.fetchAll(try db.cachedStatement(sql: Self.hostExactSQL), arguments: [key, limit])
        case nil:
            return []
        }
        return rows.compactMap { row in ObservableType(rawValue: row["type"]).map { Observable(normalisedType: $0, value: row["value"]) } }
    }
}
