import Foundation
import GRDB
import Testing
import ThreatFeedCore
import ThreatFeedTesting

@testable import ThreatFeedStore

/// The admin pages' figures come from `judgement_tally`, kept by triggers (migration v17): after every kind of write,
/// and as time passes with no write, they must equal a recount of the judgement table.
@Suite struct JudgementTallyTests {
    /// Everything the pages show from the tally, read both ways.
    struct Figures: Equatable, CustomStringConvertible {
        var types: [TypeCount]
        var judgements: Int
        var live: Int
        var additions: [DayCount]
        var ends: [DayCount]

        var description: String {
            "live \(live) \(types.map { "\($0.type)=\($0.count)" }), judgements \(judgements), added \(additions.map { "\($0.day):\($0.count)" }), ended \(ends.map { "\($0.day):\($0.count)" })"
        }
    }

    static func fromTally(_ reader: StoreReader, _ indicator: String, at now: Date, since: Date) throws -> Figures {
        let statistics = try reader.statistics(ofIndicator: indicator, at: now)
        return Figures(
            types: try reader.liveObservableTypes(ofIndicator: indicator, at: now), judgements: statistics.judgements,
            live: statistics.liveObservables, additions: try reader.additionsPerDay(ofIndicator: indicator, since: since),
            ends: try reader.endsPerDay(ofIndicator: indicator, since: since, now: now)
        )
    }

    /// The brute-force recount: every judgement of the indicator read (the queries the pages ran before v17).
    static func recount(_ reader: StoreReader, _ indicator: String, at now: Date, since: Date) throws -> Figures {
        let db = reader.db
        let nowMicros = micros(now)
        let sinceMicros = CalendarBucket.day(of: since) * CalendarBucket.microsPerDay
        let types = try Row.fetchAll(
            db,
            sql: """
                SELECT o.type, count(DISTINCT j.observable_id) AS n FROM judgement j JOIN observable o ON o.id = j.observable_id
                WHERE j.indicator_id = ? AND j.valid_start <= ? AND (j.valid_end IS NULL OR j.valid_end >= ?)
                GROUP BY o.type ORDER BY n DESC, o.type
                """,
            arguments: [indicator, nowMicros, nowMicros]
        ).map { TypeCount(type: $0["type"], count: $0["n"]) }
        let live = try Int.fetchOne(
            db,
            sql: "SELECT count(DISTINCT observable_id) FROM judgement WHERE indicator_id = ? AND valid_start <= ? AND (valid_end IS NULL OR valid_end >= ?)",
            arguments: [indicator, nowMicros, nowMicros]
        ) ?? 0
        let additions = try Row.fetchAll(
            db,
            sql: "SELECT created / 86400000000 AS day, count(*) AS n FROM judgement WHERE indicator_id = ? AND created >= ? GROUP BY day ORDER BY day",
            arguments: [indicator, sinceMicros]
        ).map { DayCount(day: $0["day"], count: $0["n"]) }
        let ends = try Row.fetchAll(
            db,
            sql: """
                SELECT valid_end / 86400000000 AS day, count(*) AS n FROM judgement
                WHERE indicator_id = ? AND valid_end >= ? AND valid_end <= ? GROUP BY day ORDER BY day
                """,
            arguments: [indicator, sinceMicros, nowMicros]
        ).map { DayCount(day: $0["day"], count: $0["n"]) }
        return Figures(types: types, judgements: try reader.countJudgements(ofIndicator: indicator), live: live, additions: additions, ends: ends)
    }

