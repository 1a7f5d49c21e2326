import Foundation

/// CTIM disposition: the number and the name must agree (1 Clean … 5 Unknown).
public enum Disposition: Int, CaseIterable, Codable, Sendable {
    case clean = 1
    case malicious = 2
    case suspicious = 3
    case common = 4
    case unknown = 5

    /// The CTIM `disposition_name`.
    public var name: String {
        switch self {
        case .clean: "Clean"
        case .malicious: "Malicious"
        case .suspicious: "Suspicious"
        case .common: "Common"
        case .unknown: "Unknown"
        }
    }

    /// Accepts the CTIM name (any case) or the number as text.
    public init?(name: String) {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        if let number = Int(trimmed), let value = Disposition(rawValue: number) {
            self = value
            return
        }
        guard let match = Disposition.allCases.first(where: { $0.name.lowercased() == trimmed.lowercased() }) else {
            return nil
        }
        self = match
    }

    public static var namesForHelp: String { allCases.map { $0.name.lowercased() }.joined(separator: ", ") }
}
