import Foundation

/// The host of a URL observable's normalised text, as `SafetyPolicy` needs it: a domain, or an
/// IP literal without brackets. Normalised URLs are `scheme://[userinfo@]host[:port]/…` with a
/// lower-case host (see `ObservableURL`), so no general URL parser is needed.
enum URLHost {
    enum Host: Equatable {
        case domain(String)
        case address(String)
    }

    static func of(_ url: String) -> Host? {
        guard let schemeEnd = url.range(of: "://") else { return nil }
        var authority = url[schemeEnd.upperBound...]
        if let end = authority.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) {
            authority = authority[..<end]
        }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        if authority.first == "[" {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            return .address(String(authority[authority.index(after: authority.startIndex)..<close]))
        }
        if let colon = authority.lastIndex(of: ":") { authority = authority[..<colon] }
        let host = String(authority)
        if IPRange.address(host) != nil { return .address(host) }
        return host.isEmpty ? nil : .domain(host)
    }
}