    /// Compares at `now`, a little later, and at every judgement's start and end still to come (and a microsecond
    /// either side), when the live count changes with no write.
    static func expectTallyMatchesRecount(
        _ store: Store, _ indicators: [String], now: Date, _ context: @autoclosure () -> String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let since = CalendarBucket.start(ofDay: CalendarBucket.day(of: now) - 29)
        try store.readNow { reader in
            let nowMicros = micros(now)
            let instants = try Int64.fetchAll(
                reader.db,
                sql: """
                    SELECT DISTINCT t FROM (SELECT valid_start AS t FROM judgement UNION ALL SELECT valid_end FROM judgement)
                    WHERE t >= ? ORDER BY t LIMIT 40
                    """,
                arguments: [nowMicros]
            )
            var times = [nowMicros, nowMicros + 1, nowMicros + 86_400_000_000 * 2 + 17]
            for instant in instants { times += [instant - 1, instant, instant + 1] }
            for time in times where time >= nowMicros {
                let at = TimestampLabel(microseconds: time).date
                for indicator in indicators {
                    let tally = try fromTally(reader, indicator, at: at, since: since)
                    let recount = try recount(reader, indicator, at: at, since: since)
                    #expect(tally == recount, "\(context()) at \(time) (now \(nowMicros))", sourceLocation: sourceLocation)
                    if tally != recount { return }
                }
            }
        }
    }

    static let values = ["a.example", "b.example", "203.0.113.7", "http://c.example/x", "198.51.100.9", "d.example"]
    static let sources = ["import", "etd", "taxii2"]

    /// Random writes of every kind (new judgements, refreshes with other windows, a second and third source on the
    /// same observable, future starts, windows ended before they began, endings, retention) and random steps of the
    /// clock, midnights included: after each transaction the figures equal the recount, now and at every change to come.
    @Test(arguments: [1, 2, 3, 4])
    func randomWritesAndTimeKeepTheTallyEqualToARecount(seed: UInt64) async throws {
        var random = SplitMix64(seed: seed)
        let clock = TestClock(Date(timeIntervalSince1970: 1_767_225_600 + 13 * 3_600 + 0.25))
        try await withTemporaryStore(clock: clock) { store in
            let indicators = try store.writeNow { writer in
                [try writer.indicator(named: EntityName("one")).indicator.id, try writer.indicator(named: EntityName("two")).indicator.id]
            }
            for step in 0..<120 {
                var done: [String] = []
                try store.writeNow { writer in
                    for _ in 0..<Int.random(in: 1...4, using: &random) {
                        let now = writer.now
                        switch Int.random(in: 0..<10, using: &random) {
                        case 0..<6:
                            let start = now.addingTimeInterval(Double(Int.random(in: -3 * 86_400...2 * 86_400, using: &random)) + 0.000_001 * Double(Int.random(in: 0..<3, using: &random)))
                            let end: Date? = Bool.random(using: &random) && Bool.random(using: &random)
                                ? nil : start.addingTimeInterval(Double(Int.random(in: -86_400...4 * 86_400, using: &random)))
                            let value = Self.values.randomElement(using: &random)!
                            let source = Self.sources.randomElement(using: &random)!
                            let indicator = indicators.randomElement(using: &random)!
                            let judgement = Judgement(observable: try Observable(parsing: value), source: source, validTime: ValidTime(start: start, end: end))
                            try writer.record(judgement, in: indicator)
                            done.append("record \(value) \(source) \(micros(start))…\(end.map { String(micros($0)) } ?? "open")")
                        case 6..<8:
                            let ids = try Int64.fetchAll(writer.db, sql: "SELECT id FROM judgement")
                            if let id = ids.randomElement(using: &random) {
                                _ = try writer.endJudgementNow(id)
                                done.append("end \(id)")
                            }
                        case 8:
                            let cutoff = now.addingTimeInterval(-Double(Int.random(in: 0...2 * 86_400, using: &random)))
                            let removed = try writer.pruneJudgements(endedBefore: cutoff)
                            done.append("prune \(removed)")
                        default:
                            break
                        }
                    }
                }
                try Self.expectTallyMatchesRecount(store, indicators, now: clock.now, "seed \(seed) step \(step): \(done)")
                clock.advance(by: Double(Int.random(in: 0...30 * 3_600, using: &random)) + 0.000_003)
                try Self.expectTallyMatchesRecount(store, indicators, now: clock.now, "seed \(seed) after step \(step) and time passing")
            }
        }
    }

    /// A window as the random writes make them: past or future starts (a microsecond apart at times), open or ended,
    /// ended before it began.
    static func randomWindow(now: Date, using random: inout SplitMix64) -> ValidTime {
        let start = now.addingTimeInterval(Double(Int.random(in: -3 * 86_400...2 * 86_400, using: &random)) + 0.000_001 * Double(Int.random(in: 0..<3, using: &random)))
        let end: Date? = Bool.random(using: &random) && Bool.random(using: &random)
            ? nil : start.addingTimeInterval(Double(Int.random(in: -86_400...4 * 86_400, using: &random)))
        return ValidTime(start: start, end: end)
    }

