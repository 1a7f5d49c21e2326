/// Punycode encoding (RFC 3492), which turns one Unicode label of an internationalised domain
/// name into the ASCII form DNS carries (without the `xn--` prefix, which IDNA adds).
///
/// Only encoding is needed: feeds hand us Unicode host names, and the stored form is ASCII.
enum Punycode {
    private static let base = 36
    private static let tMin = 1
    private static let tMax = 26
    private static let skew = 38
    private static let damp = 700
    private static let initialBias = 72
    private static let initialN = 0x80
    /// RFC 3492 §6.4: the arithmetic must not exceed this; only absurdly long labels get there.
    private static let maxInt = Int(Int32.max)

    /// The Punycode of `label`, basic code points kept in their case; nil on arithmetic overflow.
    static func encode(_ label: some Collection<Unicode.Scalar>) -> String? {
        let input = label.map { Int($0.value) }
        var output: [UInt8] = []
        output.reserveCapacity(input.count * 2)
        for c in input where c < initialN { output.append(UInt8(c)) }
        let basicCount = output.count
        if basicCount > 0 { output.append(UInt8(ascii: "-")) }

        var n = initialN
        var delta = 0
        var bias = initialBias
        var handled = basicCount
        while handled < input.count {
            var m = Int.max
            for c in input where c >= n && c < m { m = c }
            guard (m - n) <= (maxInt - delta) / (handled + 1) else { return nil }
            delta += (m - n) * (handled + 1)
            n = m
            for c in input {
                if c < n {
                    delta += 1
                    guard delta <= maxInt else { return nil }
                }
                guard c == n else { continue }
                var q = delta
                var k = base
                while true {
                    let t = k <= bias ? tMin : (k >= bias + tMax ? tMax : k - bias)
                    if q < t { break }
                    output.append(digit(t + (q - t) % (base - t)))
                    q = (q - t) / (base - t)
                    k += base
                }
                output.append(digit(q))
                bias = adapt(delta: delta, points: handled + 1, first: handled == basicCount)
                delta = 0
                handled += 1
            }
            delta += 1
            n += 1
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Bias adaptation, RFC 3492 §6.1.
    private static func adapt(delta: Int, points: Int, first: Bool) -> Int {
        var delta = first ? delta / damp : delta / 2
        delta += delta / points
        var k = 0
        while delta > ((base - tMin) * tMax) / 2 {
            delta /= base - tMin
            k += base
        }
        return k + (base - tMin + 1) * delta / (delta + skew)
    }

    /// Digit values 0–25 are `a`–`z`, 26–35 are `0`–`9` (lower case, as IDNA wants).
    @inline(__always) private static func digit(_ d: Int) -> UInt8 {
        d < 26 ? UInt8(97 + d) : UInt8(22 + d)
    }
}
