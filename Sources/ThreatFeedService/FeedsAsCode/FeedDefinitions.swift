import Foundation
import ThreatFeedCore
import ThreatFeedETD
import Yams

/// Indicators and feeds declared in `feeds/*.yaml`, applied by `threatfeed feeds apply` and at start-up:
///
/// ```yaml
/// indicators:
///   - name: manual-blocklist
///     title: Manual blocklist
///     description: Values the SOC adds by hand
///   - name: etd-phishing
///     etd:                       # ETD convictions with these verdicts publish here
///       verdicts: [phishing, bec]
///       observables: [sender_domain, url]   # default: all four kinds
///       valid_for: {url: 14d}               # default: the etd.valid_for_* settings
/// feeds:
///   - name: esa-blocklist
///     indicator: manual-blocklist
///     output: observables        # or judgements
///     lifetime: 365d             # from the feed's creation; leave out for no end
///     collection: esa-blocklist  # TAXII collection name (default: the feed name)
///     max_part_size: 1000        # TAXII answers in parts of this many blocks (default: one part)
///     users: [esa-gateway]       # users granted the TAXII collection (they must exist: threatfeed user add)
/// actions:                       # what the actions act on; their connections and secrets stay in the configuration file
///   remediation: {enabled: true, verdicts: [phishing, bec], action: delete}
///   notifications: {enabled: true, to: [soc@example.com], verdicts: [phishing]}
///   blocklist: {enabled: true, indicator: etd-phishing, list: blocklist, recipients: [ap@example.com]}
/// ```
public struct FeedDefinitions: Sendable {
    struct IndicatorDefinition: Sendable {
        var name: EntityName
        var title: String?
        var description: String?
        var etd: ETDTarget?
        var origin: FileLine
    }

    /// Which ETD convictions publish into an indicator. Verdicts no file names go to `etd.indicator`.
    struct ETDTarget: Sendable {
        var verdicts: [String]
        var kinds: Set<ETDObservableKind>?
        var validFor: [ETDObservableKind: TimeSpan]
        var origin: FileLine
    }

    /// The names files use for each kind, as in the etd.valid_for_* settings.
    static let kindNames: [String: ETDObservableKind] = [
        "sender_ip": .senderIP, "sender_domain": .senderDomain, "url": .url, "attachment_sha256": .attachmentSHA256,
    ]

    /// The per-verdict ETD rules the files declare; a verdict claimed by two indicators is an error naming both.
    /// Kinds and lifetimes a file leaves out come from `base` (the etd.* settings).
    func etdRules(base: ETDRule, actedOn verdicts: [String]) throws -> [String: ETDRule] {
        var rules: [String: ETDRule] = [:]
        var claimedAt: [String: FileLine] = [:]
        for indicator in indicators {
            guard let target = indicator.etd else { continue }
            for verdict in target.verdicts {
                if let first = claimedAt[verdict] {
                    throw ConfigurationError.at(target.origin, "ETD verdict '\(verdict)' already publishes into another indicator at \(first)")
                }
                claimedAt[verdict] = target.origin
                guard verdicts.contains(verdict) else {
                    throw ConfigurationError.at(target.origin, "ETD verdict '\(verdict)' would publish here, but etd.verdicts (\(verdicts.joined(separator: ","))) does not act on it; add it there"
                    )
                }
                var rule = base
                rule.indicator = indicator.name
                if let kinds = target.kinds { rule.kinds = kinds }
                rule.validFor.merge(target.validFor) { _, file in file }
                rules[verdict] = rule
            }
        }
        return rules
    }

    struct FeedDefinition: Sendable {
        var name: EntityName
        var indicator: EntityName
        var output: FeedOutput
        var lifetime: TimeSpan?
        var collection: String?
        var maxPartSize: Int?
        var users: [EntityName]
        var origin: FileLine
    }

    var indicators: [IndicatorDefinition] = []
    var feeds: [FeedDefinition] = []
    public var files: [String] = []
    /// Action settings from `actions:` sections, keyed like the configuration file (`blocklist.indicator`).
    public var actionSettings: [String: Settings.FeedSetting] = [:]

