import ArgumentParser
import Foundation
import ThreatFeedCore
import ThreatFeedService
import ThreatFeedFormats
import ThreatFeedStore

/// `threatfeed feed create|list|show|rotate-secret|delete`.
struct FeedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feed",
        abstract: "Create and manage the feeds gateways poll.",
        subcommands: [Create.self, List.self, Show.self, RotateSecret.self, Delete.self, Grant.self, Revoke.self]
    )

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a feed and print what to type into the gateway's External Threat Feeds form."
        )
        @OptionGroup var global: GlobalOptions
        @OptionGroup var address: PublicURLOption
        @Argument(help: "Feed name (letters, digits, '-', '_', '.').") var name: String
        @Option(help: "Indicator the feed serves (created empty if missing).") var indicator: String
        @Option(help: "observables (what gateways read) or judgements.") var output: String = "observables"
        @Option(help: "How long the feed is served, e.g. 365d; default: no end.") var lifetime: String?
        @Option(name: .customLong("collection"), help: "TAXII collection name (default: the feed name).")
        var collection: String?
        @Option(
            name: .customLong("max-part-size"),
            help: "Most content blocks per TAXII Poll_Response part (default: everything in one part, as gateways expect)."
        )
        var maxPartSize: Int?
        @Flag(help: "Print JSON instead of text.") var json = false

        func run() throws {
            let store = try global.openStore()
            let url = try reportingErrors { try address.resolved(try global.settings()) }
            let (feed, createdIndicator) = try reportingErrors { () throws -> (Feed, Bool) in
                let feedName = try EntityName(name)
                let indicatorName = try EntityName(indicator)
                guard let output = FeedOutput(rawValue: output) else {
                    throw CLIError.invalid("--output", output, "use observables or judgements")
                }
                let span = try lifetime.map { text in
                    do { return try TimeSpan(parsing: text) } catch { throw CLIError.invalid("--lifetime", text, "\(error)") }
                }
                if let collection { _ = try EntityName(collection) }
                if let maxPartSize, maxPartSize < 1 {
                    throw CLIError.invalid("--max-part-size", "\(maxPartSize)", "give at least 1, or leave it out for one part")
                }
                return try store.writeNow { writer in
                    let (target, created) = try writer.indicator(named: indicatorName)
                    let feed = Feed(
                        name: feedName, indicatorID: target.id, output: output, collectionName: collection,
                        lifetime: span.map { ValidTime(start: writer.now, lasting: $0) }, maxPartSize: maxPartSize,
                        created: writer.now
                    )
                    try writer.create(feed)
                    return (feed, created)
                }
            }
            if createdIndicator, !json { print("created empty indicator '\(indicator)'") }
            try FeedPrinter(url: url).print(feed, indicatorName: indicator, json: json, statistics: nil, users: [])
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List feeds (without their secrets).")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print JSON instead of a table.") var json = false

        func run() throws {
            let store = try global.openStore()
            let now = Date()
            let rows = try reportingErrors {
                try store.readNow { reader in
                    try reader.feeds().map { feed in
                        (feed, try reader.indicator(id: feed.indicatorID)?.name.value ?? "?",
                         try reader.statistics(ofIndicator: feed.indicatorID, at: now))
                    }
                }
            }
            if json {
                let items = rows.map { feed, indicator, statistics in
                    FeedPrinter.summary(feed, indicatorName: indicator, statistics: statistics, now: now)
                }
                try printJSON(["feeds": items])
                return
            }
            if rows.isEmpty {
                print("no feeds; create one with: threatfeed feed create NAME --indicator NAME")
                return
            }
            var table = [["NAME", "INDICATOR", "OUTPUT", "OBSERVABLES", "STATE", "ID"]]
            for (feed, indicator, statistics) in rows {
                table.append([
                    feed.name.value, indicator, feed.output.rawValue, String(statistics.liveObservables),
                    feed.isLive(at: now) ? "live" : "expired", feed.id,
                ])
            }
            printTable(table)
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a feed, its secret and the gateway settings.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var address: PublicURLOption
        @Argument(help: "Feed name.") var name: String
        @Flag(help: "Print JSON instead of text.") var json = false

        func run() throws {
            let store = try global.openStore()
            let url = try reportingErrors { try address.resolved(try global.settings()) }
            let feedName = try reportingErrors { try EntityName(name) }
            let (feed, indicator, statistics, users) = try reportingErrors {
                () throws -> (Feed, String, StoreReader.IndicatorStatistics, [String]) in
                try store.readNow { reader in
                    guard let feed = try reader.feed(named: feedName) else { throw StoreError.unknownFeed(name) }
                    return (feed, try reader.indicator(id: feed.indicatorID)?.name.value ?? "?",
                            try reader.statistics(ofIndicator: feed.indicatorID, at: Date()),
                            try reader.usersGranted(feed: feed.id).map(\.name.value))
                }
            }
            try FeedPrinter(url: url).print(feed, indicatorName: indicator, json: json, statistics: statistics, users: users)
        }
    }

    struct RotateSecret: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-secret",
            abstract: "Give a feed a new secret; the old one stops working at once."
        )
        @OptionGroup var global: GlobalOptions
        @OptionGroup var address: PublicURLOption
        @Argument(help: "Feed name.") var name: String
        @Flag(help: "Print JSON instead of text.") var json = false

        func run() throws {
            let store = try global.openStore()
            let url = try reportingErrors { try address.resolved(try global.settings()) }
            let feedName = try reportingErrors { try EntityName(name) }
            let (feed, indicator, users) = try reportingErrors {
                try store.writeNow { writer in
                    let feed = try writer.rotateSecret(ofFeed: feedName)
                    return (feed, try writer.reader.indicator(id: feed.indicatorID)?.name.value ?? "?",
                            try writer.reader.usersGranted(feed: feed.id).map(\.name.value))
                }
            }
            if !json { print("new secret for '\(name)': update the Collection Name (or URL) on every gateway that polls it") }
            try FeedPrinter(url: url).print(feed, indicatorName: indicator, json: json, statistics: nil, users: users)
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a feed. Its indicator and judgements stay."
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Feed name.") var name: String

        func run() throws {
            let store = try global.openStore()
            let feedName = try reportingErrors { try EntityName(name) }
            let feed = try reportingErrors { try store.writeNow { writer in try writer.deleteFeed(named: feedName) } }
            print("deleted feed '\(feed.name)' (\(feed.id)); gateways polling it now get 404")
        }
    }

    struct Grant: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Let a user poll a feed's TAXII collection with its Basic credentials."
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Feed name.") var feed: String
        @Argument(help: "User name (see 'threatfeed user add').") var user: String
        @Flag(help: "Also let the user add indicators to the feed's indicator through TAXII 2.1 (without it, a grant is read-only).")
        var write = false

        func run() throws {
            let store = try global.openStore()
            let (feedName, userName) = try reportingErrors { (try EntityName(feed), try EntityName(user)) }
            let added = try reportingErrors { try store.writeNow { try $0.grant(feed: feedName, toUser: userName, write: write) } }
            let access = write ? " (may also add indicators through TAXII 2.1)" : ""
            print(added ? "granted feed '\(feed)' to user '\(user)'\(access)" : "user '\(user)' could already poll feed '\(feed)'\(access)")
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Withdraw a user's access to a feed's TAXII collection.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Feed name.") var feed: String
        @Argument(help: "User name.") var user: String

        func run() throws {
            let store = try global.openStore()
            let (feedName, userName) = try reportingErrors { (try EntityName(feed), try EntityName(user)) }
            let removed = try reportingErrors { try store.writeNow { try $0.revoke(feed: feedName, fromUser: userName) } }
            print(removed ? "revoked feed '\(feed)' from user '\(user)'" : "user '\(user)' had no grant on feed '\(feed)'")
        }
    }
}

