import ThreatFeedCore

/// Writes CTIA's `/view.txt` body: one value per line, LF-joined, no trailing newline.
/// The caller supplies values already sorted (CTIA sorts them as strings).
public struct CTIATextWriter {
    public private(set) var bytes: [UInt8] = []
    public private(set) var count = 0

    public init(reservingCapacity capacity: Int = 4096) { bytes.reserveCapacity(capacity) }

    public mutating func append(_ observable: Observable) {
        if count > 0 { bytes.append(0x0A) }
        // Values never contain line breaks (validation refuses whitespace), so no escaping is needed.
        bytes.append(contentsOf: observable.value.utf8)
        count += 1
    }

    public mutating func finish() -> [UInt8] { bytes }
}