    static func deferredRows(_ store: Store) throws -> Int {
        try store.readNow { try Int.fetchOne($0.db, sql: "SELECT count(*) FROM judgement_tally_deferred") ?? -1 }
    }

    /// The import skips the insert triggers and settles each page in one statement (v18). Into an indicator whose
    /// observables are already judged by other sources of it (and by another indicator): new judgements joining
    /// those observables, refreshes of the other sources' judgements in the same page as such an insert, a line
    /// twice (a refresh of a row not settled yet), new observables, empty, open and future windows, several pages.
    @Test(arguments: [5, 6, 7, 8])
    func anImportIntoObservablesJudgedByOtherSourcesKeepsTheTallyEqualToARecount(seed: UInt64) async throws {
        var random = SplitMix64(seed: seed)
        let clock = TestClock(Date(timeIntervalSince1970: 1_767_225_600 + 22 * 3_600 + 0.5))
        try await withTemporaryStore(clock: clock) { store in
            let indicators = try store.writeNow { writer in
                [try writer.indicator(named: EntityName("one")).indicator.id, try writer.indicator(named: EntityName("two")).indicator.id]
            }
            try store.writeNow { writer in
                for value in Self.values {
                    for indicator in indicators {
                        for source in ["etd", "taxii2"] where Bool.random(using: &random) {
                            let window = Self.randomWindow(now: writer.now, using: &random)
                            try writer.record(Judgement(observable: try Observable(parsing: value), source: source, validTime: window), in: indicator)
                        }
                    }
                }
            }
            try Self.expectTallyMatchesRecount(store, indicators, now: clock.now, "seed \(seed): before the imports")
            let values = Self.values + ["e.example", "192.0.2.44", "http://f.example/y"]
            for round in 0..<8 {
                var done: [String] = []
                try store.writeNow { writer in
                    try writer.importJudgements(into: indicators[round % 3 == 2 ? 1 : 0]) { page in
                        for _ in 0..<Int.random(in: 1...3, using: &random) {
                            var rows: [ImportedJudgement] = []
                            for _ in 0..<Int.random(in: 1...12, using: &random) {
                                let value = values.randomElement(using: &random)!
                                let source = ["import:a", "import:b", "etd"].randomElement(using: &random)!
                                let window = Self.randomWindow(now: writer.now, using: &random)
                                rows.append(ImportedJudgement(
                                    judgement: Judgement(observable: try Observable(parsing: value), source: source, validTime: window), provenanceJSON: nil
                                ))
                                done.append("\(value) \(source) \(micros(window.start))…\(window.end.map { String(micros($0)) } ?? "open")")
                            }
                            let counts = try page.record(rows)
                            done.append("page \(counts)")
                        }
                    }
                }
                #expect(try Self.deferredRows(store) == 0)
                try Self.expectTallyMatchesRecount(store, indicators, now: clock.now, "seed \(seed) round \(round): \(done)")
                clock.advance(by: Double(Int.random(in: 0...20 * 3_600, using: &random)) + 0.000_007)
            }
            // And the per-row triggers carry on from the settled figures.
            try store.writeNow { writer in
                try writer.record(Judgement(observable: try Observable(parsing: "e.example"), source: "late", validTime: ValidTime(start: writer.now)), in: indicators[0])
                _ = try writer.pruneJudgements(endedBefore: writer.now)
            }
            try Self.expectTallyMatchesRecount(store, indicators, now: clock.now, "seed \(seed): written after the imports")
        }
    }

