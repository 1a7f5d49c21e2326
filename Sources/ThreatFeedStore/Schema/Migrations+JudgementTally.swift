import GRDB

/// v17: the admin pages' figures (live observables by type, judgements added and ended per day, judgements in all)
/// kept by triggers on `judgement`, so that a page sums a few rows instead of reading every judgement of a feed.
///
/// Triggers rather than code in each writer: the import, ETD conviction pages, policy endings, retention, a restore
/// brought up to date and any writer added later all go through them, in the same statement and so the same
/// transaction as the change (as `judgement_keeps_versions` does for versions).
///
/// The live count changes with time alone (a validity window opens or closes without a write), so the table holds
/// events, not counts: per indicator, observable type and instant, how many observables start being live (`starts`),
/// how many are live for the last microsecond (`stops`), how many judgements end (`ends`, `valid_end`) and how many were
/// created (`added`, per day only). Live at `now` = starts at or before `now` − stops before `now`. Every event is
/// kept twice: per day (`grain` 1, `at` = day number) and per instant (`grain` 0, `at` = microseconds); a reader sums
/// the day rows before today and the instant rows of today up to `now` (`StoreReader+AdminPages`).
///
/// An observable judged by several sources counts once: its events are those of the union of its judgements'
/// windows (an island starts where no other judgement covered the microsecond before; ties go to the lowest id).
/// A judgement alone on its observable (one source, the usual case) adds or subtracts its own window's events with a
/// few single-row upserts. Otherwise a write subtracts the union's events before it (a BEFORE trigger) and adds them
/// after it (an AFTER trigger), through index searches of the few judgements of that (indicator, observable).
enum JudgementTallyMigration {
    static let identifier = "v17-judgement-tally"

    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration(identifier) { db in
            try db.execute(sql: schema)
            try db.execute(sql: backfill)
        }
    }

    static let microsPerDay: Int64 = 86_400_000_000

    /// The UTC day of a microsecond time, rounded down also before 1970 (SQLite's `/` truncates toward zero).
    static func day(_ micros: String) -> String {
        "((\(micros)) - ((((\(micros)) % \(microsPerDay)) + \(microsPerDay)) % \(microsPerDay))) / \(microsPerDay)"
    }

    /// An empty window (ended before it started: a future judgement ended early) is never live.
    static let nonEmpty = "(valid_end IS NULL OR valid_end >= valid_start)"

    /// The union events of the judgements of `a` (rows of `source`) that pass `filter`: (indicator_id, observable_id,
    /// at, starts, stops, ends, added). `others` limits the judgements `b` counted as covering `a` (an import's
    /// settlement computes the union as it was before its rows).
    static func islands(from source: String = "judgement a", where filter: String, others: String = "") -> String {
        func other(_ condition: String) -> String {
            """
            NOT EXISTS (SELECT 1 FROM judgement b WHERE b.indicator_id = a.indicator_id AND b.observable_id = a.observable_id
                AND (b.valid_end IS NULL OR b.valid_end >= b.valid_start)\(others) AND (\(condition)))
            """
        }
        let coversStart = "(b.valid_start < a.valid_start AND (b.valid_end IS NULL OR b.valid_end >= a.valid_start - 1)) OR (b.valid_start = a.valid_start AND b.id < a.id)"
        let coversEnd = "(b.valid_start <= a.valid_end + 1 AND (b.valid_end IS NULL OR b.valid_end > a.valid_end)) OR (b.valid_end = a.valid_end AND b.id < a.id)"
        return """
            SELECT a.indicator_id, a.observable_id, a.valid_start AS at, 1 AS starts, 0 AS stops, 0 AS ends, 0 AS added
            FROM \(source) WHERE \(filter) AND (a.valid_end IS NULL OR a.valid_end >= a.valid_start) AND \(other(coversStart))
            UNION ALL
            SELECT a.indicator_id, a.observable_id, a.valid_end, 0, 1, 0, 0
            FROM \(source) WHERE \(filter) AND a.valid_end >= a.valid_start AND \(other(coversEnd))
            """
    }

    /// The judgement's own events: its end (if any) and its creation.
    static func own(_ row: String, added: Bool) -> String {
        var events = "SELECT \(row).indicator_id, \(row).observable_id, \(row).valid_end, 0, 0, 1, 0 WHERE \(row).valid_end IS NOT NULL"
        if added { events += "\nUNION ALL SELECT \(row).indicator_id, \(row).observable_id, \(row).created, 0, 0, 0, 1" }
        return events
    }

    static let grains = "(SELECT 0 AS grain UNION ALL SELECT 1 AS grain) g"
    static let bucket = "CASE g.grain WHEN 0 THEN e.at ELSE \(day("e.at")) END"

    /// Adds `sign` × the events of `events` to the tally (the day grain only for `added`).
    static func tally(_ sign: Int, _ events: String) -> String {
        """
        INSERT INTO judgement_tally (indicator_id, grain, at, type, starts, stops, ends, added)
        SELECT e.indicator_id, g.grain, \(bucket), o.type, \(sign) * e.starts, \(sign) * e.stops, \(sign) * e.ends, \(sign) * e.added
        FROM (\(events)) e JOIN observable o ON o.id = e.observable_id CROSS JOIN \(grains)
        WHERE g.grain = 1 OR e.added = 0
        ON CONFLICT (indicator_id, grain, at, type) DO UPDATE SET starts = starts + excluded.starts,
            stops = stops + excluded.stops, ends = ends + excluded.ends, added = added + excluded.added;
        """
    }

    static func pair(_ row: String) -> String {
        "a.indicator_id = \(row).indicator_id AND a.observable_id = \(row).observable_id"
    }

    /// Whether another judgement of the row's (indicator, observable) exists: only then are islands needed.
    static func shared(_ row: String) -> String {
        "EXISTS (SELECT 1 FROM judgement x WHERE x.indicator_id = \(row).indicator_id AND x.observable_id = \(row).observable_id AND x.id <> \(row).id)"
    }

    static let windowChanged = "(OLD.valid_start IS NOT NEW.valid_start OR OLD.valid_end IS NOT NEW.valid_end)"

    /// The events of a judgement alone on its observable (the usual case: one source), as single-row upserts with no
    /// subquery to materialise: an import pays a few B-tree writes per row, not a union over its observable.
    static func alone(_ sign: Int, _ row: String, added: Bool) -> String {
        func upsert(grain: Int, at: String, _ starts: String, _ stops: String, _ ends: String, _ added: String, when condition: String) -> String {
            """
            INSERT INTO judgement_tally (indicator_id, grain, at, type, starts, stops, ends, added)
            SELECT \(row).indicator_id, \(grain), \(grain == 0 ? at : day(at)), o.type, \(starts), \(stops), \(ends), \(added)
            FROM observable o WHERE o.id = \(row).observable_id AND \(condition)
            ON CONFLICT (indicator_id, grain, at, type) DO UPDATE SET starts = starts + excluded.starts,
                stops = stops + excluded.stops, ends = ends + excluded.ends, added = added + excluded.added;
            """
        }
        let nonEmpty = "(\(row).valid_end IS NULL OR \(row).valid_end >= \(row).valid_start)"
        let stops = "CASE WHEN \(row).valid_end >= \(row).valid_start THEN \(sign) ELSE 0 END"
        var statements: [String] = []
        for grain in [0, 1] {
            statements.append(upsert(grain: grain, at: "\(row).valid_start", "\(sign)", "0", "0", "0", when: nonEmpty))
            statements.append(upsert(grain: grain, at: "\(row).valid_end", "0", stops, "\(sign)", "0", when: "\(row).valid_end IS NOT NULL"))
        }
        if added { statements.append(upsert(grain: 1, at: "\(row).created", "0", "0", "0", "\(sign)", when: "1")) }
        return statements.joined(separator: "\n")
    }

    /// The insert triggers, firing only when `condition` (SQL ending in AND, or empty) holds too.
    static func insertAloneTrigger(when condition: String) -> String {
        """
        CREATE TRIGGER judgement_tally_insert_alone AFTER INSERT ON judgement
        WHEN \(condition)NOT \(shared("NEW"))
        BEGIN
            \(alone(1, "NEW", added: true))
        END;
        """
    }

    static func insertSharedTriggers(when condition: String) -> String {
        """
        CREATE TRIGGER judgement_tally_before_insert_shared BEFORE INSERT ON judgement
        WHEN \(condition)EXISTS (SELECT 1 FROM judgement x WHERE x.indicator_id = NEW.indicator_id AND x.observable_id = NEW.observable_id)
        BEGIN
            \(tally(-1, islands(where: pair("NEW"))))
        END;

        CREATE TRIGGER judgement_tally_after_insert_shared AFTER INSERT ON judgement
        WHEN \(condition)\(shared("NEW"))
        BEGIN
            \(tally(1, islands(where: pair("NEW")) + "\nUNION ALL " + own("NEW", added: true)))
        END;
        """
    }

    static var schema: String {
        """
        CREATE TABLE judgement_tally (
            indicator_id TEXT NOT NULL,
            grain INTEGER NOT NULL CHECK (grain IN (0, 1)),
            at INTEGER NOT NULL,
            type TEXT NOT NULL,
            starts INTEGER NOT NULL,
            stops INTEGER NOT NULL,
            ends INTEGER NOT NULL,
            added INTEGER NOT NULL,
            PRIMARY KEY (indicator_id, grain, at, type)
        ) STRICT, WITHOUT ROWID;

        -- the tally assumes a judgement stays in its indicator, on its observable, with its creation time
        CREATE TRIGGER judgement_fixed_columns BEFORE UPDATE OF indicator_id, observable_id, created ON judgement
        WHEN OLD.indicator_id IS NOT NEW.indicator_id OR OLD.observable_id IS NOT NEW.observable_id OR OLD.created IS NOT NEW.created
        BEGIN
            SELECT RAISE(ABORT, 'a judgement''s indicator, observable and creation time never change');
        END;

        -- a judgement alone on its observable in its indicator: its own window
        \(insertAloneTrigger(when: ""))

        CREATE TRIGGER judgement_tally_update_alone AFTER UPDATE OF valid_start, valid_end ON judgement
        WHEN \(windowChanged) AND NOT \(shared("NEW"))
        BEGIN
            \(alone(-1, "OLD", added: false))
            \(alone(1, "NEW", added: false))
        END;

        CREATE TRIGGER judgement_tally_delete_alone AFTER DELETE ON judgement
        WHEN NOT EXISTS (SELECT 1 FROM judgement x WHERE x.indicator_id = OLD.indicator_id AND x.observable_id = OLD.observable_id)
        BEGIN
            \(alone(-1, "OLD", added: true))
        END;

        -- several judgements (sources) on one observable: the union of their windows, before and after the change
        \(insertSharedTriggers(when: ""))

        CREATE TRIGGER judgement_tally_before_update_shared BEFORE UPDATE OF valid_start, valid_end ON judgement
        WHEN \(windowChanged) AND \(shared("OLD"))
        BEGIN
            \(tally(-1, islands(where: pair("OLD")) + "\nUNION ALL " + own("OLD", added: false)))
        END;

        CREATE TRIGGER judgement_tally_after_update_shared AFTER UPDATE OF valid_start, valid_end ON judgement
        WHEN \(windowChanged) AND \(shared("NEW"))
        BEGIN
            \(tally(1, islands(where: pair("NEW")) + "\nUNION ALL " + own("NEW", added: false)))
        END;

        CREATE TRIGGER judgement_tally_before_delete_shared BEFORE DELETE ON judgement
        WHEN \(shared("OLD"))
        BEGIN
            \(tally(-1, islands(where: pair("OLD")) + "\nUNION ALL " + own("OLD", added: true)))
        END;

        CREATE TRIGGER judgement_tally_after_delete_shared AFTER DELETE ON judgement
        WHEN EXISTS (SELECT 1 FROM judgement x WHERE x.indicator_id = OLD.indicator_id AND x.observable_id = OLD.observable_id)
        BEGIN
            \(tally(1, islands(where: pair("OLD"))))
        END;
        """
    }

    /// The same events for every judgement already stored, in one statement. Upserted row by row rather than grouped
    /// first: a GROUP BY over every event would build its temporary B-tree in memory (`temp_store = MEMORY`), over a
    /// gigabyte for a million judgements.
    static var backfill: String {
        let events = islands(where: "1") + """

            UNION ALL SELECT indicator_id, observable_id, valid_end, 0, 0, 1, 0 FROM judgement WHERE valid_end IS NOT NULL
            UNION ALL SELECT indicator_id, observable_id, created, 0, 0, 0, 1 FROM judgement
            """
        return tally(1, events)
    }
}