/// Prints a feed the way an administrator needs it: the values for the gateway's "Add Source" form.
struct FeedPrinter {
    let url: PublicURL

    func viewURL(_ feed: Feed, text: Bool = false) -> String {
        "\(url.base)/ctia/feed/\(feed.id)/view\(text ? ".txt" : "")?s=\(feed.secret.reveal)"
    }

    func print(_ feed: Feed, indicatorName: String, json: Bool, statistics: StoreReader.IndicatorStatistics?, users: [String]) throws {
        if json {
            var object = FeedPrinter.summary(feed, indicatorName: indicatorName, statistics: statistics, now: Date())
            object["secret"] = feed.secret.reveal
            object["view_url"] = viewURL(feed)
            object["view_txt_url"] = viewURL(feed, text: true)
            object["gateway"] = [
                "hostname": url.host, "polling_path": "/ctia/feed/\(feed.id)/view", "collection_name": feed.secret.reveal,
                "polling_port": url.port, "use_https": url.usesHTTPS, "user_credentials": false,
            ] as [String: Any]
            object["taxii"] = [
                "hostname": url.host, "polling_path": "/taxii/poll", "collection_name": feed.collectionName,
                "polling_port": url.port, "use_https": url.usesHTTPS, "user_credentials": true, "users": users,
                "discovery_url": "\(url.base)/taxii/discovery",
            ] as [String: Any]
            object["taxii2"] = [
                "api_root_url": url.base + TAXII2CollectionID.apiRootPath, "collection_id": TAXII2CollectionID.of(feedID: feed.id),
                "users": users,
            ] as [String: Any]
            if let size = feed.maxPartSize { object["max_part_size"] = size }
            try printJSON(object)
            return
        }
        var lines = [
            "Feed \(feed.name)",
            "  id:          \(feed.id)",
            "  indicator:   \(indicatorName)",
            "  output:      \(feed.output.rawValue)",
            "  collection:  \(feed.collectionName)",
            "  lifetime:    \(feed.lifetime.map { "\(Timestamps.iso8601Milli($0.start)) to \($0.end.map(Timestamps.iso8601Milli) ?? "no end")" } ?? "no end")",
        ]
        if let statistics {
            lines.append("  observables: \(statistics.liveObservables) live (\(statistics.judgements) judgements)")
            lines.append("  newest:      \(statistics.newestLabel.map { Timestamps.iso8601Micro($0) } ?? "none yet")")
        }
        lines += [
            "",
            "Gateway: Security Services > External Threat Feeds > Add Source (Threat Response / JSON style)",
            "  Hostname:          \(url.host)",
            "  Polling Path:      /ctia/feed/\(feed.id)/view",
            "  Collection Name:   \(feed.secret.reveal)",
            "  Polling Port:      \(url.port)",
            "  Use HTTPS:         \(url.usesHTTPS ? "Yes" : "No")",
            "  User Credentials:  No",
            "",
            "Feed URL:  \(viewURL(feed))",
            "Text URL:  \(viewURL(feed, text: true))",
            "",
            "Or as a classic STIX/TAXII source (Add Source, STIX/TAXII):",
            "  Hostname:          \(url.host)",
            "  Polling Path:      /taxii/poll",
            "  Collection Name:   \(feed.collectionName)",
            "  Polling Port:      \(url.port)",
            "  Use HTTPS:         \(url.usesHTTPS ? "Yes" : "No")",
            "  User Credentials:  Yes — \(users.isEmpty ? "no user granted yet: threatfeed user add NAME; threatfeed feed grant \(feed.name) NAME" : "granted to \(users.joined(separator: ", "))")",
        ]
        lines += [
            "",
            "For SIEMs and TIPs over TAXII 2.1 (Microsoft Sentinel, OpenCTI, …):",
            "  API Root URL:      \(url.base + TAXII2CollectionID.apiRootPath)",
            "  Collection ID:     \(TAXII2CollectionID.of(feedID: feed.id))",
            "  User:              the same TAXII users and grants",
        ]
        if !url.usesHTTPS {
            lines.append("Note: plain HTTP. Gateways should poll over HTTPS in production.")
        }
        Swift.print(lines.joined(separator: "\n"))
    }

