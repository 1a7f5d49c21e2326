import Foundation
import NIOCore
import ThreatFeedCore
import ThreatFeedFormats

/// Rendered feed bodies, one per feed and representation, so that a poll costs a lookup
/// rather than a walk over the feed: memory follows the number of feeds, not of requests.
///
/// An entry is right while the indicator's revision is unchanged and no judgement has
/// started or stopped being live since it was rendered. Concurrent polls of a stale entry
/// share one render.
actor FeedViewCache {
    struct View: Sendable {
        let body: ByteBuffer
        let etag: String
        let count: Int
        /// The same body in gzip, made on the first request that asks for it.
        let gzip: GzippedBody
    }

    private struct Key: Hashable {
        let feedID: String
        let representation: FeedRepresentation
    }

    private struct Entry {
        let revision: Int64
        let output: FeedOutput
        let validUntil: Date?
        let view: View
    }

    private let store: any LiveJudgements
    private let idBase: String
    private var entries: [Key: Entry] = [:]
    private var renders: [Key: (revision: Int64, task: Task<Entry, any Error>)] = [:]

    init(store: any LiveJudgements, idBase: String) {
        self.store = store
        self.idBase = idBase
    }

    func view(of feed: Feed, revision: Int64, as representation: FeedRepresentation, at now: Date) async throws -> View {
        let key = Key(feedID: feed.id, representation: representation)
        if let entry = entries[key], entry.revision == revision, entry.output == feed.output,
            entry.validUntil.map({ now < $0 }) ?? true
        {
            return entry.view
        }
        if let pending = renders[key], pending.revision == revision {
            return try await pending.task.value.view
        }
        let store = self.store
        let idBase = self.idBase
        let task = Task { try await Self.render(feed, revision: revision, as: representation, at: now, store: store, idBase: idBase) }
        renders[key] = (revision, task)
        defer { if renders[key]?.revision == revision { renders[key] = nil } }
        let entry = try await task.value
        entries[key] = entry
        return entry.view
    }

    /// Drops entries of feeds that no longer exist.
    func retain(feedIDs: Set<String>) {
        entries = entries.filter { feedIDs.contains($0.key.feedID) }
    }

    private static func render(
        _ feed: Feed, revision: Int64, as representation: FeedRepresentation, at now: Date, store: any LiveJudgements, idBase: String
    ) async throws -> Entry {
        let indicatorID = feed.indicatorID
        let output = feed.output
        let (bytes, count, validUntil) = try await store.readLiveJudgements { reader -> ([UInt8], Int, Date?) in
            let validUntil = try reader.nextValidityChange(ofIndicator: indicatorID, after: now)
            switch (representation, output) {
            case (.text, _):
                var writer = CTIATextWriter()
                try reader.forEachLiveObservableByValue(ofIndicator: indicatorID, at: now) { writer.append($0) }
                return (writer.finish(), writer.count, validUntil)
            case (.json, .observables):
                var writer = CTIAObservablesWriter()
                try reader.forEachLiveObservable(ofIndicator: indicatorID, at: now) { writer.append($0) }
                let count = writer.count
                return (writer.finish(), count, validUntil)
            case (.json, .judgements):
                var writer = CTIAJudgementsWriter(idBase: idBase)
                try reader.forEachLiveJudgement(ofIndicator: indicatorID, at: now) { writer.append($0) }
                let count = writer.count
                return (writer.finish(), count, validUntil)
            }
        }
        let body = ByteBuffer(bytes: bytes)
        let etag = ETag.of(bytes)
        let view = View(body: body, etag: etag, count: count, gzip: GzippedBody(plain: body, etag: etag))
        return Entry(revision: revision, output: output, validUntil: validUntil, view: view)
    }
}

/// Strong entity tags from the body's bytes: equal bodies, equal tags, across renders and restarts.
enum ETag {
    static func of(_ bytes: [UInt8]) -> String {
        // FNV-1a, 64 bits: not a security boundary, just a change detector that is cheap on megabytes.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return "\"" + String(repeating: "0", count: 16 - hex.count) + hex + "-\(bytes.count)\""
    }

    /// Whether an `If-None-Match` header value matches `etag` (weak comparison, as RFC 9110 says for GET).
    static func matches(_ header: String, _ etag: String) -> Bool {
        if header.trimmingCharacters(in: .whitespaces) == "*" { return true }
        return header.split(separator: ",").contains { candidate in
            var tag = candidate.trimmingCharacters(in: .whitespaces)
            if tag.hasPrefix("W/") { tag.removeFirst(2) }
            return tag == etag
        }
    }
}
