import Foundation
import GRDB
import Testing
import ThreatFeedCore
import ThreatFeedTesting

@testable import ThreatFeedStore

/// The connections request handlers read on synchronously (`Store.readOnCallersThread`): plain connections whose
/// transaction the readers open and close themselves, so these check what a `DatabasePool` read guaranteed.
@Suite struct RequestReadersTests {
    func feedNames(_ reader: StoreReader) throws -> [String] { try reader.feeds().map(\.name.value) }

    func addFeed(_ name: String, to store: Store) throws {
        try store.writeNow { writer in
            let (indicator, _) = try writer.indicator(named: try EntityName("blocklist"))
            try writer.create(Feed(name: try EntityName(name), indicatorID: indicator.id, maxPartSize: 250, created: writer.now))
        }
    }

    @Test func everyQueryOfOneReadSeesTheSameSnapshot() async throws {
        try await withTemporaryStore { store in
            try addFeed("first", to: store)
            let (before, during) = try store.readOnCallersThread { reader in
                let before = try feedNames(reader)
                // Committed by the writer while this read is open: not in its snapshot.
                try addFeed("second", to: store)
                return (before, try feedNames(reader))
            }
            #expect(before == ["first"])
            #expect(during == ["first"])
            #expect(try store.readOnCallersThread { try feedNames($0) } == ["first", "second"])
        }
    }

    @Test func feedsAndUsersReadByPositionAreWhatWasWritten() async throws {
        try await withTemporaryStore(clock: TestClock()) { store in
            let written = try store.writeNow { writer -> (Feed, User) in
                let (indicator, _) = try writer.indicator(named: try EntityName("blocklist"))
                let feed = Feed(
                    name: try EntityName("esa"), indicatorID: indicator.id, output: .judgements,
                    lifetime: ValidTime(start: writer.now, end: writer.now.addingTimeInterval(86_400)), maxPartSize: 500, created: writer.now
                )
                try writer.create(feed)
                let user = User(name: try EntityName("gateway"), passwordHash: "$2b$04$hash", created: writer.now)
                try writer.create(user)
                _ = try writer.grant(feed: feed.name, toUser: user.name)
                return (feed, user)
            }
            let (feed, user) = written
            let read = try store.readOnCallersThread { reader throws -> [String: [String]] in
                [
                    "feeds": try reader.feeds().map(\.id), "byID": try reader.feed(id: feed.id).map { [$0.id] } ?? [],
                    "byCollection": try reader.feed(collectionName: feed.collectionName).map { [$0.id] } ?? [],
                    "granted": try reader.feedsGranted(toUser: user.id).map(\.id),
                    "user": try reader.user(named: user.name).map { [$0.id] } ?? [],
                    "users": try reader.usersGranted(feed: feed.id).map(\.id),
                    "nobody": try reader.user(named: try EntityName("nobody")).map { [$0.id] } ?? [],
                ]
            }
            #expect(read["feeds"] == [feed.id] && read["byID"] == [feed.id] && read["byCollection"] == [feed.id])
            #expect(read["granted"] == [feed.id] && read["user"] == [user.id] && read["users"] == [user.id])
            #expect(read["nobody"] == [])
            // Every field, through the position-decoded path.
            #expect(try store.readOnCallersThread { try $0.feeds() } == [feed])
            #expect(try store.readOnCallersThread { try $0.user(named: user.name) } == user)
        }
    }

    @Test func aReadThatFailsLeavesTheConnectionsUsable() async throws {
        try await withTemporaryStore { store in
            try addFeed("first", to: store)
            struct Stop: Error {}
            // More failures than there are connections: each goes back out of its transaction, or is dropped.
            for _ in 0..<(RequestReaders.connections * 2) {
                #expect(throws: StoreError.self) {
                    try store.readOnCallersThread { reader -> Void in
                        _ = try feedNames(reader)
                        throw Stop()
                    }
                }
                #expect(throws: StoreError.self) {
                    try store.readOnCallersThread { reader in try reader.db.execute(sql: "SELECT * FROM no_such_table") }
                }
            }
            try addFeed("second", to: store)
            #expect(try store.readOnCallersThread { try feedNames($0) } == ["first", "second"])
        }
    }

    @Test func moreReadersAtOnceThanConnectionsAllGetTheirAnswer() async throws {
        try await withTemporaryStore { store in
            try addFeed("first", to: store)
            let threads = RequestReaders.connections * 3
            let answers = try await withThrowingTaskGroup(of: [String].self) { group in
                for _ in 0..<threads {
                    group.addTask {
                        try await onThread { try store.readOnCallersThread { reader in try feedNames(reader) } }
                    }
                }
                return try await group.reduce(into: [[String]]()) { $0.append($1) }
            }
            #expect(answers.count == threads)
            #expect(answers.allSatisfy { $0 == ["first"] })
        }
    }
}
