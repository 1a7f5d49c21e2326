/// Address blocks that never identify an external sender (RFC 6890 and its IPv6 counterpart):
/// publishing one would block our own network, a neighbour behind the same CGNAT, or nothing.
///
/// The documentation blocks 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24 (RFC 5737) and
/// 2001:db8::/32 (RFC 3849) are deliberately NOT here: our samples, fixtures and tests use them
/// as attacker addresses, and no real mail comes from them, so publishing them is harmless.
public enum SpecialPurposeRanges {
    public static let blocks: [IPRange] = [
        "0.0.0.0/8",  // "this network"
        "10.0.0.0/8",  // private
        "100.64.0.0/10",  // carrier-grade NAT: shared by many subscribers
        "127.0.0.0/8",  // loopback
        "169.254.0.0/16",  // link-local
        "172.16.0.0/12",  // private
        "192.0.0.0/24",  // IETF protocol assignments
        "192.88.99.0/24",  // deprecated 6to4 relay anycast
        "192.168.0.0/16",  // private
        "198.18.0.0/15",  // benchmarking
        "224.0.0.0/4",  // multicast
        "240.0.0.0/4",  // reserved, and 255.255.255.255 broadcast
        "::/128",  // unspecified
        "::1/128",  // loopback
        "::ffff:0:0/96",  // IPv4-mapped: an IPv4 sender in disguise, judge it as IPv4 instead
        "64:ff9b:1::/48",  // local-use NAT64
        "100::/64",  // discard-only
        "2001::/23",  // IETF protocol assignments (Teredo, ORCHID, …); 2001:db8::/32 lies outside
        "fc00::/7",  // unique local
        "fe80::/10",  // link-local
        "fec0::/10",  // deprecated site-local
        "ff00::/8",  // multicast
    ].compactMap { text in
        // The literals above are valid; a typo would drop a block, which the policy tests' count catches.
        try? IPRange(parsing: text)
    }
}
