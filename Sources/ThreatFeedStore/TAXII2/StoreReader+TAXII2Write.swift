import Foundation
import GRDB
import ThreatFeedCore

extension StoreReader {
    /// Whether the user's grant on the feed lets it add objects through TAXII 2.1.
    public func canWrite(feed feedID: String, user userID: String) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT can_write FROM feed_grant WHERE feed_id = ? AND user_id = ?", arguments: [feedID, userID]) ?? false
    }

    /// A TAXII 2.1 status resource (its JSON), if it exists and belongs to the user.
    public func taxii2Status(id: String, user userID: String) throws -> String? {
        try String.fetchOne(db, sql: "SELECT body FROM taxii2_status WHERE id = ? AND user_id = ?", arguments: [id, userID])
    }
}

extension StoreWriter {
    /// Keeps a TAXII 2.1 status resource, and drops those older than `keep`.
    public func saveTAXII2Status(id: String, user userID: String, body: String, keep: TimeInterval = 7 * 86_400) throws {
        try db.execute(sql: "DELETE FROM taxii2_status WHERE created < ?", arguments: [micros(now.addingTimeInterval(-keep))])
        try db.execute(
            sql: "INSERT INTO taxii2_status (id, user_id, created, body) VALUES (?, ?, ?, ?)", arguments: [id, userID, micros(now), body])
    }
}
