import GRDB

/// v18: an import pays for the tally once per page instead of once per row.
///
/// While the one row of `judgement_tally_deferred` exists, the insert triggers of v17 do nothing; the import writes
/// that row inside its transaction before a run of inserts and, before anything else touches those rows (a refresh,
/// the end of the page, an error), `settlement` adds in one grouped statement what the skipped triggers would have
/// added, then deletes the row. No other connection ever sees it (it never outlives the writer's statement sequence
/// uncommitted), and a rolled-back import takes row and tally changes away together. Updates and deletes keep the
/// per-row triggers: the import settles before any refresh, so they always see a tally that counts every row.
enum DeferredImportTallyMigration {
    static let identifier = "v18-deferred-import-tally"

    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration(identifier) { db in
            try db.execute(sql: schema)
        }
    }

    static let notDeferred = "NOT EXISTS (SELECT 1 FROM judgement_tally_deferred) AND "

    static var schema: String {
        """
        CREATE TABLE judgement_tally_deferred (only INTEGER PRIMARY KEY CHECK (only = 1)) STRICT;

        DROP TRIGGER judgement_tally_insert_alone;
        DROP TRIGGER judgement_tally_before_insert_shared;
        DROP TRIGGER judgement_tally_after_insert_shared;
        \(JudgementTallyMigration.insertAloneTrigger(when: notDeferred))
        \(JudgementTallyMigration.insertSharedTriggers(when: notDeferred))
        """
    }

    /// The events the skipped insert triggers owe, for the judgements of indicator `?1` with an id above `?2` (the
    /// largest id before the deferred inserts: new rows take larger ones) on the observables of the JSON array `?3`
    /// (the import counts those of new observables itself: `JudgementImportWriter.tallyInserted`): for each (indicator, observable) they
    /// joined, the union of its windows before them is taken away and the union after them added (v17's backfill
    /// restricted to those observables; usually nothing before, one judgement after), plus their own ends and
    /// creations. Grouped before the upsert, so the tally's B-tree is written in key order, once per key; a page's
    /// events are few, so the grouping's temporary B-tree stays small.
    static var settlement: String {
        typealias T = JudgementTallyMigration
        // The new rows by id range (NOT INDEXED still allows the rowid): not the whole indicator through its index,
        // nor, for DISTINCT, the whole table in the order of its unique index. `shared`: another judgement of the
        // same observable in the indicator; only those observables need the union of windows.
        let fresh = """
            SELECT n.indicator_id, n.observable_id, n.valid_start, n.valid_end, n.created, EXISTS (SELECT 1 FROM judgement x
                WHERE x.indicator_id = n.indicator_id AND x.observable_id = n.observable_id AND x.id <> n.id) AS shared
            FROM judgement n NOT INDEXED WHERE n.id > ?2 AND +n.indicator_id = ?1 AND n.observable_id IN (SELECT value FROM json_each(?3))
            """
        let pairs = "SELECT DISTINCT indicator_id, observable_id FROM fresh WHERE shared"
        let joined = "pairs p JOIN judgement a ON a.indicator_id = p.indicator_id AND a.observable_id = p.observable_id"
        let before = T.islands(from: joined, where: "a.id <= ?2", others: " AND b.id <= ?2")
        let after = T.islands(from: joined, where: "1")
        // A judgement alone on its observable starts and stops with its own window; every one ends and is created.
        let own = """
            SELECT indicator_id, observable_id, valid_start, 1, 0, 0, 0 FROM fresh
            WHERE NOT shared AND (valid_end IS NULL OR valid_end >= valid_start)
            UNION ALL SELECT indicator_id, observable_id, valid_end, 0, NOT shared AND valid_end >= valid_start, 1, 0 FROM fresh
            WHERE valid_end IS NOT NULL
            UNION ALL SELECT indicator_id, observable_id, created, 0, 0, 0, 1 FROM fresh
            """
        return """
            WITH fresh AS MATERIALIZED (\(fresh)), pairs AS MATERIALIZED (\(pairs))
            INSERT INTO judgement_tally (indicator_id, grain, at, type, starts, stops, ends, added)
            SELECT e.indicator_id, g.grain, \(T.bucket), o.type, sum(e.starts), sum(e.stops), sum(e.ends), sum(e.added)
            FROM (
                SELECT indicator_id, observable_id, at, -starts AS starts, -stops AS stops, -ends AS ends, -added AS added FROM (\(before))
                UNION ALL \(after)
                UNION ALL \(own)
            ) e JOIN observable o ON o.id = e.observable_id CROSS JOIN \(T.grains)
            WHERE g.grain = 1 OR e.added = 0
            GROUP BY 1, 2, 3, 4
            HAVING sum(e.starts) <> 0 OR sum(e.stops) <> 0 OR sum(e.ends) <> 0 OR sum(e.added) <> 0
            ON CONFLICT (indicator_id, grain, at, type) DO UPDATE SET starts = starts + excluded.starts,
                stops = stops + excluded.stops, ends = ends + excluded.ends, added = added + excluded.added
            """
    }
}
