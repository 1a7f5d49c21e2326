import Foundation
import Testing
import ThreatFeedCore
import ThreatFeedTesting

@testable import ThreatFeedStore

@Suite struct UserGrantTests {
    @Test func usersAreGrantedAndRevokedFeedsAndRemovalCascades() async throws {
        try await withTemporaryDirectory { dir in
            let store = try Store(path: dir.file("db.sqlite"), clock: TestClock().function)
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
