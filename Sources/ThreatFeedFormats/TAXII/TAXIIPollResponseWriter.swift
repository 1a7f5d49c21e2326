import ThreatFeedCore
import ThreatFeedXML

/// Writes a `Poll_Response` as it goes: the header on creation, one content block per
/// `append…` call, the closing tag on `finish()`. Take the bytes written so far with
/// `takeBytes()` to stream a response of any size with flat memory.
///
/// Layout follows the schema: attributes `message_id`, `in_response_to`, `collection_name`,
/// `result_id`?, `more`, `result_part_number`; children `Exclusive_Begin_Timestamp`?,
/// `Inclusive_End_Timestamp`, `Record_Count`?, `Message`?, `Content_Block`*.
public struct TAXIIPollResponseWriter: Sendable {
    public private(set) var blockCount = 0
    private var writer: XMLWriter
    private var finished = false

    /// - Parameters:
    ///   - inclusiveEnd: always written: the request's end, or "now" (the newest label) when it had none,
    ///     as the spec wants for a data feed.
    ///   - recordCount: must be known before the blocks (the schema puts it first); nil to leave it out.
    ///   - more/resultID/resultPartNumber: for multi-part results. Never page for the gateway
    ///     (reference §2.4): the defaults answer in one part.
    public init(
        messageID: String = TAXIIMessageID.random(),
        inResponseTo: String,
        collectionName: String,
        exclusiveBegin: TimestampLabel? = nil,
        inclusiveEnd: TimestampLabel,
        recordCount: TAXIIRecordCount? = nil,
        more: Bool = false,
        resultID: String? = nil,
        resultPartNumber: Int = 1,
        message: String? = nil,
        indentWidth: Int = 2,
        reservingCapacity capacity: Int = 64 * 1024
    ) {
        writer = XMLWriter(indentWidth: indentWidth, reservingCapacity: capacity)
        var attributes = [("collection_name", collectionName)]
        if let resultID { attributes.append(("result_id", resultID)) }
        attributes.append(("more", more ? "true" : "false"))
        attributes.append(("result_part_number", String(resultPartNumber)))
        TAXIIMessageStart.write("Poll_Response", messageID: messageID, inResponseTo: inResponseTo, attributes: attributes, into: &writer)
        writer.endStartTag()
        if let exclusiveBegin { writeTimestamp(TAXIIMessageStart.qualified("Exclusive_Begin_Timestamp"), exclusiveBegin) }
        writeTimestamp(TAXIIMessageStart.qualified("Inclusive_End_Timestamp"), inclusiveEnd)
        if let recordCount {
            writer.newline(depth: 1)
            writer.element(
                TAXIIMessageStart.qualified("Record_Count"),
                attributes: ["partial_count": recordCount.isPartial ? "true" : "false"],
                text: String(recordCount.count)
            )
        }
        if let message {
            writer.newline(depth: 1)
            writer.element(TAXIIMessageStart.qualified("Message"), text: message)
        }
    }

    /// A writer of content blocks only, without the message around them: a streamed answer renders its chunks
    /// with these (one per chunk, each inside its own read) between the header and `finish()` of one full writer.
    public static func blocks(indentWidth: Int = 2, reservingCapacity capacity: Int = 64 * 1024) -> TAXIIPollResponseWriter {
        TAXIIPollResponseWriter(writer: XMLWriter(indentWidth: indentWidth, reservingCapacity: capacity))
    }

    private init(writer: XMLWriter) {
        self.writer = writer
    }

    /// One content block whose `Content` is one STIX package for `stored`, labelled with its label.
    public mutating func appendContentBlock(_ stored: StoredJudgement, renderer: STIXPackageRenderer) {
        stored.withLiveJudgementRow { appendContentBlock($0, renderer: renderer) }
    }

    /// The same from a borrowed row, as a poll reads it. Compact blocks (what polls send) copy the block's constant
    /// tags as prepared bytes around the package.
    public mutating func appendContentBlock(_ row: LiveJudgementRow, renderer: STIXPackageRenderer) {
        guard writer.indentWidth == 0 else {
            appendContentBlock(bindingID: renderer.version.contentBinding, timestampLabel: row.label) { writer, depth in
                renderer.render(row, into: &writer, depth: depth)
            }
            return
        }
        precondition(!finished, "content block appended after finish()")
        let open = Self.compactOpen(renderer.version)
        writer.appendRaw { $0.append(contentsOf: open) }
        renderer.render(row, into: &writer, depth: 3)
        writer.appendRaw { output in
            output.append(contentsOf: Self.compactClose)
            TAXIITimestamp.append(row.label, to: &output)
            output.append(contentsOf: Self.compactEnd)
        }
        blockCount += 1
    }

