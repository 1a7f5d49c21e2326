import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ThreatFeedCore
import ThreatFeedFormats

/// CTIA's opt-in paging of a feed view (`limit`, `search_after`; ctia-feeds.md §2.6), read straight from the
/// store: pages are not cached, since each cursor is asked for once.
///
/// Observables are paged by their store id and judgements by their label, both strictly increasing, so walking
/// the pages returns every live value (or judgement) exactly once. When more remain the answer carries
/// `X-Limit`, `X-Offset` (the limit, as CTIA sends it) and `X-Search_after: [<cursor> "<kind>"]`; the last page
/// has none. The cursor's form is ours [INF]: CTIA's is `[<epoch-millis> "relationship-<uuid>"]`, and clients
/// only copy it back as repeated `search_after` parameters.
struct CTIAFeedPages: Sendable {
    let store: any LiveJudgements
    let idBase: String

    struct Answer {
        var body: [UInt8]
        var count: Int
        var next: (cursor: Int64, kind: String)?
        var limit: Int

        func response(contentType: String) -> Response {
            var headers: HTTPFields = [.contentType: contentType, .contentLength: String(body.count), .cacheControl: "no-cache"]
            if let next {
                headers[.ctiaLimit] = String(limit)
                headers[.ctiaOffset] = String(limit)
                headers[.ctiaSearchAfter] = "[\(next.cursor) \"\(next.kind)\"]"
            }
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
    }

    func page(of feed: Feed, _ page: CTIAViewQuery.Page, as representation: FeedRepresentation, at now: Date) async throws -> Answer {
        let indicatorID = feed.indicatorID
        let idBase = self.idBase
        if representation == .json, feed.output == .judgements {
            let rows = try await store.readLiveJudgements { reader in
                var rows: [StoredJudgement] = []
                try reader.forEachLiveJudgement(
                    ofIndicator: indicatorID, at: now, after: page.after.map(TimestampLabel.init(microseconds:)), limit: page.limit + 1
                ) { rows.append($0) }
                return rows
            }
            var writer = CTIAJudgementsWriter(idBase: idBase)
            for stored in rows.prefix(page.limit) { writer.append(stored) }
            let next = rows.count > page.limit ? rows[page.limit - 1].label.microseconds : nil
            return Answer(body: writer.finish(), count: min(rows.count, page.limit), next: next.map { ($0, "judgement") }, limit: page.limit)
        }
        let rows = try await store.readLiveJudgements { reader in
            try reader.liveObservablePage(ofIndicator: indicatorID, at: now, afterObservableID: page.after ?? 0, limit: page.limit + 1)
        }
        let shown = rows.prefix(page.limit)
        let next = rows.count > page.limit ? shown.last?.id : nil
        let body: [UInt8]
        if representation == .text {
            // CTIA sorts each page's values as strings.
            var writer = CTIATextWriter()
            for row in shown.sorted(by: { Array($0.observable.value.utf8).lexicographicallyPrecedes(Array($1.observable.value.utf8)) }) {
                writer.append(row.observable)
            }
            body = writer.finish()
        } else {
            var writer = CTIAObservablesWriter()
            for row in shown { writer.append(row.observable) }
            body = writer.finish()
        }
        return Answer(body: body, count: shown.count, next: next.map { ($0, "observable") }, limit: page.limit)
    }
}

extension HTTPField.Name {
    /// CTIA's paging headers, spelled as CTIA spells them.
    static let ctiaLimit = HTTPField.Name("X-Limit")!
    static let ctiaOffset = HTTPField.Name("X-Offset")!
    static let ctiaSearchAfter = HTTPField.Name("X-Search_after")!
}
