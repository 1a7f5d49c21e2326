import Foundation

/// CTIM severity: the confidence words plus `Critical`.
public enum Severity: String, CaseIterable, Codable, Sendable {
    case info = "Info"
    case low = "Low"
    case medium = "Medium"
    case high = "High"
    case critical = "Critical"
    case none = "None"
    case unknown = "Unknown"

    /// Accepts the CTIM word in any case.
    public init?(name: String) {
        let key = name.trimmingCharacters(in: .whitespaces).lowercased()
        guard let match = Severity.allCases.first(where: { $0.rawValue.lowercased() == key }) else { return nil }
        self = match
    }

    public static var namesForHelp: String { allCases.map { $0.rawValue.lowercased() }.joined(separator: ", ") }
}
