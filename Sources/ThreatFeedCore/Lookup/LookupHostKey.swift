/// The key under which the store indexes a domain or URL observable by its host, so that a lookup of a domain
/// finds the URLs on it and on its subdomains, and its subdomains, with one range search.
///
/// A domain host is written label by label from the top, each followed by a dot (`evil.example.com` →
/// `com.example.evil.`): every key under `example.com` then starts with `com.example.` and sorts between it and
/// `com.example/` ('/' follows '.'), and `examples.com` is not among them. An address host is written `[address]`
/// and is found by equality. A URL's host is taken after any user information (`http://user@host/`).
public enum LookupHostKey {
    /// The key of a stored observable: domains and URLs; nil for other types and for a URL without a host.
    public static func of(_ observable: Observable) -> String? {
        switch observable.type {
        case .domain: return domainKey(observable.value)
        case .url:
            switch URLHost.of(observable.value) {
            case .domain(let host): return domainKey(host)
            case .address(let address): return addressKey(address)
            case nil: return nil
            }
        default: return nil
        }
    }

    /// What a lookup of `observable` searches: a key range for a domain (itself and every subdomain), one key for
    /// an address. Nil for other types.
    public static func search(for observable: Observable) -> Search? {
        switch observable.type {
        case .domain:
            let key = domainKey(observable.value)
            return .range(from: key, to: String(key.dropLast()) + "/")
        case .ip, .ipv6: return .exactly(addressKey(observable.value))
        default: return nil
        }
    }

    public enum Search: Sendable, Equatable {
        case range(from: String, to: String)
        case exactly(String)
    }

    /// The labels in reverse order, each followed by a dot (`mail.example.com` → `com.example.mail.`); empty labels
    /// dropped. Byte by byte: the import computes one per domain and URL, and split/reversed/joined showed in its profile.
    static func domainKey(_ host: String) -> String {
        var host = host
        return host.withUTF8 { bytes in
            String(unsafeUninitializedCapacity: bytes.count + 1) { key in
                var out = 0
                var labelEnd = bytes.count
                var index = bytes.count
                while index >= 0 {
                    if index == 0 || bytes[index - 1] == UInt8(ascii: ".") {
                        if labelEnd > index {
                            for byte in index..<labelEnd {
                                key[out] = bytes[byte]
                                out += 1
                            }
                            key[out] = UInt8(ascii: ".")
                            out += 1
                        }
                        labelEnd = index - 1
                    }
                    index -= 1
                }
                if out == 0 {
                    key[0] = UInt8(ascii: ".")
                    out = 1
                }
                return out
            }
        }
    }

    static func addressKey(_ address: String) -> String { "[" + address + "]" }
}
