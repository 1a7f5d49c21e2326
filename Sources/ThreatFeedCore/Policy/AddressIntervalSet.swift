/// Many address blocks, looked up in O(log n): the blocks become merged, sorted, disjoint
/// intervals (one array per family) searched by bisection. The provider range lists hold
/// thousands of blocks, and every sender IP of every conviction is looked up in them.
public struct AddressIntervalSet: Hashable, Sendable {
    struct Interval: Hashable, Sendable {
        var first: UInt128
        var last: UInt128
    }

    private(set) var v4: [Interval] = []
    private(set) var v6: [Interval] = []
    /// How many blocks went in (before merging), for the start-up log line.
    public private(set) var blockCount = 0

    public init() {}

    public init<Blocks: Sequence>(_ blocks: Blocks) where Blocks.Element == IPRange {
        var v4: [Interval] = []
        var v6: [Interval] = []
        for block in blocks {
            blockCount += 1
            let interval = Self.interval(of: block)
            if block.family == .v4 { v4.append(interval) } else { v6.append(interval) }
        }
        self.v4 = Self.merged(v4)
        self.v6 = Self.merged(v6)
    }

    public var isEmpty: Bool { v4.isEmpty && v6.isEmpty }

    /// Disjoint intervals after merging overlapping and adjacent blocks.
    public var intervalCount: Int { v4.count + v6.count }

    /// Whether the address text (canonical or not) lies in one of the blocks. Text that is no address is in none.
    public func contains(_ addressText: String) -> Bool {
        guard let (family, high, low) = IPRange.address(addressText) else { return false }
        let value = UInt128(high) << 64 | UInt128(low)
        return Self.search(family == .v4 ? v4 : v6, for: value)
    }

    public func union(_ other: AddressIntervalSet) -> AddressIntervalSet {
        var result = AddressIntervalSet()
        result.v4 = Self.merged(v4 + other.v4)
        result.v6 = Self.merged(v6 + other.v6)
        result.blockCount = blockCount + other.blockCount
        return result
    }

    static func interval(of block: IPRange) -> Interval {
        let first = UInt128(block.high) << 64 | UInt128(block.low)
        let bits = block.family == .v4 ? 32 : 128
        let hostBits = bits - block.prefixLength
        // hostBits is 0...128; a /0 of IPv6 spans the whole 128-bit space.
        let span: UInt128 = hostBits == 128 ? .max : (UInt128(1) << UInt128(hostBits)) - 1
        return Interval(first: first, last: first + span)
    }

    static func merged(_ intervals: [Interval]) -> [Interval] {
        let sorted = intervals.sorted { $0.first < $1.first }
        var result: [Interval] = []
        result.reserveCapacity(sorted.count)
        for interval in sorted {
            // Overlapping or adjacent (last + 1 == first) intervals become one; `last < .max` guards the + 1.
            if let previous = result.last, previous.last == .max || interval.first <= previous.last + 1 {
                if interval.last > previous.last { result[result.count - 1].last = interval.last }
            } else {
                result.append(interval)
            }
        }
        return result
    }

    /// The last interval starting at or before `value`, then whether it reaches `value`.
    static func search(_ intervals: [Interval], for value: UInt128) -> Bool {
        var low = 0
        var high = intervals.count
        while low < high {
            let middle = low + (high - low) / 2
            if intervals[middle].first <= value { low = middle + 1 } else { high = middle }
        }
        return low > 0 && value <= intervals[low - 1].last
    }
}
