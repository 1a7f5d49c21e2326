import Foundation
import ThreatFeedCore
import ThreatFeedStore

/// Makes the database match the feed definitions, saying what it changes. Idempotent: a second apply
/// changes nothing. Never regenerates a secret. Feeds the files do not mention are reported, not deleted.
public enum FeedApplier {
    public struct Report: Sendable {
        public var changes: [String] = []
        public var unchanged: [String] = []
        public var notInFiles: [String] = []
    }

    public static func apply(_ definitions: FeedDefinitions, with writer: StoreWriter) throws -> Report {
        var report = Report()
        let reader = writer.reader
        var indicatorIDs: [String: String] = [:]
        for definition in definitions.indicators {
            if var existing = try reader.indicator(named: definition.name) {
                let title = definition.title ?? existing.title
                if existing.title != title || existing.description != definition.description {
                    existing.title = title
                    existing.description = definition.description
                    try writer.update(existing)
                    report.changes.append("update indicator \(definition.name): title and description")
                } else {
                    report.unchanged.append("indicator \(definition.name)")
                }
                indicatorIDs[definition.name.value] = existing.id
            } else {
                let indicator = Indicator(name: definition.name, title: definition.title, description: definition.description, created: writer.now)
                try writer.create(indicator)
                indicatorIDs[definition.name.value] = indicator.id
                report.changes.append("create indicator \(definition.name)")
            }
        }
        for definition in definitions.feeds {
            let indicatorID: String
            if let known = indicatorIDs[definition.indicator.value] {
                indicatorID = known
            } else if let existing = try reader.indicator(named: definition.indicator) {
                indicatorID = existing.id
            } else {
                throw ConfigurationError.at(definition.origin, "feed \(definition.name) uses indicator '\(definition.indicator)', which no file defines and the database does not hold")
            }
            var users: [User] = []
            for name in definition.users {
                guard let user = try reader.user(named: name) else {
                    throw ConfigurationError.at(definition.origin, "feed \(definition.name) grants user '\(name)', who does not exist: threatfeed user add \(name)")
                }
                users.append(user)
            }
            let feed: Feed
            if let existing = try reader.feed(named: definition.name) {
                var wanted = existing
                wanted.indicatorID = indicatorID
                wanted.output = definition.output
                wanted.collectionName = definition.collection ?? definition.name.value
                wanted.lifetime = definition.lifetime.map { ValidTime(start: existing.created, lasting: $0) }
                wanted.maxPartSize = definition.maxPartSize
                let differences = describe(from: existing, to: wanted)
                if differences.isEmpty {
                    report.unchanged.append("feed \(definition.name)")
                } else {
                    try writer.update(wanted)
                    report.changes.append("update feed \(definition.name): \(differences.joined(separator: ", "))")
                }
                feed = wanted
            } else {
                feed = Feed(
                    name: definition.name, indicatorID: indicatorID, output: definition.output, collectionName: definition.collection,
                    lifetime: definition.lifetime.map { ValidTime(start: writer.now, lasting: $0) }, maxPartSize: definition.maxPartSize,
                    created: writer.now
                )
                try writer.create(feed)
                report.changes.append("create feed \(definition.name) (new secret: threatfeed feed show \(definition.name))")
            }
            // The file is the truth about who may poll the feed's TAXII collection.
            let granted = Set(try reader.usersGranted(feed: feed.id).map(\.name))
            let wantedUsers = Set(definition.users)
            for name in wantedUsers.subtracting(granted).sorted(by: { $0.value < $1.value }) {
                try writer.grant(feed: feed.name, toUser: name)
                report.changes.append("grant feed \(feed.name) to user \(name)")
            }
            for name in granted.subtracting(wantedUsers).sorted(by: { $0.value < $1.value }) {
                try writer.revoke(feed: feed.name, fromUser: name)
                report.changes.append("revoke feed \(feed.name) from user \(name)")
            }
        }
        let defined = Set(definitions.feeds.map(\.name))
        for feed in try reader.feeds() where !defined.contains(feed.name) {
            report.notInFiles.append("feed \(feed.name) is in the database but in no definition file (kept; 'threatfeed feed delete \(feed.name)' removes it)")
        }
        return report
    }

    private static func describe(from old: Feed, to new: Feed) -> [String] {
        var changes: [String] = []
        if old.indicatorID != new.indicatorID { changes.append("indicator") }
        if old.output != new.output { changes.append("output \(old.output.rawValue) → \(new.output.rawValue)") }
        if old.collectionName != new.collectionName { changes.append("collection \(old.collectionName) → \(new.collectionName)") }
        if old.lifetime != new.lifetime { changes.append("lifetime") }
        if old.maxPartSize != new.maxPartSize {
            changes.append("max_part_size \(old.maxPartSize.map(String.init) ?? "none") → \(new.maxPartSize.map(String.init) ?? "none")")
        }
        return changes
    }
}
