import Foundation
import GRDB
import Testing
import ThreatFeedCore
import ThreatFeedTesting

@testable import ThreatFeedStore

@Suite struct StoreTests {
    func judgement(_ value: String, source: String = "test", start: Date, days: Double = 30) throws -> Judgement {
        Judgement(
            observable: try Observable(parsing: value), source: source,
            validTime: ValidTime(start: start, end: start.addingTimeInterval(days * 86_400))
        )
    }

    @Test func labelsStrictlyIncreaseEvenWhenTheClockStepsBack() async throws {
        try await withTemporaryDirectory { dir in
            let clock = TestClock()
            let store = try Store(path: dir.file("db.sqlite"), clock: clock.function)
            let name = try EntityName("labels")
            var labels: [TimestampLabel] = []
            for step in 0..<6 {
                // Forward, back an hour, back a day, same instant: labels must still grow.
                clock.advance(by: [10, -3_600, -86_400, 0, 5, -1][step])
                try store.writeNow { writer in
                    let (indicator, _) = try writer.indicator(named: name)
                    for index in 0..<3 {
                        try writer.record(try judgement("host\(step)-\(index).example", start: clock.now), in: indicator.id)
                    }
                }
            }
            try store.readNow { reader in
                let indicator = try #require(try reader.indicator(named: name))
                try reader.forEachJudgement(ofIndicator: indicator.id) { labels.append($0.label) }
            }
            #expect(labels.count == 18)
            #expect(zip(labels, labels.dropFirst()).allSatisfy { $0 < $1 })
            // And across a restart with the clock far in the past.
            let last = try store.readNow { try $0.lastLabel() }
            clock.set(Date(timeIntervalSince1970: 0))
            let reopened = try Store(path: dir.file("db.sqlite"), clock: clock.function)
            let id = try reopened.writeNow { writer in
                let (indicator, _) = try writer.indicator(named: name)
                try writer.record(try judgement("late.example", start: clock.now), in: indicator.id)
                return indicator.id
            }
            var newest: TimestampLabel?
            try reopened.readNow { reader in try reader.forEachJudgement(ofIndicator: id) { newest = $0.label } }
            #expect(try #require(newest) > last)
        }
    }

    @Test func reseeingAnObservableRefreshesItsLabelAndValidTimeWithoutAddingARow() async throws {
        let clock = TestClock()
        try await withTemporaryStore(clock: clock) { store in
            let name = try EntityName("refresh")
            let first = try store.writeNow { writer -> (String, StoreWriter.RecordOutcome) in
                let (indicator, _) = try writer.indicator(named: name)
                return (indicator.id, try writer.record(try judgement("203.0.113.7", start: clock.now, days: 1), in: indicator.id))
            }
            #expect(first.1 == .added)
            var before: StoredJudgement?
            try store.readNow { try $0.forEachJudgement(ofIndicator: first.0) { before = $0 } }
            clock.advance(by: 3_600)
            let second = try store.writeNow { writer in
                try writer.record(try judgement("203.0.113.7", start: clock.now, days: 7), in: first.0)
            }
            #expect(second == .refreshed)
            var after: [StoredJudgement] = []
            try store.readNow { try $0.forEachJudgement(ofIndicator: first.0) { after.append($0) } }
            #expect(after.count == 1)
            let updated = try #require(after.first)
            let original = try #require(before)
            #expect(updated.id == original.id)
            #expect(updated.label > original.label)
            #expect(updated.judgement.validTime.end == clock.now.addingTimeInterval(7 * 86_400))
            #expect(updated.created == original.created)
            #expect(updated.modified == clock.now)
            // A different source is a second statement about the same observable.
            let third = try store.writeNow { writer in
                try writer.record(try judgement("203.0.113.7", source: "other", start: clock.now), in: first.0)
            }
            #expect(third == .added)
            let stats = try store.readNow { try $0.statistics(ofIndicator: first.0, at: clock.now) }
            #expect(stats.judgements == 2)
            #expect(stats.liveObservables == 1)
        }
    }

