/// A set of row ids as one bit each: an import marks up to a million rows in 125 KB, where a `Set<Int64>` took
/// 16–24 MiB of an import held under 150 MiB.
///
/// Errs only one way: an id it cannot hold (negative, or past `limit`) counts as in the set, so a caller asking
/// "did this row change?" looks it up again instead of trusting an older answer.
struct RowIDBits {
    private var words: [UInt64] = []
    /// 2^28 ids: at most 32 MiB of words, for a table whose row ids reached that far.
    static let limit: Int64 = 1 << 28

    func contains(_ id: Int64) -> Bool {
        guard id >= 0, id < Self.limit else { return true }
        let word = Int(id >> 6)
        return word < words.count && words[word] & (1 << UInt64(id & 63)) != 0
    }

    mutating func insert(_ id: Int64) {
        guard id >= 0, id < Self.limit else { return }
        let word = Int(id >> 6)
        if word >= words.count {
            // Grows by at least half, as arrays do, so that ids met in ascending order cost amortised O(1).
            words.append(contentsOf: repeatElement(0, count: max(word + 1 - words.count, words.count / 2)))
        }
        words[word] |= 1 << UInt64(id & 63)
    }
}