    /// New observables are tallied by the import itself, not by the settlement's SQL: pages of new values across
    /// several 64-row INSERTs, a value twice in one of them, a second source joining a value inserted earlier in
    /// the same page (it is no longer alone), and new values next to values another indicator already holds.
    @Test(arguments: [11, 12])
    func newObservablesTalliedByTheImportMatchARecount(seed: UInt64) async throws {
        var random = SplitMix64(seed: seed)
        let clock = TestClock(Date(timeIntervalSince1970: 1_767_225_600 + 23 * 3_600))
        try await withTemporaryStore(clock: clock) { store in
            let (target, other) = try store.writeNow { writer in
                (try writer.indicator(named: EntityName("target")).indicator.id, try writer.indicator(named: EntityName("other")).indicator.id)
            }
            try store.writeNow { writer in
                for index in stride(from: 0, to: 300, by: 7) {
                    try writer.record(Judgement(observable: try Observable(parsing: "v\(index).example"), source: "etd", validTime: ValidTime(start: writer.now)), in: other)
                }
            }
            for round in 0..<3 {
                var done: [String] = []
                try store.writeNow { writer in
                    try writer.importJudgements(into: target, expectedRows: 300, largeImport: round == 1 ? 1 : .max) { page in
                        var rows: [ImportedJudgement] = []
                        for index in 0..<300 {
                            // 40 rows back: in the same 64-row INSERT or the one before; once with another source
                            // (it joins that value), once with the same (a refresh)
                            let value = index % 50 == 49 ? "v\(round * 300 + index - 40).example" : "v\(round * 300 + index).example"
                            let source = index % 100 == 49 || index % 23 == 22 ? "import:b" : "import:a"
                            let window = Self.randomWindow(now: writer.now, using: &random)
                            rows.append(ImportedJudgement(
                                judgement: Judgement(observable: try Observable(parsing: value), source: source, validTime: window), provenanceJSON: nil
                            ))
                            done.append("\(value) \(source)")
                        }
                        // a later page: the second source on values of the first
                        rows += try (0..<40).map { index in
                            ImportedJudgement(
                                judgement: Judgement(
                                    observable: try Observable(parsing: "v\(round * 300 + index * 3).example"), source: "import:c",
                                    validTime: Self.randomWindow(now: writer.now, using: &random)
                                ),
                                provenanceJSON: nil
                            )
                        }
                        _ = try page.record(Array(rows.prefix(300)))
                        _ = try page.record(Array(rows.dropFirst(300)))
                    }
                }
                #expect(try Self.deferredRows(store) == 0)
                try Self.expectTallyMatchesRecount(store, [target, other], now: clock.now, "seed \(seed) round \(round): \(done)")
                clock.advance(by: 3_600)
            }
        }
    }

    /// One judgement refreshed twice in one page with different windows: the second refresh moves the tally from
    /// the first refresh's window, not from the window the page started with.
    @Test func aJudgementRefreshedTwiceInOnePageMovesTheTallyFromItsLatestWindow() async throws {
        let clock = TestClock(Date(timeIntervalSince1970: 1_767_225_600 + 5 * 3_600))
        try await withTemporaryStore(clock: clock) { store in
            let indicator = try store.writeNow { try $0.indicator(named: EntityName("twice")).indicator.id }
            func row(_ value: String, hours: Double, lasting: Double?) throws -> ImportedJudgement {
                let start = clock.now.addingTimeInterval(hours * 3_600)
                return ImportedJudgement(
                    judgement: Judgement(
                        observable: try Observable(parsing: value), source: "import:a",
                        validTime: ValidTime(start: start, end: lasting.map { start.addingTimeInterval($0 * 3_600) })
                    ),
                    provenanceJSON: nil
                )
            }
            try store.writeNow { writer in
                _ = try writer.importJudgements(into: indicator) { page in
                    try page.record([try row("x.example", hours: -1, lasting: 2), try row("y.example", hours: 0, lasting: nil)])
                }
            }
            try store.writeNow { writer in
                _ = try writer.importJudgements(into: indicator) { page in
                    try page.record([
                        try row("x.example", hours: 3, lasting: 30), try row("y.example", hours: 1, lasting: 1),
                        try row("x.example", hours: -2, lasting: 50), try row("y.example", hours: -30, lasting: nil),
                        try row("x.example", hours: 5, lasting: 1),
                    ])
                }
            }
            try Self.expectTallyMatchesRecount(store, [indicator], now: clock.now, "refreshed twice and three times in one page")
        }
    }

    struct Abort: Error {}