    @Test func liveQueriesKeepOnlyJudgementsWhoseValidTimeCoversNow() async throws {
        let clock = TestClock()
        try await withTemporaryStore(clock: clock) { store in
            let id = try store.writeNow { writer in
                let (indicator, _) = try writer.indicator(named: try EntityName("validity"))
                try writer.record(try judgement("past.example", start: clock.now.addingTimeInterval(-10 * 86_400), days: 1), in: indicator.id)
                try writer.record(try judgement("now.example", start: clock.now, days: 1), in: indicator.id)
                try writer.record(try judgement("future.example", start: clock.now.addingTimeInterval(86_400), days: 1), in: indicator.id)
                try writer.record(
                    Judgement(observable: try Observable(parsing: "forever.example"), source: "t", validTime: ValidTime(start: clock.now)),
                    in: indicator.id
                )
                return indicator.id
            }
            func live(at date: Date) throws -> [String] {
                try store.readNow { reader in
                    var values: [String] = []
                    try reader.forEachLiveObservableByValue(ofIndicator: id, at: date) { values.append($0.value) }
                    return values
                }
            }
            #expect(try live(at: clock.now) == ["forever.example", "now.example"])
            #expect(try live(at: clock.now.addingTimeInterval(86_400)) == ["forever.example", "future.example", "now.example"])
            #expect(try live(at: clock.now.addingTimeInterval(3 * 86_400)) == ["forever.example"])
            let next = try store.readNow { try $0.nextValidityChange(ofIndicator: id, after: clock.now) }
            #expect(next == clock.now.addingTimeInterval(86_400))
        }
    }

