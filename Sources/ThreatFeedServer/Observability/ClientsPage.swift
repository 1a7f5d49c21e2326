import Hummingbird

/// `?limit=&offset=` of `/health/clients`: the answer is a page, never every client ever seen.
struct ClientsPage: Sendable {
    static let defaultLimit = 100
    static let maxLimit = 1_000
    /// Beyond any table the recorder keeps (it is bounded); a larger offset is a typo, not a page.
    static let maxOffset = 1_000_000

    struct Invalid: Error, CustomStringConvertible {
        let description: String
    }

    var limit = defaultLimit
    var offset = 0

    init(query: Parameters) throws(Invalid) {
        if let text = query["limit"] { limit = try Self.number(text, name: "limit", in: 1...Self.maxLimit) }
        if let text = query["offset"] { offset = try Self.number(text, name: "offset", in: 0...Self.maxOffset) }
    }

    private static func number(_ text: Substring, name: String, in range: ClosedRange<Int>) throws(Invalid) -> Int {
        // Digits only, at most 7 of them: no sign, no overflow, nothing Int's parser would accept that we do not mean.
        guard !text.isEmpty, text.count <= 7, text.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(text), range.contains(value) else {
            throw Invalid(description: "\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }
}
