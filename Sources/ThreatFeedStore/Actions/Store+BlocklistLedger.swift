import Foundation
import GRDB
import ThreatFeedCore

/// The gateway blocklist sync's state in SQLite (migration v7-blocklist-sync).
extension Store: BlocklistLedger {
    public func liveSenderValues(indicator: String, at time: Date) async throws -> Set<String>? {
        try await read { reader in
            guard let name = try? EntityName(indicator), let found = try reader.indicator(named: name) else { return nil }
            var values = Set<String>()
            try reader.forEachLiveObservable(ofIndicator: found.id, at: time) { observable in
                // Sender values only: the gateway's lists match sender domains and addresses, not URLs or hashes.
                switch observable.type {
                case .domain, .ip, .ipv6: values.insert(observable.value)
                default: break
                }
            }
            return values
        }
    }

    public func blocklistEntries(list: BlocklistKind) async throws -> [BlocklistEntry] {
        try await read { reader in
            try Row.fetchAll(
                reader.db, sql: "SELECT value, state, attempts, last_status FROM blocklist_entry WHERE list = ? ORDER BY value",
                arguments: [list.rawValue]
            ).compactMap { row in
                BlocklistEntryState(rawValue: row["state"]).map {
                    BlocklistEntry(value: row["value"], state: $0, attempts: row["attempts"], lastStatus: row["last_status"])
                }
            }
        }
    }

    public func setBlocklistEntry(list: BlocklistKind, value: String, state: BlocklistEntryState, status: Int?, at time: Date) async throws {
        let attempt = state == .adding || state == .deleting ? 1 : 0
        try await write { writer in
            try writer.db.execute(
                sql: """
                    INSERT INTO blocklist_entry (list, value, state, attempts, last_status, updated) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (list, value) DO UPDATE SET state = excluded.state, attempts = attempts + excluded.attempts,
                        last_status = coalesce(excluded.last_status, last_status), updated = excluded.updated
                    """,
                arguments: [list.rawValue, value, state.rawValue, attempt, status, micros(time)]
            )
        }
    }

    public func markBlocklistPending(list: BlocklistKind, values: [String], at time: Date) async throws {
        guard !values.isEmpty else { return }
        try await write { writer in
            for value in values {
                try writer.db.execute(
                    sql: """
                        INSERT INTO blocklist_entry (list, value, state, attempts, updated) VALUES (?, ?, 'pending', 0, ?)
                        ON CONFLICT (list, value) DO UPDATE SET state = 'pending', updated = excluded.updated WHERE state = 'removed'
                        """,
                    arguments: [list.rawValue, value, micros(time)]
                )
            }
        }
    }

    public func recordBlocklistRun(list: BlocklistKind, _ record: BlocklistRunRecord) async throws {
        try await write { writer in
            try writer.db.execute(
                sql: """
                    INSERT OR REPLACE INTO blocklist_run (list, finished, added, deleted, held_back, deferred, error, error_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    list.rawValue, record.finished.map(micros), record.added, record.deleted, record.heldBack, record.deferred, record.error,
                    record.errorAt.map(micros),
                ]
            )
        }
    }

    public func blocklistGateway(list: BlocklistKind) async throws -> String? {
        try await read { reader in try reader.blocklistGateway(list: list) }
    }

    public func recordBlocklistGateway(list: BlocklistKind, gateway: String, forgettingRows: Bool) async throws -> Int {
        try await write { writer in
            var onList = 0
            if forgettingRows {
                onList = try Int.fetchOne(
                    writer.db, sql: "SELECT count(*) FROM blocklist_entry WHERE list = ? AND state IN ('adding', 'present', 'deleting')",
                    arguments: [list.rawValue]
                ) ?? 0
                try writer.db.execute(sql: "DELETE FROM blocklist_entry WHERE list = ?", arguments: [list.rawValue])
            }
            try writer.db.execute(
                sql: "INSERT INTO blocklist_gateway (list, gateway) VALUES (?, ?) ON CONFLICT (list) DO UPDATE SET gateway = excluded.gateway",
                arguments: [list.rawValue, gateway]
            )
            return onList
        }
    }

    public func lastBlocklistRun(list: BlocklistKind) async throws -> BlocklistRunRecord {
        try await read { reader in try reader.lastBlocklistRun(list: list) }
    }
}

extension StoreReader {
    func lastBlocklistRun(list: BlocklistKind) throws -> BlocklistRunRecord {
        var record = BlocklistRunRecord()
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM blocklist_run WHERE list = ?", arguments: [list.rawValue]) else {
            return record
        }
        record.finished = (row["finished"] as Int64?).map { date(micros: $0) }
        record.added = row["added"]
        record.deleted = row["deleted"]
        record.heldBack = row["held_back"]
        record.deferred = row["deferred"]
        record.error = row["error"]
        record.errorAt = (row["error_at"] as Int64?).map { date(micros: $0) }
        return record
    }

    func blocklistGateway(list: BlocklistKind) throws -> String? {
        try String.fetchOne(db, sql: "SELECT gateway FROM blocklist_gateway WHERE list = ?", arguments: [list.rawValue])
    }

    /// The sync's entries by state and its last run, for `/health/etd` and `blocklist status`.
    public func blocklistStatus(list: BlocklistKind) throws -> BlocklistStatus {
        var counts: [BlocklistEntryState: Int] = [:]
        let rows = try Row.fetchAll(db, sql: "SELECT state, count(*) AS n FROM blocklist_entry WHERE list = ? GROUP BY state", arguments: [list.rawValue])
        for row in rows {
            if let state = BlocklistEntryState(rawValue: row["state"]) { counts[state] = row["n"] }
        }
        return BlocklistStatus(list: list, gateway: try blocklistGateway(list: list), counts: counts, lastRun: try lastBlocklistRun(list: list))
    }
}
