import Foundation

/// An `application/x-www-form-urlencoded` body of the pages' forms: a few short fields, so it is read whole, bounded.
struct AdminForm: Sendable {
    static let maxBytes = 8 * 1024
    static let maxFields = 16

    private var fields: [String: String] = [:]

    init(_ body: String) {
        for pair in body.split(separator: "&", omittingEmptySubsequences: true).prefix(Self.maxFields) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]) else { continue }
            let value = parts.count > 1 ? Self.decode(parts[1]) : ""
            // The first of a repeated field counts, as it would anywhere else.
            if fields[name] == nil, let value { fields[name] = value }
        }
    }

    subscript(_ name: String) -> String? { fields[name] }

    private static func decode(_ text: Substring) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}

/// The paths of the pages.
enum AdminRoutes {
    static let login = "/ui/login"
    static let overview = "/ui/"

    /// Feed names are entity names (letters, digits, `-`, `_`, `.`), safe in a path as they are.
    static func feedPath(_ name: String) -> String { "/ui/feeds/" + name }
}
