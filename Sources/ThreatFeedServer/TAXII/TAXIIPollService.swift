import Foundation
import Hummingbird
import NIOCore
import ThreatFeedCore
import ThreatFeedFormats

/// Poll_Request and Poll_Fulfillment semantics (reference/taxii11-esa.md §2.4) over a feed's live judgements.
struct TAXIIPollService: Sendable {
    let store: any LiveJudgements
    let resultSets: TAXIIResultSets
    let https: Bool
    /// One renderer per STIX version, built once: a renderer prepares its namespace declarations up front.
    private let renderers: [STIXVersion: STIXPackageRenderer]

    init(store: any LiveJudgements, resultSets: TAXIIResultSets, idNamespace: STIXIDNamespace, producer: String, https: Bool) {
        self.store = store
        self.resultSets = resultSets
        self.https = https
        renderers = Dictionary(uniqueKeysWithValues: STIXVersion.allCases.map {
            ($0, STIXPackageRenderer(version: $0, idNamespace: idNamespace, producerName: producer))
        })
    }

    /// Judgements read per database transaction while streaming (about 2 MB of answer): bounded memory whatever the
    /// feed size, and writes large enough that the socket, not the loop, sets the pace.
    static let streamChunk = 1_000
    /// The first streamed chunk: small, so that the first bytes leave before a large chunk is rendered.
    static let firstStreamChunk = 64
    /// About what one compact block takes (2 KB), to reserve a chunk's buffer once.
    static let blockSizeEstimate = 2_200

    /// How far a poll got inside the read transaction that resolved its collection.
    enum PollRead: Sendable {
        /// The whole answer: a status message (`served` nil), a count, or a window that fit in the one read.
        case answered(Response, served: Int?)
        /// A window too large for one read: streamed, or cut into parts, by `answer(_:_:feed:now:)` after the read.
        case large(version: STIXVersion, end: TimestampLabel, count: Int)
    }

    /// The first half of a poll, run inside the caller's read transaction (the one that resolved the collection):
    /// the request's checks, the window's end and count, and the blocks themselves when they fit in one read.
    /// `answer(_:_:feed:now:)` finishes it: everything the feed holds in the window, in one part (the default, and
    /// what gateways expect), or the first part of a result set when the feed has a maximum part size.
    func read(_ request: TAXIIPollRequest, feed: Feed, now: Date, reader: any LiveJudgementReader) throws -> PollRead {
        let id = request.messageID
        if let subscription = request.subscriptionID {
            return .answered(TAXIIAnswer.status(.init(
                inResponseTo: id, statusType: .notFound, details: [.item(subscription)],
                message: "Subscriptions are not supported: poll with Poll_Parameters instead"
            ), https: https), served: nil)
        }
        let parameters = request.parameters ?? TAXIIPollParameters()
        if parameters.query != nil {
            return .answered(TAXIIAnswer.status(.unsupportedQuery(inResponseTo: id), https: https), served: nil)
        }
        guard let version = Self.negotiate(parameters.contentBindings) else {
            return .answered(TAXIIAnswer.status(.unsupportedContent(
                supported: STIXVersion.contentBindings, inResponseTo: id,
                message: "This collection serves STIX 1.2 and 1.1.1 only"
            ), https: https), served: nil)
        }
        if let begin = request.exclusiveBegin, let end = request.inclusiveEnd, begin > end {
            return .answered(TAXIIAnswer.status(.failure(
                "Exclusive_Begin_Timestamp \(TAXIITimestamp.string(from: begin)) is after Inclusive_End_Timestamp \(TAXIITimestamp.string(from: end))",
                inResponseTo: id
            ), https: https), served: nil)
        }
        // The window ends at the request's end or at the newest label committed now, whichever is earlier: labels
        // handed out by a write still in progress are above it, so the client's next poll (begin = this end) gets them.
        // A window that fits in one part and one stream chunk (a gateway's incremental poll) is read in this same
        // transaction and answered with its length; larger ones are streamed below.
        let wantsBlocks = parameters.responseType != .countOnly
        let oneReadLimit = min(Self.streamChunk, feed.maxPartSize ?? Int.max)
        let renderer = renderers[version]!
        let collectionName = request.collectionName
        let (end, count, small): (TimestampLabel, Int, ByteBuffer?) = try {
            let newest = try reader.lastLabel()
            var end = min(request.inclusiveEnd ?? newest, newest)
            if let begin = request.exclusiveBegin, end < begin { end = begin }
            // The header (with the count) and the blocks rendered before it, copied once into the answer's buffer.
            func message(count: Int, blocks: TAXIIPollResponseWriter?) -> ByteBuffer {
                var writer = TAXIIPollResponseWriter(
                    inResponseTo: id, collectionName: collectionName, exclusiveBegin: request.exclusiveBegin,
                    inclusiveEnd: end, recordCount: TAXIIRecordCount(count), indentWidth: 0, reservingCapacity: 1024
                )
                let header = writer.takeBytes()
                let footer = writer.finish()
                var buffer = ByteBuffer()
                buffer.reserveCapacity(header.count + (blocks?.bytes.count ?? 0) + footer.count)
                buffer.writeBytes(header)
                if let blocks { buffer.writeBytes(blocks.bytes) }
                buffer.writeBytes(footer)
                return buffer
            }
            func countWindow() throws -> Int {
                try reader.countLiveJudgements(ofIndicator: feed.indicatorID, at: now, after: request.exclusiveBegin, upTo: end)
            }
            guard wantsBlocks else {
                let count = try countWindow()
                return (end, count, message(count: count, blocks: nil))
            }
            let window = LiveJudgementWindow(indicatorID: feed.indicatorID, now: now, after: request.exclusiveBegin, upTo: end)
            // Rendered as read, in this transaction: the answer is the only copy of the window. The first rows are
            // rendered before the window is counted (Record_Count comes first, so the header is written after them):
            // a gateway's incremental poll is a few blocks, and its count is the rows it got, without a second query.
            let first = min(Self.firstStreamChunk, oneReadLimit)
            var blocks = TAXIIPollResponseWriter.blocks(indentWidth: 0, reservingCapacity: 16 * Self.blockSizeEstimate)
            var rows = 0
            var last: TimestampLabel?
            var probe = window
            probe.limit = first + 1
            try reader.forEachLiveJudgementRow(in: probe) {
                rows += 1
                guard rows <= first else { return }
                blocks.appendContentBlock($0, renderer: renderer)
                last = $0.label
            }
            if rows <= first { return (end, rows, message(count: rows, blocks: blocks)) }
            let count = try countWindow()
            guard count <= oneReadLimit else { return (end, count, nil) }
            var rest = window
            rest.after = last
            try reader.forEachLiveJudgementRow(in: rest) { blocks.appendContentBlock($0, renderer: renderer) }
            return (end, blocks.blockCount, message(count: blocks.blockCount, blocks: blocks))
        }()
        if let small {
            return .answered(TAXIIAnswer.message(small, https: https), served: wantsBlocks ? count : 0)
        }
        return .large(version: version, end: end, count: count)
    }

