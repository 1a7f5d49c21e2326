import Foundation

/// The fields of one live judgement that a TAXII 1.1 poll renders, borrowed from whoever read it: the store hands
/// out the statement's own column bytes, so a poll of a million rows builds no `String`, `Date` or `Judgement`.
///
/// Valid only inside the visit that received it (the bytes belong to the current row). Text is valid UTF-8: a
/// reader repairs what is not, as decoding a `String` would.
public struct LiveJudgementRow {
    /// The judgement's id (`judgement-<uuid>`), UTF-8.
    public var id: UnsafeBufferPointer<UInt8>
    public var label: TimestampLabel
    /// Microseconds since the Unix epoch.
    public var modifiedMicros: Int64
    public var type: ObservableType
    /// The observable's value, UTF-8.
    public var value: UnsafeBufferPointer<UInt8>
    public var disposition: Disposition
    public var confidence: Confidence
    /// UTF-8; empty when the judgement has no reason.
    public var reason: UnsafeBufferPointer<UInt8>
    public var validStartMicros: Int64
    public var validEndMicros: Int64?

    public init(
        id: UnsafeBufferPointer<UInt8>, label: TimestampLabel, modifiedMicros: Int64, type: ObservableType,
        value: UnsafeBufferPointer<UInt8>, disposition: Disposition, confidence: Confidence, reason: UnsafeBufferPointer<UInt8>,
        validStartMicros: Int64, validEndMicros: Int64?
    ) {
        self.id = id
        self.label = label
        self.modifiedMicros = modifiedMicros
        self.type = type
        self.value = value
        self.disposition = disposition
        self.confidence = confidence
        self.reason = reason
        self.validStartMicros = validStartMicros
        self.validEndMicros = validEndMicros
    }

    /// A date as a row carries it: rounded to the nearest microsecond, as STIX timestamps have always been written.
    public static func micros(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1_000_000).rounded()) }

    /// The type whose name `bytes` spell exactly, as `ObservableType(rawValue:)` reads a `String`.
    public static func observableType(_ bytes: UnsafeBufferPointer<UInt8>) -> ObservableType? {
        typeNames.first { equal(bytes, $0.name) }?.type
    }

    /// The confidence whose name `bytes` spell exactly, as `Confidence(rawValue:)` reads a `String`.
    public static func confidence(_ bytes: UnsafeBufferPointer<UInt8>) -> Confidence? {
        confidenceNames.first { equal(bytes, $0.name) }?.confidence
    }

    // Names as bytes, compared with memcmp: a poll looks two up per row.
    private static let typeNames = ObservableType.allCases.map { (type: $0, name: Array($0.rawValue.utf8)) }
    private static let confidenceNames = Confidence.allCases.map { (confidence: $0, name: Array($0.rawValue.utf8)) }

    private static func equal(_ bytes: UnsafeBufferPointer<UInt8>, _ name: [UInt8]) -> Bool {
        guard bytes.count == name.count else { return false }
        guard let base = bytes.baseAddress, !name.isEmpty else { return true }
        return name.withUnsafeBufferPointer { memcmp(base, $0.baseAddress!, name.count) == 0 }
    }
}

extension StoredJudgement {
    /// The same judgement as a borrowed row, for readers that hold structs (the in-memory feeds, result-set parts).
    public func withLiveJudgementRow<R>(_ body: (LiveJudgementRow) throws -> R) rethrows -> R {
        var id = self.id
        var value = judgement.observable.value
        var reason = judgement.reason ?? ""
        return try id.withUTF8 { id in
            try value.withUTF8 { value in
                try reason.withUTF8 { reason in
                    try body(LiveJudgementRow(
                        id: id, label: label, modifiedMicros: LiveJudgementRow.micros(modified), type: judgement.observable.type,
                        value: value, disposition: judgement.disposition, confidence: judgement.confidence, reason: reason,
                        validStartMicros: LiveJudgementRow.micros(judgement.validTime.start),
                        validEndMicros: judgement.validTime.end.map(LiveJudgementRow.micros)
                    ))
                }
            }
        }
    }
}