    /// Everything written and not yet taken, without starting a new buffer: for a writer of `blocks` whose bytes are
    /// handed on whole (a streamed chunk).
    public var bytes: [UInt8] { writer.bytes }

    /// One content block whose content is XML written by `content` (one well-formed element,
    /// which clients read as the payload), given the writer and the depth to indent at.
    public mutating func appendContentBlock(
        bindingID: String,
        timestampLabel: TimestampLabel?,
        content: (inout XMLWriter, Int) -> Void
    ) {
        openBlock(bindingID: bindingID)
        writer.newline(depth: 3)
        content(&writer, 3)
        writer.newline(depth: 2)
        closeBlock(timestampLabel: timestampLabel)
    }

    /// One content block whose content is text (escaped), for payloads that are not XML.
    public mutating func appendContentBlock(bindingID: String, timestampLabel: TimestampLabel?, text: String) {
        openBlock(bindingID: bindingID)
        writer.text(text)
        closeBlock(timestampLabel: timestampLabel)
    }

    /// What was written since the last call; send it and carry on appending.
    public mutating func takeBytes() -> [UInt8] { writer.takeBytes() }

    /// Closes the message and returns the bytes not yet taken. Call once, last.
    public mutating func finish() -> [UInt8] {
        precondition(!finished, "finish() called twice")
        finished = true
        writer.newline(depth: 0)
        writer.endElement(TAXIIMessageStart.qualified("Poll_Response"))
        return writer.takeBytes()
    }

    private mutating func writeTimestamp(_ name: String, _ label: TimestampLabel, depth: Int = 1) {
        writer.newline(depth: depth)
        writer.startElement(name)
        writer.endStartTag()
        writer.appendRaw { TAXIITimestamp.append(label, to: &$0) }
        writer.endElement(name)
    }

    // Qualified once: every block writes each of them.
    private static let contentBlock = TAXIIMessageStart.qualified("Content_Block")
    private static let contentBinding = TAXIIMessageStart.qualified("Content_Binding")
    private static let content = TAXIIMessageStart.qualified("Content")
    private static let timestampLabel = TAXIIMessageStart.qualified("Timestamp_Label")

    /// `<Content_Block><Content_Binding binding_id="…"/><Content>`, compact, per STIX version.
    private static func compactOpen(_ version: STIXVersion) -> [UInt8] {
        switch version {
        case .v1_2: compactOpen1_2
        case .v1_1_1: compactOpen1_1_1
        }
    }

    private static let compactOpen1_2 = compactOpen(bindingID: STIXVersion.v1_2.contentBinding)
    private static let compactOpen1_1_1 = compactOpen(bindingID: STIXVersion.v1_1_1.contentBinding)

    private static func compactOpen(bindingID: String) -> [UInt8] {
        var writer = TAXIIPollResponseWriter.blocks(indentWidth: 0, reservingCapacity: 256)
        writer.openBlock(bindingID: bindingID)
        return writer.takeBytes()
    }

    /// `</Content><Timestamp_Label>`, then the label, then `</Timestamp_Label></Content_Block>`, compact.
    private static let compactClose = Array("</\(content)><\(timestampLabel)>".utf8)
    private static let compactEnd = Array("</\(timestampLabel)></\(contentBlock)>".utf8)

    private mutating func openBlock(bindingID: String) {
        precondition(!finished, "content block appended after finish()")
        writer.newline(depth: 1)
        writer.startElement(Self.contentBlock)
        writer.endStartTag()
        writer.newline(depth: 2)
        writer.startElement(Self.contentBinding)
        writer.attribute("binding_id", bindingID)
        writer.endEmptyElement()
        writer.newline(depth: 2)
        writer.startElement(Self.content)
        writer.endStartTag()
    }

    private mutating func closeBlock(timestampLabel: TimestampLabel?) {
        writer.endElement(Self.content)
        if let timestampLabel { writeTimestamp(Self.timestampLabel, timestampLabel, depth: 2) }
        writer.newline(depth: 1)
        writer.endElement(Self.contentBlock)
        blockCount += 1
    }
}
