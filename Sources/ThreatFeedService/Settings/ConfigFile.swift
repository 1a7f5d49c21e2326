import Foundation
import Yams

/// The YAML configuration file (`--config FILE` or `THREATFEED_CONFIG`; example in deploy/threatfeed.yaml):
/// nested mappings of scalars, e.g. `server:` / `  port: 443`. Any other key, or a value that is not a
/// scalar, is an error naming the file, line and key.
///
/// Read with Yams directly rather than through swift-configuration's YAML provider: that one cannot say
/// which keys it did not recognise, nor on which line a bad value sits — the two things an operator needs.
public struct ConfigFile: Sendable {
    public struct Entry: Sendable {
        public let value: String
        public let line: Int
    }

    public let path: String
    public let entries: [String: Entry]

    public init(path: String) throws(ConfigurationError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError.file(path, "cannot read the configuration file")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw ConfigurationError.file(path, "not UTF-8 text") }
        try self.init(text: text, path: path)
    }

    /// The settings in `text`, read from `path` (named in errors). The fuzz target calls this directly.
    init(text: String, path: String) throws(ConfigurationError) {
        self.path = path
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ConfigurationError.file(path, "not valid YAML: \(error)")
        } catch {
            throw ConfigurationError.file(path, "not valid YAML: \(error)")
        }
        var entries: [String: Entry] = [:]
        if let root {
            guard case .mapping(let mapping) = root else { throw ConfigurationError.file(path, "expected a mapping of settings at the top") }
            try Self.flatten(mapping, prefix: "", path: path, into: &entries)
        }
        self.entries = entries
    }

    private static func flatten(_ mapping: Node.Mapping, prefix: String, path: String, into entries: inout [String: Entry]) throws(ConfigurationError) {
        for (keyNode, valueNode) in mapping {
            let line = (keyNode.mark?.line ?? 0)
            guard case .scalar(let keyScalar) = keyNode else { throw ConfigurationError.file(path, line: line, "a key must be plain text") }
            let key = prefix.isEmpty ? keyScalar.string : "\(prefix).\(keyScalar.string)"
            switch valueNode {
            case .mapping(let nested):
                guard SettingKey.all.contains(where: { $0.key.hasPrefix(key + ".") }) else {
                    throw ConfigurationError.file(path, line: line, "unknown section '\(key)'; known: \(Self.sections)")
                }
                try flatten(nested, prefix: key, path: path, into: &entries)
            case .scalar(let scalar) where scalar.string.isEmpty && SettingKey.all.contains(where: { $0.key.hasPrefix(key + ".") }):
                // A section whose settings are all commented out (`tls:` alone): nothing to set.
                continue
            case .scalar(let scalar):
                guard SettingKey.named(key) != nil else {
                    throw ConfigurationError.file(path, line: line, "unknown key '\(key)'\(Self.suggestion(for: key))")
                }
                if entries[key] != nil { throw ConfigurationError.file(path, line: line, "'\(key)' is set twice") }
                entries[key] = Entry(value: scalar.string, line: line)
            default:
                throw ConfigurationError.file(path, line: line, "'\(key)' must be a single value, not a list")
            }
        }
    }

    private static var sections: String {
        Array(Set(SettingKey.all.map { String($0.key.split(separator: ".").first!) })).sorted().joined(separator: ", ")
    }

    private static func suggestion(for key: String) -> String {
        let section = key.split(separator: ".").first.map(String.init) ?? ""
        let known = SettingKey.all.map(\.key).filter { $0.hasPrefix(section + ".") }
        return known.isEmpty ? "" : "; known in '\(section)': \(known.joined(separator: ", "))"
    }
}
