import Foundation
import GRDB
import ThreatFeedCore

/// What a write transaction can do. Valid only inside `Store.write`/`rehearse`.
public final class StoreWriter {
    let db: Database
    /// The transaction's "now": created/modified times and the lower bound of new labels.
    public let now: Date
    private var labels: LabelAllocator?
    var touchedIndicators: Set<String> = []

    init(db: Database, now: Date) {
        self.db = db
        self.now = now
    }

    /// Read access inside the transaction (sees the transaction's own writes).
    public var reader: StoreReader { StoreReader(db: db) }

    // MARK: Indicators

    /// The indicator called `name`, created with defaults if it does not exist yet.
    public func indicator(named name: EntityName) throws -> (indicator: Indicator, created: Bool) {
        if let existing = try reader.indicator(named: name) { return (existing, false) }
        let indicator = Indicator(name: name, created: now)
        try create(indicator)
        return (indicator, true)
    }

    public func create(_ indicator: Indicator) throws {
        if try reader.indicator(named: indicator.name) != nil {
            throw StoreError.duplicateName(kind: "indicator", name: indicator.name.value)
        }
        try db.execute(
            sql: "INSERT INTO indicator (id, name, title, description, created) VALUES (?, ?, ?, ?, ?)",
            arguments: [indicator.id, indicator.name.value, indicator.title, indicator.description, micros(indicator.created)]
        )
    }

    // MARK: Feeds

