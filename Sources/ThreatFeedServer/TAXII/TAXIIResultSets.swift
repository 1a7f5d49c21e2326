import Foundation
import ThreatFeedCore
import ThreatFeedFormats

/// Multi-part poll results (only for feeds given a maximum part size): what a `result_id` stands for.
///
/// Parts are cut by label, not by offset, so a judgement refreshed while a client pages moves to a
/// later poll instead of shifting every later part by one. Kept in memory for an hour: a client that
/// returns later, or after a restart, gets NOT_FOUND for the result and polls again.
actor TAXIIResultSets {
    struct ResultSet: Sendable {
        let feedID: String
        let collectionName: String
        let exclusiveBegin: TimestampLabel?
        let inclusiveEnd: TimestampLabel
        let version: STIXVersion
        let partSize: Int
        /// The last label of each part served so far; part 0 ends at the poll's begin.
        var partEnds: [Int: TimestampLabel?]
        var expires: ContinuousClock.Instant
    }

    private var sets: [String: ResultSet] = [:]
    private let lifetime: Duration
    private let capacity: Int

    init(lifetime: Duration = .seconds(3_600), capacity: Int = 1_000) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    func create(
        feedID: String, collectionName: String, exclusiveBegin: TimestampLabel?, inclusiveEnd: TimestampLabel,
        version: STIXVersion, partSize: Int
    ) -> String {
        evictExpired()
        if sets.count >= capacity, let oldest = sets.min(by: { $0.value.expires < $1.value.expires })?.key {
            sets.removeValue(forKey: oldest)
        }
        let id = "result-" + RandomUUID.v4()
        sets[id] = ResultSet(
            feedID: feedID, collectionName: collectionName, exclusiveBegin: exclusiveBegin, inclusiveEnd: inclusiveEnd,
            version: version, partSize: partSize, partEnds: [0: exclusiveBegin], expires: .now + lifetime
        )
        return id
    }

    func get(_ id: String) -> ResultSet? {
        evictExpired()
        return sets[id]
    }

    func recordEnd(of part: Int, in id: String, at label: TimestampLabel?) {
        sets[id]?.partEnds[part] = .some(label)
        sets[id]?.expires = .now + lifetime
    }

    private func evictExpired() {
        let now = ContinuousClock.now
        sets = sets.filter { $0.value.expires > now }
    }
}
