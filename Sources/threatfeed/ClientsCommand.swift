import ArgumentParser
import Foundation
import ThreatFeedCore
import ThreatFeedStore

/// `threatfeed clients`: is my gateway polling? Who polled which feed, when, how, and how it went.
struct ClientsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clients",
        abstract: "Show which clients poll which feeds, when they last did, and how it went (saved by the server every 10 s).",
        discussion: "With --requests, also the first requests each new client sent (credentials removed)."
    )
    @OptionGroup var global: GlobalOptions
    @Flag(help: "Also print the first requests of each client.") var requests = false
    @Flag(help: "Print JSON instead of a table.") var json = false

    func run() throws {
        let store = try global.openStore()
        let (polls, samples) = try reportingErrors { try store.readNow { (try $0.clientPolls(), try $0.requestSamples()) } }
        let now = Date()
        if json {
            try printJSON([
                "clients": polls.map { poll -> [String: Any] in
                    var object: [String: Any] = [
                        "feed": poll.feed, "client": poll.client, "kind": poll.kind.rawValue, "outcome": poll.outcome.rawValue,
                        "last_seen": Timestamps.iso8601Milli(poll.lastSeen), "first_seen": Timestamps.iso8601Milli(poll.firstSeen),
                        "polls": poll.polls, "failures": poll.failures,
                    ]
                    if let served = poll.served { object["served"] = served }
                    return object
                },
                "first_requests": requests ? samples.map { sample -> [String: Any] in
                    ["client": sample.client, "at": Timestamps.iso8601Milli(sample.at), "method": sample.method,
                     "target": sample.target, "headers": sample.headers, "body_prefix": sample.bodyPrefix]
                } : [],
            ])
            return
        }
        if polls.isEmpty {
            print("no polls seen yet: no gateway has asked for a feed (a running server saves what it sees every 10 s)")
            return
        }
        var table = [["FEED", "CLIENT", "KIND", "LAST POLL", "AGO", "OUTCOME", "SERVED", "POLLS", "FAILURES"]]
        for poll in polls {
            table.append([
                poll.feed, poll.client, poll.kind.rawValue, Timestamps.iso8601Milli(poll.lastSeen), Self.ago(now.timeIntervalSince(poll.lastSeen)),
                poll.outcome.rawValue, poll.served.map(String.init) ?? "-", String(poll.polls), String(poll.failures),
            ])
        }
        printTable(table)
        guard requests else { return }
        for sample in samples {
            print("\n\(sample.client)  \(Timestamps.iso8601Milli(sample.at))  \(sample.method) \(sample.target)")
            for header in sample.headers { print("  \(header)") }
            if !sample.bodyPrefix.isEmpty { print("  body: \(sample.bodyPrefix)") }
        }
    }

    static func ago(_ seconds: TimeInterval) -> String {
        switch seconds {
        case ..<120: "\(Int(seconds))s"
        case ..<7_200: "\(Int(seconds / 60))m"
        case ..<172_800: "\(Int(seconds / 3_600))h"
        default: "\(Int(seconds / 86_400))d"
        }
    }
}
