/// The query of a CTIA feed view, checked as CTIA's closed schema checks it (ctia-feeds.md §2.2–2.3, §2.6):
/// `s` required; `limit` 1–10,000 and repeated `search_after` optional; any other parameter is a 400
/// `disallowed-key`. Without `limit` and `search_after` the whole feed is answered (the cached body).
struct CTIAViewQuery: Equatable {
    /// One page: at most `limit` items after the cursor (nil: from the start).
    struct Page: Equatable {
        var limit: Int
        var after: Int64?
    }

    var secret: String
    var page: Page?

    /// A 400: CTIA's `{"errors": {key: problem}}`, keys in the order found.
    struct Problems: Error, Equatable {
        /// `(key, problem, quoted)`: `quoted` problems are strings in CTIA's EDN text (`"(not (…))"`), the others symbols.
        var items: [(key: String, problem: String, quoted: Bool)]

        static func == (lhs: Problems, rhs: Problems) -> Bool {
            lhs.items.map { "\($0.key)=\($0.problem)" } == rhs.items.map { "\($0.key)=\($0.problem)" }
        }
    }

    static let maxLimit = 10_000
    /// Page size when only `search_after` is given. [INF]: CTIA's default page size is not in the reference.
    static let defaultLimit = 100

    static func parse(_ parameters: [(name: String, value: String)]) throws(Problems) -> CTIAViewQuery {
        var problems: [(key: String, problem: String, quoted: Bool)] = []
        var secret: String?
        var limitText: String?
        var cursor: [String] = []
        var disallowed: [String] = []
        for (name, value) in parameters {
            switch name {
            case "s": if secret == nil { secret = value }
            case "limit": limitText = value
            case "search_after": cursor.append(value)
            default: if !disallowed.contains(name) { disallowed.append(name) }
            }
        }
        if secret == nil { problems.append(("s", "missing-required-key", false)) }
        for name in disallowed { problems.append((String(name.prefix(64)), "disallowed-key", false)) }
        var limit: Int?
        if let limitText {
            // CTIA's schema messages ([INF] for the wording of the non-integer and below-one cases).
            if let value = Int(limitText) {
                if value > maxLimit { problems.append(("limit", "(not (less-than-10000? \(value)))", true)) }
                else if value < 1 { problems.append(("limit", "(not (pos? \(value)))", true)) }
                else { limit = value }
            } else {
                problems.append(("limit", "(not (integer? \(String(limitText.prefix(32)).debugDescription)))", true))
            }
        }
        var after: Int64?
        if !cursor.isEmpty {
            // Our cursor is opaque to clients: one number (a label or an observable id), optionally followed by a
            // tag, as CTIA's `[<millis> "relationship-…"]` round-trips as two `search_after` values.
            if cursor.count <= 2, let value = Int64(cursor[0]), value >= 0 { after = value }
            else { problems.append(("search_after", "(not (valid-cursor? \(String(cursor.joined(separator: " ").prefix(64)).debugDescription)))", true)) }
        }
        guard problems.isEmpty, let secret else { throw Problems(items: problems) }
        let paged = limit != nil || after != nil
        return CTIAViewQuery(secret: secret, page: paged ? Page(limit: limit ?? defaultLimit, after: after) : nil)
    }
}