    /// The answer to a poll after its read: as read, or the window streamed or cut into parts.
    func answer(_ request: TAXIIPollRequest, _ read: PollRead, feed: Feed, now: Date) async throws -> (Response, served: Int?) {
        let (version, end, count): (STIXVersion, TimestampLabel, Int)
        switch read {
        case .answered(let response, let served): return (response, served)
        case .large(let v, let e, let c): (version, end, count) = (v, e, c)
        }
        let id = request.messageID
        let renderer = renderers[version]!
        if let partSize = feed.maxPartSize, count > partSize {
            let resultID = await resultSets.create(
                feedID: feed.id, collectionName: request.collectionName, exclusiveBegin: request.exclusiveBegin,
                inclusiveEnd: end, version: version, partSize: partSize
            )
            let part = try await self.part(1, of: resultID, feed: feed, renderer: renderer, inResponseTo: id, recordCount: count, now: now)
            return (part.0, part.1)
        }
        let response = streamedResponse(
            feed: feed, collectionName: request.collectionName, begin: request.exclusiveBegin, end: end, count: count,
            renderer: renderer, inResponseTo: id, now: now
        )
        return (response, count)
    }

    /// Part N of a result set; the part after the last is an empty Poll_Response, which is how cabby learns it is done.
    func fulfil(_ request: TAXIIPollFulfillmentRequest, feed: Feed, now: Date) async throws -> (Response, served: Int?) {
        guard let set = await resultSets.get(request.resultID), set.feedID == feed.id, request.resultPartNumber >= 1 else {
            return (TAXIIAnswer.status(.notFound(
                item: request.resultID, inResponseTo: request.messageID,
                message: "No such result set for this collection (they are kept for an hour): poll again"
            ), https: https), nil)
        }
        let renderer = renderers[set.version]!
        return try await part(request.resultPartNumber, of: request.resultID, feed: feed, renderer: renderer,
                              inResponseTo: request.messageID, recordCount: nil, now: now)
    }

