import Foundation

/// TAXII 2.1 media types and `Accept` negotiation: lenient on input, exact on output (reference §2).
public enum TAXII2MediaType {
    public static let taxii = "application/taxii+json;version=2.1"
    public static let stix = "application/stix+json;version=2.1"

    /// The `Content-Type` to answer a request with `accept`, or nil when nothing it accepts is something we serve (406).
    ///
    /// `application/taxii+json` with version 2.1 or none, `application/json`, `application/*`, `*/*` and no header at
    /// all are served TAXII 2.1. Where `stix` is true (objects), `application/stix+json` (2.1 or no version) is also
    /// accepted and echoed, because some clients check that the answer's type is one they asked for.
    /// A type we serve but in another version (`version=2.0`) is not accepted.
    public static func negotiate(accept: String?, stix: Bool = false) -> String? {
        guard let accept, !accept.trimmingCharacters(in: .whitespaces).isEmpty else { return taxii }
        var stixAccepted = false
        for item in accept.split(separator: ",") {
            let parameters = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let type = parameters.first, !type.isEmpty else { continue }
            var version: String?
            var refused = false
            for parameter in parameters.dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard pair.count == 2 else { continue }
                if pair[0] == "version" { version = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
                if pair[0] == "q", let q = Double(pair[1]), q <= 0 { refused = true }
            }
            if refused { continue }
            let versionFits = version == nil || version == "2.1"
            switch type {
            case "application/taxii+json": if versionFits { return taxii }
            case "application/json", "application/*", "*/*": return taxii
            case "application/stix+json": if stix, versionFits { stixAccepted = true }
            default: continue
            }
        }
        return stixAccepted ? self.stix : nil
    }
}