    @Test func aFailedTransactionLeavesNothingBehind() async throws {
        let clock = TestClock()
        try await withTemporaryStore(clock: clock) { store in
            struct Boom: Error {}
            #expect(throws: Boom.self) {
                try store.writeNow { writer in
                    let (indicator, _) = try writer.indicator(named: try EntityName("half"))
                    try writer.record(try judgement("a.example", start: clock.now), in: indicator.id)
                    throw Boom()
                }
            }
            let indicators = try store.readNow { try $0.indicators() }
            #expect(indicators.isEmpty)
            // A rehearsal counts but keeps nothing.
            let outcome = try store.rehearse { writer in
                let (indicator, _) = try writer.indicator(named: try EntityName("dry"))
                return try writer.record(try judgement("b.example", start: clock.now), in: indicator.id)
            }
            #expect(outcome == .added)
            #expect(try store.readNow { try $0.indicators() }.isEmpty)
        }
    }

    @Test func feedsAreCreatedFoundRotatedAndDeleted() async throws {
        let clock = TestClock()
        try await withTemporaryStore(clock: clock) { store in
            let feed = try store.writeNow { writer in
                let (indicator, _) = try writer.indicator(named: try EntityName("blocklist"))
                let feed = Feed(name: try EntityName("esa"), indicatorID: indicator.id, created: writer.now)
                try writer.create(feed)
                return feed
            }
            #expect(feed.id.hasPrefix("feed-"))
            #expect(RandomUUID.isV4(feed.secret.reveal))
            #expect(feed.collectionName == "esa")
            #expect("\(feed.secret)" == "<secret>")
            let found = try store.readNow { try $0.feed(id: feed.id) }
            #expect(found == feed)
            #expect(throws: StoreError.duplicateName(kind: "feed", name: "esa")) {
                try store.writeNow { writer in try writer.create(Feed(name: try EntityName("esa"), indicatorID: feed.indicatorID, created: writer.now)) }
            }
            #expect(throws: StoreError.duplicateCollectionName("esa")) {
                try store.writeNow { writer in
                    try writer.create(Feed(name: try EntityName("other"), indicatorID: feed.indicatorID, collectionName: "esa", created: writer.now))
                }
            }
            let rotated = try store.writeNow { try $0.rotateSecret(ofFeed: try EntityName("esa")) }
            #expect(rotated.secret != feed.secret)
            #expect(rotated.id == feed.id)
            try store.writeNow { try $0.deleteFeed(named: try EntityName("esa")) }
            #expect(try store.readNow { try $0.feeds() }.isEmpty)
            #expect(try store.readNow { try $0.indicators() }.count == 1)
        }
    }

    @Test func newFilesArePrivate() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir.file("nested/deeper/db.sqlite")
            _ = try Store(path: path)
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            #expect((attributes[.posixPermissions] as? Int) == 0o600)
            let directory = try FileManager.default.attributesOfItem(atPath: dir.file("nested/deeper"))
            #expect((directory[.posixPermissions] as? Int) == 0o700)
        }
    }

    /// New databases have 8 KiB pages; one made before (4 KiB) keeps its size, and a backup of either restores into
    /// the other (SQLite's backup cannot change a WAL database's page size: the restore converts a copy first).
    @Test func newDatabasesHave8KiBPagesAndBackupsOfEitherSizeRestore() async throws {
        try await withTemporaryDirectory { dir in
            func pageSize(_ path: String) throws -> Int? {
                try DatabaseQueue(path: path).read { try Int.fetchOne($0, sql: "PRAGMA page_size") }
            }
            let fresh = try Store(path: dir.file("fresh.sqlite"))
            #expect(try pageSize(fresh.path) == 8_192)
            try fresh.writeNow { writer in _ = try writer.indicator(named: EntityName("new-pages")) }

            // An older file: 4 KiB pages, made before the store ever opened it.
            let older = dir.file("older.sqlite")
            try DatabaseQueue(path: older).writeWithoutTransaction { try $0.execute(sql: "PRAGMA page_size = 4096; VACUUM") }
            let old = try Store(path: older)
            #expect(try pageSize(older) == 4_096)
            try old.writeNow { writer in _ = try writer.indicator(named: EntityName("old-pages")) }

            try old.backup(to: dir.file("old-backup.sqlite"))
            try fresh.backup(to: dir.file("fresh-backup.sqlite"))
            try fresh.restore(from: dir.file("old-backup.sqlite"))
            try old.restore(from: dir.file("fresh-backup.sqlite"))
            #expect(try pageSize(fresh.path) == 8_192)
            #expect(try pageSize(older) == 4_096)
            #expect(try fresh.readNow { try $0.indicator(named: EntityName("old-pages")) } != nil)
            #expect(try fresh.readNow { try $0.indicator(named: EntityName("new-pages")) } == nil)
            #expect(try old.readNow { try $0.indicator(named: EntityName("new-pages")) } != nil)
            // the converted copies are gone
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains(".restore-") }.isEmpty)
        }
    }

    @Test func aFileThatIsNotADatabaseIsRefusedWithAClearError() async throws {
        try await withTemporaryDirectory { dir in
            let path = try dir.write("garbage.sqlite", String(repeating: "this is not sqlite\n", count: 300))
            #expect(throws: StoreError.notADatabase(path: path)) { try Store(path: path) }
            #expect(throws: StoreError.notAFile(path: dir.path)) { try Store(path: dir.path) }
        }
    }

    @Test func aReadOnlyFileIsReported() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir.file("ro.sqlite")
            _ = try Store(path: path)
            try FileManager.default.setAttributes([.posixPermissions: 0o400], ofItemAtPath: path)
            defer { try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path) }
            // root ignores file modes; the check only means something for other users.
            if getuid() != 0 {
                #expect(throws: StoreError.readOnly(path: path)) { try Store(path: path) }
            } else {
                #expect(StoreError.readOnly(path: path).description.contains("read-only"))
            }
        }
    }

    @Test func aDatabaseFromANewerVersionIsRefused() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir.file("newer.sqlite")
            _ = try Store(path: path)
            let queue = try DatabaseQueue(path: path)
            try queue.write { db in
                try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v999-from-the-future')")
            }
            try queue.close()
            #expect(throws: StoreError.newerSchema(path: path)) { try Store(path: path) }
        }
    }

    @Test func aLockedDatabaseIsReportedAsLocked() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir.file("locked.sqlite")
            let store = try Store(path: path)
            let other = try DatabaseQueue(path: path)
            // Hold the write lock from another connection, as a long import would.
            let locked = DispatchSemaphore(value: 0)
            let release = DispatchSemaphore(value: 0)
            let holder = Thread {
                try? other.inTransaction(.immediate) { _ in
                    locked.signal()
                    release.wait()
                    return .rollback
                }
            }
            holder.start()
            locked.wait()
            defer { release.signal() }
            let started = Date()
            #expect(throws: StoreError.locked(path: path)) {
                try store.writeNow { writer in _ = try writer.indicator(named: try EntityName("x")) }
            }
            #expect(Date().timeIntervalSince(started) >= 5)  // waited for the busy timeout first
        }
    }
}