    private func part(
        _ number: Int, of resultID: String, feed: Feed, renderer: STIXPackageRenderer, inResponseTo: String,
        recordCount: Int?, now: Date
    ) async throws -> (Response, served: Int?) {
        guard let set = await resultSets.get(resultID) else {
            return (TAXIIAnswer.status(.notFound(item: resultID, inResponseTo: inResponseTo), https: https), nil)
        }
        let size = set.partSize
        // Cut by the previous part's last label when we served it; otherwise (parts asked out of order) by offset.
        let start: (after: TimestampLabel?, offset: Int)
        if let known = set.partEnds[number - 1] {
            start = (known, 0)
        } else {
            // The reader caps the part number, but a huge part size from configuration must not overflow either:
            // an offset past every record is simply the empty part after the last.
            let (offset, overflow) = (number - 1).multipliedReportingOverflow(by: size)
            start = (set.exclusiveBegin, overflow ? Int.max : offset)
        }
        let blocks = try await store.readLiveJudgements { reader in
            var blocks: [StoredJudgement] = []
            try reader.forEachLiveJudgement(
                ofIndicator: feed.indicatorID, at: now, after: start.after, upTo: set.inclusiveEnd, offset: start.offset,
                limit: size &+ (size < Int.max ? 1 : 0)
            ) { blocks.append($0) }
            return blocks
        }
        let more = blocks.count > size
        let served = blocks.prefix(size)
        await resultSets.recordEnd(of: number, in: resultID, at: served.last?.label ?? start.after)
        var writer = TAXIIPollResponseWriter(
            inResponseTo: inResponseTo, collectionName: set.collectionName, exclusiveBegin: set.exclusiveBegin,
            inclusiveEnd: set.inclusiveEnd, recordCount: recordCount.map { TAXIIRecordCount($0) }, more: more,
            resultID: resultID, resultPartNumber: number, indentWidth: 0
        )
        for stored in served { writer.appendContentBlock(stored, renderer: renderer) }
        return (TAXIIAnswer.message(writer.finish(), https: https), served.count)
    }

    /// The whole window as one Poll_Response, written as it is read: memory stays flat with the feed's size.
    ///
    /// The header goes out at once, then chunks of blocks, each rendered inside its own read transaction straight
    /// from the rows (bounded by `end`, so later writes do not shift it). The first chunk is small so the client
    /// starts receiving at once; while one chunk is written to the socket the next is read and rendered.
    private func streamedResponse(
        feed: Feed, collectionName: String, begin: TimestampLabel?, end: TimestampLabel, count: Int,
        renderer: STIXPackageRenderer, inResponseTo: String, now: Date
    ) -> Response {
        let store = self.store
        let indicatorID = feed.indicatorID
        let body = ResponseBody { output in
            var writer = TAXIIPollResponseWriter(
                inResponseTo: inResponseTo, collectionName: collectionName, exclusiveBegin: begin, inclusiveEnd: end,
                recordCount: TAXIIRecordCount(count), indentWidth: 0, reservingCapacity: 1024
            )
            try await output.write(ByteBuffer(bytes: writer.takeBytes()))
            @Sendable func chunk(after: TimestampLabel?, limit: Int) async throws -> (bytes: ByteBuffer, last: TimestampLabel?, full: Bool) {
                try await store.readLiveJudgements { reader in
                    var blocks = TAXIIPollResponseWriter.blocks(indentWidth: 0, reservingCapacity: limit * Self.blockSizeEstimate)
                    var rows = 0
                    var last: TimestampLabel?
                    try reader.forEachLiveJudgementRow(
                        in: LiveJudgementWindow(indicatorID: indicatorID, now: now, after: after, upTo: end, limit: limit)
                    ) {
                        blocks.appendContentBlock($0, renderer: renderer)
                        rows += 1
                        last = $0.label
                    }
                    return (ByteBuffer(bytes: blocks.bytes), last, rows == limit)
                }
            }
            var current = try await chunk(after: begin, limit: Self.firstStreamChunk)
            while current.full, let last = current.last {
                async let next = chunk(after: last, limit: Self.streamChunk)
                try await output.write(current.bytes)
                current = try await next
            }
            if current.bytes.readableBytes > 0 { try await output.write(current.bytes) }
            try await output.write(ByteBuffer(bytes: writer.finish()))
            try await output.finish(nil)
        }
        return Response(status: .ok, headers: TAXIIAnswer.headers(https: https), body: body)
    }

    /// The STIX version to answer in: the first requested binding we serve; none requested means STIX 1.2.
    static func negotiate(_ requested: [TAXIIContentBinding]) -> STIXVersion? {
        guard !requested.isEmpty else { return .v1_2 }
        return requested.lazy.compactMap { STIXVersion(contentBinding: $0.bindingID) }.first
    }
}