    /// An import that fails leaves the deferral flag and the tally as the judgements are: rolled back (as `--strict`
    /// does when lines were rejected), rehearsed (`--dry-run`), or a row refused mid-page with the rows before it kept.
    @Test func aFailedRolledBackOrRehearsedImportLeavesFlagAndTallyRight() async throws {
        let clock = TestClock(Date(timeIntervalSince1970: 1_767_225_600 + 9 * 3_600))
        try await withTemporaryStore(clock: clock) { store in
            let indicator = try store.writeNow { writer -> String in
                let (indicator, _) = try writer.indicator(named: EntityName("kept"))
                for value in Self.values.prefix(3) {
                    try writer.record(Judgement(observable: try Observable(parsing: value), source: "etd", validTime: ValidTime(start: writer.now)), in: indicator.id)
                }
                return indicator.id
            }
            func rows(_ sources: [String]) throws -> [ImportedJudgement] {
                try zip(Self.values, sources).map { value, source in
                    ImportedJudgement(
                        judgement: Judgement(observable: try Observable(parsing: value), source: source, validTime: ValidTime(start: clock.now, lasting: TimeSpan(seconds: 3_600))),
                        provenanceJSON: nil
                    )
                }
            }
            let since = CalendarBucket.start(ofDay: CalendarBucket.day(of: clock.now) - 29)
            let before = try store.readNow { try Self.fromTally($0, indicator, at: clock.now, since: since) }
            let judgementsBefore = try store.readNow { try $0.countJudgements(ofIndicator: indicator) }

            #expect(throws: Abort.self) {
                try store.writeNow { writer in
                    try writer.importJudgements(into: indicator) { page in
                        _ = try page.record(try rows(["import", "etd", "import", "import"]))
                        throw Abort()
                    }
                }
            }
            let counted = try store.rehearse { writer in
                try writer.importJudgements(into: indicator) { page in try page.record(try rows(["import", "import", "etd", "import", "import"])) }
            }
            #expect(counted.added == 4)
            #expect(try store.readNow { try Self.fromTally($0, indicator, at: clock.now, since: since) } == before)
            #expect(try store.readNow { try $0.countJudgements(ofIndicator: indicator) } == judgementsBefore)
            #expect(try Self.deferredRows(store) == 0)

            try store.writeNow { writer in
                try writer.db.execute(sql: "CREATE TEMP TRIGGER refuse BEFORE INSERT ON judgement WHEN NEW.source = 'refused' BEGIN SELECT RAISE(ABORT, 'refused'); END")
                defer { try? writer.db.execute(sql: "DROP TRIGGER temp.refuse") }
                #expect(throws: DatabaseError.self) {
                    try writer.importJudgements(into: indicator) { page in try page.record(try rows(["import", "import", "refused", "import"])) }
                }
            }
            #expect(try Self.deferredRows(store) == 0)
            #expect(try store.readNow { try $0.countJudgements(ofIndicator: indicator) } == judgementsBefore + 2)
            try Self.expectTallyMatchesRecount(store, [indicator], now: clock.now, "the rows before the refused one kept")
        }
    }

    /// The paths the server's writers take: an import and a re-import (record), an ETD conviction page and the
    /// clearing of its message (which ends the judgement), a policy ending and retention.
    @Test func importConvictionEndingAndRetentionKeepTheFigures() async throws {
        let clock = TestClock(Date(timeIntervalSince1970: 1_767_225_600 + 23 * 3_600))
        try await withTemporaryStore(clock: clock) { store in
            let imported = try store.writeNow { writer -> String in
                let (indicator, _) = try writer.indicator(named: EntityName("etd-convictions"))
                for index in 0..<50 {
                    let judgement = Judgement(
                        observable: try Observable(parsing: "host\(index).example"), source: "import",
                        validTime: ValidTime(start: writer.now, lasting: TimeSpan(seconds: Double(3_600 * (index % 5 + 1))))
                    )
                    try writer.record(judgement, in: indicator.id)
                }
                return indicator.id
            }
            try Self.expectTallyMatchesRecount(store, [imported], now: clock.now, "import")
            clock.advance(by: 1_800)
            try store.writeNow { writer in  // re-import: every line refreshes with a new window
                for index in 0..<50 {
                    let judgement = Judgement(
                        observable: try Observable(parsing: "host\(index).example"), source: "import",
                        validTime: ValidTime(start: writer.now, lasting: TimeSpan(seconds: 86_400))
                    )
                    try writer.record(judgement, in: imported)
                }
            }
            try Self.expectTallyMatchesRecount(store, [imported], now: clock.now, "re-import")

            let url = try Observable(parsing: "https://lookalike.example.net/a", as: .url)
            let host = try Observable(parsing: "host3.example")
            let conviction = try PolicyReviewStoreTests.conviction("m1", at: clock.now, values: [], published: [url, host])
            _ = try await store.commit(ConvictionPage(convictions: [conviction]))
            try Self.expectTallyMatchesRecount(store, [imported], now: clock.now, "conviction")
            #expect(try store.readNow { try $0.statistics(ofIndicator: imported, at: clock.now) }.liveObservables == 51)

            clock.advance(by: 60)
            _ = try await store.commit(ConvictionPage(convictions: [], clearedMessageIDs: ["m1"]))
            try Self.expectTallyMatchesRecount(store, [imported], now: clock.now, "conviction cleared")
            // Ended now (bounds are inclusive): from the next microsecond host3 is live through its import alone, the URL not at all.
            #expect(try store.readNow { try $0.statistics(ofIndicator: imported, at: clock.now.addingTimeInterval(0.001)) }.liveObservables == 50)

            let live = try await store.liveConvictionJudgements()
            #expect(try await store.endJudgements(live.map { PolicyEnding(judgementID: $0.id, observable: $0.observable, reason: .allowlisted) }) == live.count)
            try Self.expectTallyMatchesRecount(store, [imported], now: clock.now, "policy ending")

            clock.advance(by: 3 * 86_400)
            try Self.expectTallyMatchesRecount(store, [imported], now: clock.now, "everything expired")
            #expect(try store.readNow { try $0.statistics(ofIndicator: imported, at: clock.now) }.liveObservables == 0)
            let removed = try store.writeNow { try $0.pruneJudgements(endedBefore: clock.now) }
            #expect(removed == 52)
            try Self.expectTallyMatchesRecount(store, [imported], now: clock.now, "retention")
            let rows = try store.readNow { try Int.fetchOne($0.db, sql: "SELECT count(*) FROM judgement_tally") }
            #expect(rows == 0, "retention leaves rows whose events cancelled out")
        }
    }

    /// A store filled before v17 gets its tally from the migration's backfill.
    @Test func theMigrationBackfillsAStoreFilledBeforeIt() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir.file("old.sqlite")
            let start = Date(timeIntervalSince1970: 1_767_225_600 + 5 * 3_600)
            let indicators = try Self.fillBeforeTally(path: path, now: start)
            let clock = TestClock(start.addingTimeInterval(3_600))
            let store = try Store(path: path, clock: clock.function)
            #expect(try store.readNow { try Int.fetchOne($0.db, sql: "SELECT count(*) FROM judgement_tally") ?? 0 } > 0)
            for hours: Double in [0, 20, 30, 50, 216] {
                try Self.expectTallyMatchesRecount(store, indicators, now: clock.now.addingTimeInterval(hours * 3_600), "backfilled, +\(hours) h")
            }
            // And the triggers carry on from the backfilled figures.
            try store.writeNow { writer in
                try writer.record(
                    Judgement(observable: try Observable(parsing: "a.example"), source: "late", validTime: ValidTime(start: writer.now)), in: indicators[0]
                )
            }
            try Self.expectTallyMatchesRecount(store, indicators, now: clock.now, "written after the migration")
        }
    }

    /// A database at v16 filled by the writer of the time: several sources, future starts, ended and open windows.
    static func fillBeforeTally(path: String, now: Date) throws -> [String] {
        let queue = try DatabaseQueue(path: path)
        try Migrations.migrator.migrate(queue, upTo: "v16-admin-pages")
        var random = SplitMix64(seed: 99)
        let ids = try queue.write { db -> [String] in
            let writer = StoreWriter(db: db, now: now)
            let ids = [try writer.indicator(named: EntityName("old")).indicator.id, try writer.indicator(named: EntityName("older")).indicator.id]
            for _ in 0..<200 {
                let start = now.addingTimeInterval(Double(Int.random(in: -5 * 86_400...86_400, using: &random)))
                let end: Date? = Int.random(in: 0..<4, using: &random) == 0 ? nil : start.addingTimeInterval(Double(Int.random(in: -3_600...3 * 86_400, using: &random)))
                let judgement = Judgement(
                    observable: try Observable(parsing: values.randomElement(using: &random)!), source: sources.randomElement(using: &random)!,
                    validTime: ValidTime(start: start, end: end)
                )
                try writer.record(judgement, in: ids.randomElement(using: &random)!)
            }
            try writer.finish()
            return ids
        }
        try queue.close()
        return ids
    }

    /// A restore copies another database in whole, its tally with it (or builds it, for a backup from before v17).
    @Test func aRestoredStoreHasTheFiguresOfItsBackup() async throws {
        try await withTemporaryDirectory { dir in
            let clock = TestClock(Date(timeIntervalSince1970: 1_767_225_600 + 7 * 3_600))
            let old = dir.file("old.sqlite")
            let oldIndicators = try Self.fillBeforeTally(path: old, now: clock.now)
            let source = try Store(path: dir.file("source.sqlite"), clock: clock.function)
            let indicator = try source.writeNow { writer -> String in
                let (indicator, _) = try writer.indicator(named: EntityName("backed-up"))
                for value in Self.values {
                    try writer.record(Judgement(observable: try Observable(parsing: value), source: "import", validTime: ValidTime(start: writer.now)), in: indicator.id)
                }
                return indicator.id
            }
            try source.backup(to: dir.file("backup.sqlite"))
            let target = try Store(path: dir.file("target.sqlite"), clock: clock.function)
            try target.writeNow { writer in
                let (other, _) = try writer.indicator(named: EntityName("replaced"))
                try writer.record(Judgement(observable: try Observable(parsing: "gone.example"), source: "import", validTime: ValidTime(start: writer.now)), in: other.id)
            }
            try target.restore(from: dir.file("backup.sqlite"))
            try Self.expectTallyMatchesRecount(target, [indicator], now: clock.now, "restored")
            #expect(try target.readNow { try $0.statistics(ofIndicator: indicator, at: clock.now) }.liveObservables == Self.values.count)

            try target.restore(from: old)
            try Self.expectTallyMatchesRecount(target, oldIndicators, now: clock.now, "restored from before v17")
        }
    }

    /// The writer keeps statement journals in memory (trigger-firing statements); readers, which may sort a whole
    /// feed, keep the default (files), so their memory stays flat.
    @Test func onlyTheWriterKeepsTemporaryDataInMemory() async throws {
        try await withTemporaryStore { store in
            let reading = try store.readNow { try Int.fetchOne($0.db, sql: "PRAGMA temp_store") }
            let writing = try store.writeNow { try Int.fetchOne($0.db, sql: "PRAGMA temp_store") }
            #expect(reading == 0)
            #expect(writing == 2)
        }
    }

    @Test func aJudgementKeepsItsIndicatorObservableAndCreation() async throws {
        try await withTemporaryStore { store in
            let id = try store.writeNow { writer -> String in
                let (indicator, _) = try writer.indicator(named: EntityName("fixed"))
                try writer.record(Judgement(observable: try Observable(parsing: "a.example"), source: "s", validTime: ValidTime(start: writer.now)), in: indicator.id)
                try writer.record(Judgement(observable: try Observable(parsing: "b.example"), source: "s", validTime: ValidTime(start: writer.now)), in: indicator.id)
                return indicator.id
            }
            for change in ["observable_id = observable_id + 1", "created = created + 1", "indicator_id = 'elsewhere'"] {
                #expect(throws: (any Error).self, "\(change)") {
                    try store.writeNow { writer in try writer.db.execute(sql: "UPDATE judgement SET \(change)") }
                }
            }
            try Self.expectTallyMatchesRecount(store, [id], now: Date(), "after refused changes")
        }
    }
}
