/// Comparisons whose running time does not reveal where two secrets differ.
public enum ConstantTime {
    public static func equals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        // Walk the longer input in full so that the length of the match is not revealed either.
        let length = max(a.count, b.count)
        var difference: UInt8 = a.count == b.count ? 0 : 1
        for index in 0..<length {
            let x = index < a.count ? a[index] : 0
            let y = index < b.count ? b[index] : 0
            difference |= x ^ y
        }
        return difference == 0
    }
}
