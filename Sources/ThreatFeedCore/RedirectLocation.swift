/// Outbound API clients never follow redirects: a redirect could carry our credentials to another host, and an API
/// that redirects is misconfigured or impersonated. The error names where it pointed — scheme, host, port and
/// path only: user info, query and fragment may hold secrets (a token, a signed URL) and are left out.
public enum RedirectLocation {
    public static func describe(_ location: String?) -> String {
        guard let location, !location.isEmpty else { return "no Location header" }
        var text = Substring(location.prefix(2_048))
        if let cut = text.firstIndex(where: { $0 == "?" || $0 == "#" }) { text = text[..<cut] }
        // Drop `user:password@` from the authority.
        if let schemeEnd = text.firstRange(of: "://") {
            let authorityStart = schemeEnd.upperBound
            let authorityEnd = text[authorityStart...].firstIndex(of: "/") ?? text.endIndex
            if let at = text[authorityStart..<authorityEnd].lastIndex(of: "@") {
                text = text[..<authorityStart] + text[text.index(after: at)...]
            }
        }
        return LogEscaping.escaped(String(text.prefix(200)))
    }
}
