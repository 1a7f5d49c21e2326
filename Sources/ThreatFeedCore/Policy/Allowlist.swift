/// Values the operator never wants published, whatever ETD says (`feeds/policy/allowlist.txt`).
///
/// A domain entry covers its subdomains and URLs on them; an address or block covers URLs whose
/// host is such an address; URLs and hashes match exactly.
public struct Allowlist: Hashable, Sendable {
    public var domains = DomainSet()
    public var ranges: [IPRange] = []
    public var exact: Set<Observable> = []

    public init() {}

    public mutating func insert(_ observable: Observable) {
        switch observable.type {
        case .domain: domains.formUnion(DomainSet([observable.value]))
        case .ip, .ipv6:
            if let range = try? IPRange(parsing: observable.value) { ranges.append(range) }
        default: exact.insert(observable)
        }
    }

    public mutating func formUnion(_ other: Allowlist) {
        domains.formUnion(other.domains)
        ranges += other.ranges
        exact.formUnion(other.exact)
    }

    public var count: Int { domains.names.count + ranges.count + exact.count }
}
