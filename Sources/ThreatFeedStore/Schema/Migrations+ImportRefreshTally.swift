/// The tally of an import's refreshes, a batch at a time, while the import has the per-row update triggers of v17
/// set aside (`ImportSetAside`): `refreshSettlement(-1)` before the batch's UPDATEs takes away what its rows'
/// (indicator, observable) pairs count, `refreshSettlement(1)` after it adds what they count then. Exactly what
/// `judgement_tally_update_alone` and the `…_update_shared` pair do row by row: the union of the pair's windows
/// (for a judgement alone on its observable, its own window) and each row's own end; creations do not change.
/// Pairs are taken once each, so two sources of one observable in the same batch are counted once.
extension DeferredImportTallyMigration {
    /// `?1`: the JSON array of the batch's judgement ids (distinct).
    static func refreshSettlement(_ sign: Int) -> String {
        typealias T = JudgementTallyMigration
        let rows = "SELECT indicator_id, observable_id, valid_end FROM judgement WHERE id IN (SELECT value FROM json_each(?1))"
        let pairs = "SELECT DISTINCT indicator_id, observable_id FROM rows"
        let joined = "pairs p JOIN judgement a ON a.indicator_id = p.indicator_id AND a.observable_id = p.observable_id"
        return """
            WITH rows AS MATERIALIZED (\(rows)), pairs AS MATERIALIZED (\(pairs))
            INSERT INTO judgement_tally (indicator_id, grain, at, type, starts, stops, ends, added)
            SELECT e.indicator_id, g.grain, \(T.bucket), o.type, \(sign) * sum(e.starts), \(sign) * sum(e.stops), \(sign) * sum(e.ends), 0
            FROM (
                \(T.islands(from: joined, where: "1"))
                UNION ALL SELECT indicator_id, observable_id, valid_end, 0, 0, 1, 0 FROM rows WHERE valid_end IS NOT NULL
            ) e JOIN observable o ON o.id = e.observable_id CROSS JOIN \(T.grains)
            WHERE true
            GROUP BY 1, 2, 3, 4
            HAVING sum(e.starts) <> 0 OR sum(e.stops) <> 0 OR sum(e.ends) <> 0
            ON CONFLICT (indicator_id, grain, at, type) DO UPDATE SET starts = starts + excluded.starts,
                stops = stops + excluded.stops, ends = ends + excluded.ends, added = added + excluded.added
            """
    }

    /// What `judgement_keeps_versions` keeps of each row a refresh is about to change (its label always moves), for
    /// the rows of the JSON array of ids `?1`.
    static let refreshVersions = keepVersions(ofRowsWhere: "id IN (SELECT value FROM json_each(?1))")

    /// The same for the rows with ids `?1` to `?2`. A re-import refreshes rows in the order it inserted them, so a
    /// batch's ids are usually one run: read as a range, not through a temporary table of a JSON array's ids (1.8k
    /// instructions per row of 60,000 in `sqlite3` alone, callgrind).
    static let refreshVersionsOfRange = keepVersions(ofRowsWhere: "id BETWEEN ?1 AND ?2")

    private static func keepVersions(ofRowsWhere condition: String) -> String {
        """
        INSERT INTO judgement_version (judgement_id, indicator_id, disposition, confidence, severity, tlp,
            priority, reason, valid_start, valid_end, provenance, label, modified)
        SELECT id, indicator_id, disposition, confidence, severity, tlp, priority, reason, valid_start, valid_end,
            provenance, label, modified
        FROM judgement WHERE \(condition)
        """
    }

    /// Takes back the versions `refreshVersions` kept of rows whose refresh was then refused: the version that still
    /// has the row's own label (a refreshed row's label is new, so none of its versions has it).
    static let unkeptVersions = """
        DELETE FROM judgement_version WHERE (judgement_id, label) IN
            (SELECT id, label FROM judgement WHERE id IN (SELECT value FROM json_each(?1)))
        """
}