    /// Everything but the secret.
    static func summary(_ feed: Feed, indicatorName: String, statistics: StoreReader.IndicatorStatistics?, now: Date) -> [String: Any] {
        var object: [String: Any] = [
            "name": feed.name.value, "id": feed.id, "indicator": indicatorName, "output": feed.output.rawValue,
            "collection": feed.collectionName, "live": feed.isLive(at: now), "created": Timestamps.iso8601Milli(feed.created),
        ]
        if let lifetime = feed.lifetime {
            object["lifetime_start"] = Timestamps.iso8601Milli(lifetime.start)
            if let end = lifetime.end { object["expires"] = Timestamps.iso8601Milli(end) }
        }
        if let statistics {
            object["observables"] = statistics.liveObservables
            object["judgements"] = statistics.judgements
            if let newest = statistics.newestLabel { object["newest_label"] = Timestamps.iso8601Micro(newest) }
        }
        return object
    }
}

func printJSON(_ object: Any) throws {
    let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    print(String(decoding: data, as: UTF8.self))
}

func printTable(_ rows: [[String]]) {
    guard let first = rows.first else { return }
    let widths = (0..<first.count).map { column in rows.map { $0[column].count }.max() ?? 0 }
    for row in rows {
        let cells = row.enumerated().map { index, cell in
            index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
        }
        print(cells.joined(separator: "  "))
    }
}
