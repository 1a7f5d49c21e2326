import Foundation

/// Traffic Light Protocol marking, as CTIM spells it (lower case; default green).
public enum TLP: String, CaseIterable, Codable, Sendable {
    case red, amber, green, white

    /// Accepts `amber`, `TLP:AMBER`, `tlp-amber` and so on.
    public init?(name: String) {
        var key = name.trimmingCharacters(in: .whitespaces).lowercased()
        for prefix in ["tlp:", "tlp-", "tlp_"] where key.hasPrefix(prefix) {
            key.removeFirst(prefix.count)
        }
        // TLP 2.0 renamed WHITE to CLEAR; CTIM still says white.
        if key == "clear" { key = "white" }
        guard let value = TLP(rawValue: key) else { return nil }
        self = value
    }

    public static var namesForHelp: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
