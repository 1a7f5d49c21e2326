import ThreatFeedCore

/// Writes `{"observables":[{"type":…,"value":…},…]}`, CTIA's body for an observables feed.
///
/// Appends to a byte array as rows arrive, so a feed is rendered in one pass.
public struct CTIAObservablesWriter {
    public private(set) var bytes: [UInt8]
    public private(set) var count = 0

    public init(reservingCapacity capacity: Int = 4096) {
        bytes = []
        bytes.reserveCapacity(capacity)
        bytes.append(contentsOf: Array(#"{"observables":["#.utf8))
    }

    public mutating func append(_ observable: Observable) {
        if count > 0 { bytes.append(UInt8(ascii: ",")) }
        bytes.append(contentsOf: Self.typePrefix)
        JSONString.append(observable.type.rawValue, to: &bytes)
        bytes.append(contentsOf: Self.valuePrefix)
        JSONString.append(observable.value, to: &bytes)
        bytes.append(UInt8(ascii: "}"))
        count += 1
    }

    public mutating func finish() -> [UInt8] {
        bytes.append(contentsOf: Array("]}".utf8))
        return bytes
    }

    private static let typePrefix = Array(#"{"type":"#.utf8)
    private static let valuePrefix = Array(#","value":"#.utf8)
}