    public func create(_ feed: Feed) throws {
        if try reader.feed(named: feed.name) != nil { throw StoreError.duplicateName(kind: "feed", name: feed.name.value) }
        if try reader.feed(collectionName: feed.collectionName) != nil {
            throw StoreError.duplicateCollectionName(feed.collectionName)
        }
        try db.execute(
            sql: """
                INSERT INTO feed (id, name, indicator_id, output, secret, collection_name, lifetime_start, lifetime_end,
                    max_part_size, created)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                feed.id, feed.name.value, feed.indicatorID, feed.output.rawValue, feed.secret.reveal, feed.collectionName,
                feed.lifetime.map { micros($0.start) }, feed.lifetime?.end.map(micros), feed.maxPartSize, micros(feed.created),
            ]
        )
    }

    /// Saves a feed's settings (indicator, output, collection name, lifetime, part size). Never its id, secret
    /// or creation time: an apply of the feed definitions must not break a gateway's configuration.
    public func update(_ feed: Feed) throws {
        if let other = try reader.feed(collectionName: feed.collectionName), other.id != feed.id {
            throw StoreError.duplicateCollectionName(feed.collectionName)
        }
        try db.execute(
            sql: """
                UPDATE feed SET indicator_id = ?, output = ?, collection_name = ?, lifetime_start = ?, lifetime_end = ?,
                    max_part_size = ?
                WHERE id = ?
                """,
            arguments: [
                feed.indicatorID, feed.output.rawValue, feed.collectionName, feed.lifetime.map { micros($0.start) },
                feed.lifetime?.end.map(micros), feed.maxPartSize, feed.id,
            ]
        )
    }

    /// Saves an indicator's title and description.
    public func update(_ indicator: Indicator) throws {
        try db.execute(
            sql: "UPDATE indicator SET title = ?, description = ? WHERE id = ?",
            arguments: [indicator.title, indicator.description, indicator.id]
        )
    }

    /// Replaces the feed's secret with a fresh one; the old one stops working at once.
    @discardableResult
    public func rotateSecret(ofFeed name: EntityName) throws -> Feed {
        guard var feed = try reader.feed(named: name) else { throw StoreError.unknownFeed(name.value) }
        feed.secret = .generate()
        try db.execute(sql: "UPDATE feed SET secret = ? WHERE id = ?", arguments: [feed.secret.reveal, feed.id])
        return feed
    }

    /// Deletes the feed (not its indicator or judgements).
    @discardableResult
    public func deleteFeed(named name: EntityName) throws -> Feed {
        guard let feed = try reader.feed(named: name) else { throw StoreError.unknownFeed(name.value) }
        try db.execute(sql: "DELETE FROM feed WHERE id = ?", arguments: [feed.id])
        return feed
    }

    // MARK: Users and grants

    public func create(_ user: User) throws {
        if try reader.user(named: user.name) != nil { throw StoreError.duplicateName(kind: "user", name: user.name.value) }
        try db.execute(
            sql: "INSERT INTO user (id, name, password_hash, created) VALUES (?, ?, ?, ?)",
            arguments: [user.id, user.name.value, user.passwordHash, micros(user.created)]
        )
    }

    public func setPasswordHash(ofUser name: EntityName, to hash: String) throws {
        guard let user = try reader.user(named: name) else { throw StoreError.unknownUser(name.value) }
        try db.execute(sql: "UPDATE user SET password_hash = ? WHERE id = ?", arguments: [hash, user.id])
    }

    /// Removes the user and every grant it had.
    @discardableResult
    public func removeUser(named name: EntityName) throws -> User {
        guard let user = try reader.user(named: name) else { throw StoreError.unknownUser(name.value) }
        try db.execute(sql: "DELETE FROM user WHERE id = ?", arguments: [user.id])
        return user
    }

    /// Lets `user` poll `feed` over TAXII with Basic credentials, and with `write` also add indicators to it through
    /// TAXII 2.1. False when the grant was already exactly that.
    @discardableResult
    public func grant(feed feedName: EntityName, toUser userName: EntityName, write: Bool = false) throws -> Bool {
        let (feed, user) = try feedAndUser(feedName, userName)
        try db.execute(
            sql: """
                INSERT INTO feed_grant (feed_id, user_id, created, can_write) VALUES (?, ?, ?, ?)
                ON CONFLICT (feed_id, user_id) DO UPDATE SET can_write = excluded.can_write WHERE can_write != excluded.can_write
                """,
            arguments: [feed.id, user.id, micros(now), write]
        )
        return db.changesCount > 0
    }

    /// Withdraws a grant. False when there was none.
    @discardableResult
    public func revoke(feed feedName: EntityName, fromUser userName: EntityName) throws -> Bool {
        let (feed, user) = try feedAndUser(feedName, userName)
        try db.execute(sql: "DELETE FROM feed_grant WHERE feed_id = ? AND user_id = ?", arguments: [feed.id, user.id])
        return db.changesCount > 0
    }

    private func feedAndUser(_ feedName: EntityName, _ userName: EntityName) throws -> (Feed, User) {
        guard let feed = try reader.feed(named: feedName) else { throw StoreError.unknownFeed(feedName.value) }
        guard let user = try reader.user(named: userName) else { throw StoreError.unknownUser(userName.value) }
        return (feed, user)
    }

    // MARK: Judgements

    public enum RecordOutcome: Sendable, Equatable {
        /// A statement the indicator did not hold.
        case added
        /// The same observable from the same source again: new label, new valid time, same id.
        case refreshed
    }

    /// Records one judgement as an element of `indicatorID`, giving it the next timestamp label.
    @discardableResult
    public func record(_ judgement: Judgement, in indicatorID: String) throws -> RecordOutcome {
        let label = try nextLabel()
        touchedIndicators.insert(indicatorID)
        let observable = judgement.observable
        let nowMicros = micros(now)
        let provenance: String? = judgement.provenance.isEmpty ? nil : JSONString.object(judgement.provenance)

        var observableID = try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT id FROM observable WHERE type = ? AND value = ?"),
            arguments: [observable.type.rawValue, observable.value]
        )
        var existing: Int64?
        if let id = observableID {
            existing = try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT id FROM judgement WHERE indicator_id = ? AND observable_id = ? AND source = ?"),
                arguments: [indicatorID, id, judgement.source]
            )
        } else {
            try db.cachedStatement(sql: "INSERT INTO observable (type, value, host_key) VALUES (?, ?, ?)")
                .execute(arguments: [observable.type.rawValue, observable.value, LookupHostKey.of(observable)])
            observableID = db.lastInsertedRowID
        }
        let start = micros(judgement.validTime.start)
        let end = judgement.validTime.end.map(micros)
        if let existing {
            try db.cachedStatement(
                sql: """
                    UPDATE judgement SET disposition = ?, confidence = ?, severity = ?, tlp = ?, priority = ?, reason = ?,
                        valid_start = ?, valid_end = ?, provenance = ?, label = ?, modified = ?
                    WHERE id = ?
                    """
            ).execute(arguments: [
                judgement.disposition.rawValue, judgement.confidence.rawValue, judgement.severity.rawValue,
                judgement.tlp.rawValue, judgement.priority, judgement.reason, start, end, provenance,
                label.microseconds, nowMicros, existing,
            ])
            return .refreshed
        }
        try db.cachedStatement(
            sql: """
                INSERT INTO judgement (uuid, indicator_id, observable_id, source, disposition, confidence, severity, tlp,
                    priority, reason, valid_start, valid_end, provenance, label, created, modified)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            EntityID.make("judgement"), indicatorID, observableID, judgement.source, judgement.disposition.rawValue,
            judgement.confidence.rawValue, judgement.severity.rawValue, judgement.tlp.rawValue, judgement.priority,
            judgement.reason, start, end, provenance, label.microseconds, nowMicros, nowMicros,
        ])
        return .added
    }

    /// Deletes the judgements whose valid time ended before `cutoff` (retention), the earlier versions of judgements
    /// written before `cutoff` (TAXII 2.1 history: a judgement re-seen daily would otherwise keep a version a day), and
    /// the observables no judgement refers to any more. Returns how many judgements went.
    @discardableResult
    public func pruneJudgements(endedBefore cutoff: Date) throws -> Int {
        let indicators = try String.fetchAll(
            db, sql: "SELECT DISTINCT indicator_id FROM judgement WHERE valid_end IS NOT NULL AND valid_end < ?", arguments: [micros(cutoff)]
        )
        try db.execute(sql: "DELETE FROM judgement WHERE valid_end IS NOT NULL AND valid_end < ?", arguments: [micros(cutoff)])
        let removed = db.changesCount
        try db.execute(sql: "DELETE FROM judgement_version WHERE modified < ?", arguments: [micros(cutoff)])
        try db.execute(sql: "DELETE FROM observable WHERE id NOT IN (SELECT observable_id FROM judgement)")
        try pruneTally(before: cutoff)
        touchedIndicators.formUnion(indicators)
        return removed
    }

    /// Keeps `judgement_tally` small: readers use its instant rows only for today, so those of days before the
    /// cutoff's eve go, as do rows whose events all cancelled out (deleted judgements).
    func pruneTally(before cutoff: Date) throws {
        let firstKept = (CalendarBucket.day(of: cutoff) - 1) &* CalendarBucket.microsPerDay
        try db.execute(sql: "DELETE FROM judgement_tally WHERE grain = 0 AND at < ?", arguments: [firstKept])
        try db.execute(sql: "DELETE FROM judgement_tally WHERE starts = 0 AND stops = 0 AND ends = 0 AND added = 0")
    }

    func nextLabel() throws -> TimestampLabel {
        if labels == nil {
            let last = try Int64.fetchOne(db, sql: "SELECT value FROM store_state WHERE key = 'last_label'") ?? 0
            labels = LabelAllocator(last: TimestampLabel(microseconds: last))
        }
        return labels!.next(now: now)
    }

    /// Persists the label high-water mark and tells caches which indicators changed.
    func finish() throws {
        if let labels {
            try db.execute(
                sql: "UPDATE store_state SET value = ? WHERE key = 'last_label' AND value < ?",
                arguments: [labels.last.microseconds, labels.last.microseconds]
            )
        }
        for id in touchedIndicators {
            try db.execute(sql: "UPDATE indicator SET revision = revision + 1 WHERE id = ?", arguments: [id])
        }
        touchedIndicators.removeAll()
    }
}

func micros(_ date: Date) -> Int64 { TimestampLabel(date).microseconds }
func date(micros value: Int64) -> Date { TimestampLabel(microseconds: value).date }
