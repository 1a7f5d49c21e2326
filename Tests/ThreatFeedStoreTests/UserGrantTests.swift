import Foundation
import GRDB
import Testing
import ThreatFeedCore
import ThreatFeedTesting

@testable import ThreatFeedStore

@Suite struct UserGrantTests {
    @Test func usersAreGrantedAndRevokedFeedsAndRemovalCascades() async throws {
        try await withTemporaryStore(clock: TestClock()) { store in
            let esa = try EntityName("esa"), soc = try EntityName("soc"), gateway = try EntityName("gateway")
            try store.writeNow { writer in
                let (indicator, _) = try writer.indicator(named: try EntityName("blocklist"))
                try writer.create(Feed(name: esa, indicatorID: indicator.id, maxPartSize: 500, created: writer.now))
                try writer.create(Feed(name: soc, indicatorID: indicator.id, created: writer.now))
                try writer.create(User(name: gateway, passwordHash: "$2b$04$hash", created: writer.now))
            }
            #expect(throws: StoreError.duplicateName(kind: "user", name: "gateway")) {
                try store.writeNow { try $0.create(User(name: gateway, passwordHash: "x", created: $0.now)) }
            }
            #expect(try store.writeNow { try $0.grant(feed: esa, toUser: gateway) })
            #expect(try store.writeNow { try $0.grant(feed: esa, toUser: gateway) } == false, "granting twice changes nothing")
            #expect(throws: StoreError.unknownUser("nobody")) {
                try store.writeNow { try $0.grant(feed: esa, toUser: try EntityName("nobody")) }
            }
            #expect(throws: StoreError.unknownFeed("nofeed")) {
                try store.writeNow { try $0.grant(feed: try EntityName("nofeed"), toUser: gateway) }
            }
            try store.readNow { reader in
                let user = try #require(try reader.user(named: gateway))
                let feed = try #require(try reader.feed(named: esa))
                #expect(feed.maxPartSize == 500)
                #expect(try reader.feedsGranted(toUser: user.id).map(\.name) == [esa])
                #expect(try reader.usersGranted(feed: feed.id).map(\.name) == [gateway])
                #expect(try reader.isGranted(feed: feed.id, toUser: user.id))
                #expect(try reader.isGranted(feed: try #require(try reader.feed(named: soc)).id, toUser: user.id) == false)
                #expect("\(user)" == "User(gateway)", "a user never prints its hash")
            }
            #expect(try store.writeNow { try $0.revoke(feed: esa, fromUser: gateway) })
            #expect(try store.writeNow { try $0.revoke(feed: esa, fromUser: gateway) } == false)
            try store.writeNow { writer in
                try writer.grant(feed: soc, toUser: gateway)
                try writer.setPasswordHash(ofUser: gateway, to: "$2b$04$other")
            }
            #expect(try store.readNow { try $0.user(named: gateway)?.passwordHash } == "$2b$04$other")
            try store.writeNow { try $0.removeUser(named: gateway) }
            let (users, socFeed) = try store.readNow { reader in (try reader.users(), try reader.feed(named: soc)) }
            #expect(users.isEmpty)
            let socID = try #require(socFeed).id
            #expect(try store.readNow { try $0.usersGranted(feed: socID) }.isEmpty, "grants go with the user")
            // Deleting a feed takes its grants along too.
            try store.writeNow { writer in
                try writer.create(User(name: gateway, passwordHash: "x", created: writer.now))
                try writer.grant(feed: soc, toUser: gateway)
                try writer.deleteFeed(named: soc)
            }
            let user = try #require(try store.readNow { try $0.user(named: gateway) })
            #expect(try store.readNow { try $0.feedsGranted(toUser: user.id) }.isEmpty)
        }
    }
}

@Suite struct MigrationBackupTests {
    /// Opening a database written by an older version upgrades it, after keeping a copy of it as it was.
    @Test func anUpgradeKeepsACopyOfTheOldDatabaseFirst() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir.file("old.sqlite")
            let queue = try DatabaseQueue(path: path)
            try Migrations.migrator.migrate(queue, upTo: "v1-indicators-observables-judgements-feeds")
            try await queue.write { db in
                try db.execute(sql: "INSERT INTO indicator (id, name, title, created) VALUES ('indicator-1', 'old', 'old', 0)")
            }
            try queue.close()
            let store = try Store(path: path)
            // Named after the version upgraded to: `old.sqlite.before-<newest migration>.bak`.
            let copies = try FileManager.default.contentsOfDirectory(atPath: dir.path)
                .filter { $0.hasPrefix("old.sqlite.before-") && $0.hasSuffix(".bak") }
            #expect(copies.count == 1, "\(copies)")
            let copy = dir.file(try #require(copies.first))
            let copied = try await DatabaseQueue(path: copy).read { db in
                (try db.tableExists("user"), try String.fetchOne(db, sql: "SELECT name FROM indicator"))
            }
            #expect(copied.0 == false && copied.1 == "old", "the copy is the database before the upgrade")
            #expect(try store.readNow { try $0.users() }.isEmpty, "and the database itself is upgraded")
            // A database already up to date is opened without another copy.
            try FileManager.default.removeItem(atPath: copy)
            _ = try Store(path: path)
            #expect(!FileManager.default.fileExists(atPath: copy))
        }
    }
}
