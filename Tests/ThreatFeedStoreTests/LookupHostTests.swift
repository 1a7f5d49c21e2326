import Foundation
import GRDB
import Testing
import ThreatFeedCore
import ThreatFeedTesting

@testable import ThreatFeedStore

/// A lookup of a domain reports the URLs on it and on its subdomains (with user information before the host or not)
/// and its subdomains; a lookup of an address the URLs on it, user information or not. Bounded, by index search.
@Suite struct LookupHostTests {
    static func record(_ store: Store, _ values: [String]) throws {
        try store.writeNow { writer in
            let (indicator, _) = try writer.indicator(named: try EntityName("manual"))
            for value in values {
                try writer.record(
                    Judgement(observable: try Observable(parsing: value), source: "test", validTime: ValidTime(start: writer.now, end: nil)),
                    in: indicator.id)
            }
        }
    }

    static func related(_ store: Store, _ term: String) throws -> [String: Set<String>] {
        let report = try store.lookupNow([try LookupTerm.parse(term)], now: Date())
        var byRelation: [String: Set<String>] = [:]
        for related in report.results.first?.related ?? [] { byRelation[related.relation.rawValue, default: []].insert(related.value) }
        return byRelation
    }

    static let stored = [
        "example.com", "evil.example.com", "deep.evil.example.com",
        "http://user@evil.example.com/x", "https://a.b.example.com:8443/p", "http://example.com/", "ftp://ex:pw@example.com/f",
        // Not under example.com: a longer name, a name that merely ends alike, a host that contains it.
        "examples.com", "http://notexample.com/", "http://example.com.evil.test/", "http://evil.test/?u=example.com",
        "http://user@198.51.100.9/login", "http://198.51.100.9:8080/", "http://198.51.100.90/", "http://[2001:db8::9]/a",
        "http://me@[2001:db8::9]:81/b",
    ]

    @Test func aDomainFindsItsSubdomainsAndTheURLsOnThemAndAnAddressItsURLs() async throws {
        try await withTemporaryStore { store in
            try Self.record(store, Self.stored)
            let domain = try Self.related(store, "example.com")
            #expect(domain["subdomain"] == ["evil.example.com", "deep.evil.example.com"])
            #expect(domain["url-on-host"] == ["http://user@evil.example.com/x", "https://a.b.example.com:8443/p", "http://example.com/", "ftp://ex:pw@example.com/f"])
            let sub = try Self.related(store, "evil.example.com")
            #expect(sub["subdomain"] == ["deep.evil.example.com"])
            #expect(sub["url-on-host"] == ["http://user@evil.example.com/x"])
            let address = try Self.related(store, "198.51.100.9")
            #expect(address["url-on-host"] == ["http://user@198.51.100.9/login", "http://198.51.100.9:8080/"])
            #expect(try Self.related(store, "2001:db8::9")["url-on-host"] == ["http://[2001:db8::9]/a", "http://me@[2001:db8::9]:81/b"])
            // A name that is not stored still finds what is stored under it.
            let parent = try store.lookupNow([try LookupTerm.parse("b.example.com")], now: Date())
            #expect(parent.results.first?.known == true)
            #expect(parent.results.first?.related.map(\.value) == ["https://a.b.example.com:8443/p"])
        }
    }

    @Test func aBusyDomainIsBounded() async throws {
        try await withTemporaryStore { store in
            try Self.record(store, (0..<150).map { "host\($0).busy.example" } + (0..<150).map { "http://busy.example/\($0)" })
            let report = try store.lookupNow([try LookupTerm.parse("busy.example")], now: Date())
            let related = try #require(report.results.first?.related)
            #expect(related.count == ObservableLookup.maxURLsPerHost)
            // The exact host's URLs come before its subdomains.
            #expect(related.allSatisfy { $0.relation == .urlOnHost })
        }
    }

    /// An older database gets the keys of what it already holds when it is upgraded.
    @Test func anUpgradeKeysTheObservablesAlreadyStored() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir.file("old.sqlite")
            let queue = try DatabaseQueue(path: path)
            try Migrations.migrator.migrate(queue, upTo: "v13-lookup")
            try await queue.write { db in
                for (type, value) in [("domain", "sub.old.example"), ("url", "http://who@old.example/x"), ("ip", "192.0.2.1")] {
                    try db.execute(sql: "INSERT INTO observable (type, value) VALUES (?, ?)", arguments: [type, value])
                }
            }
            try queue.close()
            let store = try Store(path: path)
            let keys = try await store.pool.read { db in
                try Row.fetchAll(db, sql: "SELECT value, host_key FROM observable ORDER BY value").map { [$0["value"] as String, ($0["host_key"] as String?) ?? "-"] }
            }
            #expect(keys == [["192.0.2.1", "-"], ["http://who@old.example/x", "example.old."], ["sub.old.example", "example.old.sub."]])
        }
    }
}
