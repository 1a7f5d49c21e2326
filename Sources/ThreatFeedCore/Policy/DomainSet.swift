/// A set of domain names matched with their subdomains: `gmail.com` covers `mail.gmail.com`.
public struct DomainSet: Hashable, Sendable {
    public private(set) var names: Set<String>

    /// `names` must already be normalised domains (see `PolicyListParser`).
    public init() { names = [] }

    public init<Names: Sequence>(_ names: Names) where Names.Element == String {
        self.names = Set(names)
    }

    public mutating func formUnion(_ other: DomainSet) { names.formUnion(other.names) }

    public var isEmpty: Bool { names.isEmpty }

    /// Whether `domain` (normalised, lower case) is listed or is below a listed name.
    public func covers(_ domain: String) -> Bool {
        if names.contains(domain) { return true }
        var rest = Substring(domain)
        while let dot = rest.firstIndex(of: ".") {
            rest = rest[rest.index(after: dot)...]
            if names.contains(String(rest)) { return true }
        }
        return false
    }
}
