import NIOCore

/// A reply as it came off the wire, with whether more bytes were already waiting behind it.
struct SMTPReplyFrame: Sendable {
    let reply: SMTPReply
    /// True when bytes followed the reply in the same read: harmless for most replies, an
    /// injection attempt right after a STARTTLS 220.
    let followedByMoreBytes: Bool
}

/// Splits the byte stream into lines (CRLF, or a bare LF from sloppy servers) and lines into replies.
struct SMTPReplyDecoder: ByteToMessageDecoder {
    typealias InboundOut = SMTPReplyFrame

    enum Failure: Error, CustomStringConvertible {
        case lineTooLong
        case parser(SMTPReplyParser.Failure)

        var description: String {
            switch self {
            case .lineTooLong: "a reply line longer than \(SMTPReplyDecoder.maximumLineLength) bytes"
            case .parser(.notAReplyLine(let start)): "'\(start)' is not a reply line"
            case .parser(.codeChanged(let from, let to)): "a multi-line reply changed its code from \(from) to \(to)"
            case .parser(.tooManyLines): "a reply of more than \(SMTPReplyParser.maximumLines) lines"
            }
        }
    }

    /// RFC 5321 allows 512 octets per reply line; four times that tolerates verbose servers.
    static let maximumLineLength = 2048

    private var parser = SMTPReplyParser()

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > Self.maximumLineLength { throw Failure.lineTooLong }
            return .needMoreData
        }
        let length = newline - buffer.readerIndex
        guard length <= Self.maximumLineLength else { throw Failure.lineTooLong }
        var line = buffer.readString(length: length) ?? ""
        buffer.moveReaderIndex(forwardBy: 1)
        if line.hasSuffix("\r") { line.removeLast() }
        do {
            if let reply = try parser.feed(line[...]) {
                context.fireChannelRead(wrapInboundOut(SMTPReplyFrame(reply: reply, followedByMoreBytes: buffer.readableBytes > 0)))
            }
        } catch {
            throw Failure.parser(error)
        }
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        // An unterminated line at the end of the stream is not a reply; dropping it makes the
        // waiting command fail as "connection closed".
        buffer.moveReaderIndex(to: buffer.writerIndex)
        return .needMoreData
    }
}