    /// The action settings a feeds file may hold: what to act on, never where to connect or with which secret —
    /// definition files live in version control and are read by more people than the configuration file.
    static let actionKeys: [SettingKey] = [
        .remediationEnabled, .remediationVerdicts, .remediationAction, .remediationForwardTo, .remediationDryRun,
        .notificationsEnabled, .notificationsTo, .notificationsMailboxes, .notificationsVerdicts, .notificationsTechniques,
        .notificationsDryRun,
        .blocklistEnabled, .blocklistIndicator, .blocklistList, .blocklistRecipients, .blocklistMaxPerRun, .blocklistDryRun,
    ]
    /// Those of them that hold lists (written `[a, b]` in a feeds file, `a,b` in the configuration file).
    static let actionListKeys: Set<SettingKey> = [
        .remediationVerdicts, .remediationForwardTo, .notificationsTo, .notificationsMailboxes, .notificationsVerdicts,
        .notificationsTechniques, .blocklistRecipients,
    ]

    /// Every `*.yaml` file of `directory`, in name order. Any problem is an error naming file and line.
    public static func load(directory: String) throws -> FeedDefinitions {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            throw ConfigurationError.file(directory, "cannot read the feed definitions directory")
        }
        var definitions = FeedDefinitions()
        for name in names.filter({ $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }).sorted() {
            try definitions.read(file: (directory as NSString).appendingPathComponent(name))
        }
        for (kind, all) in [("indicator", definitions.indicators.map { ($0.name.value, $0.origin) }), ("feed", definitions.feeds.map { ($0.name.value, $0.origin) })] {
            var seen: [String: FileLine] = [:]
            for (name, origin) in all {
                if let first = seen[name] { throw ConfigurationError.at(origin, "\(kind) '\(name)' is already defined at \(first)") }
                seen[name] = origin
            }
        }
        return definitions
    }

    private mutating func read(file: String) throws {
        guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError.file(file, "cannot read it")
        }
        try read(text: text, file: file)
    }

    /// The definitions in `text`, read from `file` (named in errors). The fuzz target calls this directly.
    mutating func read(text: String, file: String) throws {
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch { throw ConfigurationError.file(file, "not valid YAML: \(error)") }
        files.append(file)
        guard let root else { return }
        guard case .mapping(let top) = root else { throw ConfigurationError.file(file, line: 1, "expected 'indicators:' and/or 'feeds:' at the top") }
        for (key, value) in top {
            let place = FileLine(file, key.mark?.line ?? 0)
            if key.string == "actions" {
                try readActions(value, file: file, place: place)
                continue
            }
            guard case .sequence(let items) = value else { throw ConfigurationError.at(place, "'\(key.string ?? "?")' must be a list") }
            switch key.string {
            case "indicators":
                for item in items { indicators.append(try Self.indicator(item, file: file)) }
            case "feeds":
                for item in items { feeds.append(try Self.feed(item, file: file)) }
            default:
                throw ConfigurationError.at(place, "unknown key '\(key.string ?? "?")'; expected indicators, feeds or actions")
            }
        }
    }

    /// `actions:` → `remediation:` / `notifications:` / `blocklist:` → settings; a list becomes the comma-separated
    /// value the configuration file would hold. A key set by two files is an error naming both.
    private mutating func readActions(_ node: Node, file: String, place: FileLine) throws {
        let sections = Set(Self.actionKeys.map { String($0.key.split(separator: ".")[0]) })
        guard case .mapping(let mapping) = node else {
            throw ConfigurationError.at(place, "'actions' must map \(sections.sorted().joined(separator: ", ")) to their settings")
        }
        for (sectionNode, sectionValue) in mapping {
            let sectionPlace = FileLine(file, sectionNode.mark?.line ?? 0)
            guard let section = sectionNode.string, sections.contains(section) else {
                throw ConfigurationError.at(sectionPlace, "unknown action '\(sectionNode.string ?? "?")'; known: \(sections.sorted().joined(separator: ", "))")
            }
            guard case .mapping(let fields) = sectionValue else { throw ConfigurationError.at(sectionPlace, "'\(section)' must be a mapping of settings") }
            for (fieldNode, value) in fields {
                let at = FileLine(file, fieldNode.mark?.line ?? 0)
                let name = "\(section).\(fieldNode.string ?? "?")"
                guard let key = Self.actionKeys.first(where: { $0.key == name }) else {
                    let known = Self.actionKeys.filter { $0.key.hasPrefix(section + ".") }.map { String($0.key.dropFirst(section.count + 1)) }
                    let elsewhere = SettingKey.named(name) != nil ? " (connections, credentials and timing stay in the configuration file)" : ""
                    throw ConfigurationError.at(at, "'\(name)' cannot be set in a feeds file\(elsewhere); here: \(known.joined(separator: ", "))")
                }
                let text: String
                switch value {
                case .scalar(let scalar): text = scalar.string
                case .sequence(let items):
                    guard Self.actionListKeys.contains(key) else { throw ConfigurationError.at(at, "'\(name)' takes one value, not a list") }
                    text = try items.map { item in
                        guard let entry = item.string?.trimmingCharacters(in: .whitespaces), !entry.isEmpty, !entry.contains(",") else {
                            throw ConfigurationError.at(at, "'\(name)' holds an empty, nested or comma-holding entry")
                        }
                        return entry
                    }.joined(separator: ",")
                default: throw ConfigurationError.at(at, "'\(name)' must be a value or a list of values")
                }
                if let problem = Settings.problem(with: text, for: key) { throw ConfigurationError.at(at, "\(name): \(problem)") }
                if let first = actionSettings[name] { throw ConfigurationError.at(at, "'\(name)' is already set at \(first.origin)") }
                actionSettings[name] = Settings.FeedSetting(value: text, origin: at)
            }
        }
    }

    /// The scalar fields of one list item, each with its line; unknown fields are errors.
    private static func fields(_ node: Node, file: String, allowed: Set<String>) throws -> [String: (value: Node, place: FileLine)] {
        let place = FileLine(file, node.mark?.line ?? 0)
        guard case .mapping(let mapping) = node else { throw ConfigurationError.at(place, "expected a mapping with name: …") }
        var result: [String: (Node, FileLine)] = [:]
        for (key, value) in mapping {
            let at = FileLine(file, key.mark?.line ?? 0)
            guard let name = key.string, allowed.contains(name) else {
                throw ConfigurationError.at(at, "unknown field '\(key.string ?? "?")'; known: \(allowed.sorted().joined(separator: ", "))")
            }
            result[name] = (value, at)
        }
        return result
    }

    private static func text(_ field: (value: Node, place: FileLine)?, _ name: String) throws -> String? {
        guard let field else { return nil }
        guard case .scalar(let scalar) = field.value else { throw ConfigurationError.at(field.place, "'\(name)' must be a single value") }
        return scalar.string
    }

    private static func entityName(_ text: String?, _ field: (value: Node, place: FileLine)?, _ name: String, required place: FileLine) throws -> EntityName {
        guard let text else { throw ConfigurationError.at(place, "'\(name)' is required") }
        do { return try EntityName(text) } catch { throw ConfigurationError.at(field?.place ?? place, "\(name) '\(text)': \(error)") }
    }

    private static func indicator(_ node: Node, file: String) throws -> IndicatorDefinition {
        let place = FileLine(file, node.mark?.line ?? 0)
        let f = try fields(node, file: file, allowed: ["name", "title", "description", "etd"])
        return IndicatorDefinition(
            name: try entityName(try text(f["name"], "name"), f["name"], "name", required: place),
            title: try text(f["title"], "title"), description: try text(f["description"], "description"),
            etd: try f["etd"].map { try etdTarget($0.value, file: file) }, origin: place
        )
    }

    private static func etdTarget(_ node: Node, file: String) throws -> ETDTarget {
        let place = FileLine(file, node.mark?.line ?? 0)
        let f = try fields(node, file: file, allowed: ["verdicts", "observables", "valid_for"])
        func list(_ name: String) throws -> [String]? {
            guard let field = f[name] else { return nil }
            guard case .sequence(let items) = field.value, !items.isEmpty else {
                throw ConfigurationError.at(field.place, "'\(name)' must be a non-empty list, e.g. [phishing, bec]")
            }
            return try items.map { item in
                guard let value = item.string?.trimmingCharacters(in: .whitespaces).lowercased(), !value.isEmpty else {
                    throw ConfigurationError.at(field.place, "'\(name)' holds an empty or nested entry")
                }
                return value
            }
        }
        func kind(_ name: String, at place: FileLine) throws -> ETDObservableKind {
            guard let kind = kindNames[name] else {
                throw ConfigurationError.at(place, "unknown observable kind '\(name)'; known: \(kindNames.keys.sorted().joined(separator: ", "))")
            }
            return kind
        }
        guard let verdicts = try list("verdicts") else { throw ConfigurationError.at(place, "'verdicts' is required under etd") }
        let kinds = try list("observables").map { names in Set(try names.map { try kind($0, at: f["observables"]!.place) }) }
        var validFor: [ETDObservableKind: TimeSpan] = [:]
        if let field = f["valid_for"] {
            guard case .mapping(let mapping) = field.value else {
                throw ConfigurationError.at(field.place, "'valid_for' must map kinds to durations, e.g. {url: 14d}")
            }
            for (key, value) in mapping {
                let at = FileLine(file, key.mark?.line ?? 0)
                let observableKind = try kind(key.string ?? "?", at: at)
                guard let text = value.string else { throw ConfigurationError.at(at, "valid_for of '\(key.string ?? "?")' must be a duration") }
                do { validFor[observableKind] = try TimeSpan(parsing: text) } catch { throw ConfigurationError.at(at, "valid_for: \(error)") }
            }
        }
        return ETDTarget(verdicts: verdicts, kinds: kinds, validFor: validFor, origin: place)
    }

    private static func feed(_ node: Node, file: String) throws -> FeedDefinition {
        let place = FileLine(file, node.mark?.line ?? 0)
        let f = try fields(node, file: file, allowed: ["name", "indicator", "output", "lifetime", "collection", "max_part_size", "users"])
        let name = try entityName(try text(f["name"], "name"), f["name"], "name", required: place)
        let indicator = try entityName(try text(f["indicator"], "indicator"), f["indicator"], "indicator", required: place)
        var output = FeedOutput.observables
        if let value = try text(f["output"], "output") {
            guard let parsed = FeedOutput(rawValue: value) else { throw ConfigurationError.at(f["output"]!.place, "output '\(value)': use observables or judgements") }
            output = parsed
        }
        var lifetime: TimeSpan?
        if let value = try text(f["lifetime"], "lifetime") {
            do { lifetime = try TimeSpan(parsing: value) } catch { throw ConfigurationError.at(f["lifetime"]!.place, "lifetime '\(value)': \(error)") }
        }
        let collection = try text(f["collection"], "collection")
        if let collection { _ = try entityName(collection, f["collection"], "collection", required: place) }
        var maxPartSize: Int?
        if let value = try text(f["max_part_size"], "max_part_size") {
            guard let size = Int(value), size >= 1 else { throw ConfigurationError.at(f["max_part_size"]!.place, "max_part_size '\(value)': give a whole number of at least 1") }
            maxPartSize = size
        }
        var users: [EntityName] = []
        if let field = f["users"] {
            guard case .sequence(let items) = field.value else { throw ConfigurationError.at(field.place, "'users' must be a list, e.g. [esa-gateway]") }
            users = try items.map { item in try entityName(item.string, field, "user", required: field.place) }
        }
        return FeedDefinition(
            name: name, indicator: indicator, output: output, lifetime: lifetime, collection: collection, maxPartSize: maxPartSize,
            users: users, origin: place
        )
    }
}
