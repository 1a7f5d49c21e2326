import GRDB
import ThreatFeedCore

/// The schema as an ordered list of migrations. Append; never edit a migration that has shipped.
///
/// Times are INTEGER microseconds since the Unix epoch, the same unit as timestamp labels,
/// so that range checks are plain integer comparisons.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-indicators-observables-judgements-feeds") { db in
            try db.execute(
                sql: """
                    CREATE TABLE indicator (
                        id TEXT PRIMARY KEY NOT NULL,
                        name TEXT NOT NULL UNIQUE,
                        title TEXT NOT NULL,
                        description TEXT,
                        created INTEGER NOT NULL,
                        -- bumped by every write to this indicator's judgements: feed view caches key on it
                        revision INTEGER NOT NULL DEFAULT 0
                    ) STRICT;

                    CREATE TABLE observable (
                        id INTEGER PRIMARY KEY,
                        type TEXT NOT NULL,
                        value TEXT NOT NULL,
                        UNIQUE (type, value)
                    ) STRICT;

                    CREATE TABLE judgement (
                        id INTEGER PRIMARY KEY,
                        uuid TEXT NOT NULL,
                        indicator_id TEXT NOT NULL REFERENCES indicator(id) ON DELETE CASCADE,
                        observable_id INTEGER NOT NULL REFERENCES observable(id),
                        source TEXT NOT NULL,
                        disposition INTEGER NOT NULL,
                        confidence TEXT NOT NULL,
                        severity TEXT NOT NULL,
                        tlp TEXT NOT NULL,
                        priority INTEGER NOT NULL,
                        reason TEXT,
                        valid_start INTEGER NOT NULL,
                        valid_end INTEGER,
                        provenance TEXT,
                        label INTEGER NOT NULL,
                        created INTEGER NOT NULL,
                        modified INTEGER NOT NULL,
                        -- one statement per source about an observable in an indicator: re-seeing refreshes it
                        UNIQUE (indicator_id, observable_id, source)
                    ) STRICT;
                    CREATE UNIQUE INDEX judgement_label ON judgement(label);
                    CREATE INDEX judgement_indicator_label ON judgement(indicator_id, label);

                    CREATE TABLE feed (
                        id TEXT PRIMARY KEY NOT NULL,
                        name TEXT NOT NULL UNIQUE,
                        indicator_id TEXT NOT NULL REFERENCES indicator(id),
                        output TEXT NOT NULL,
                        secret TEXT NOT NULL,
                        collection_name TEXT NOT NULL UNIQUE,
                        lifetime_start INTEGER,
                        lifetime_end INTEGER,
                        created INTEGER NOT NULL
                    ) STRICT;

                    -- small named values: the last label handed out survives restarts and clock steps
                    CREATE TABLE store_state (
                        key TEXT PRIMARY KEY NOT NULL,
                        value INTEGER NOT NULL
                    ) STRICT;
                    INSERT INTO store_state (key, value) VALUES ('last_label', 0);
                    """
            )
        }
        migrator.registerMigration("v2-users-grants-taxii-parts") { db in
            try db.execute(
                sql: """
                    -- TAXII pollers' accounts; only bcrypt hashes are kept
                    CREATE TABLE user (
                        id TEXT PRIMARY KEY NOT NULL,
                        name TEXT NOT NULL UNIQUE,
                        password_hash TEXT NOT NULL,
                        created INTEGER NOT NULL
                    ) STRICT;

                    -- which user may poll which feed's collection with Basic credentials
                    CREATE TABLE feed_grant (
                        feed_id TEXT NOT NULL REFERENCES feed(id) ON DELETE CASCADE,
                        user_id TEXT NOT NULL REFERENCES user(id) ON DELETE CASCADE,
                        created INTEGER NOT NULL,
                        PRIMARY KEY (feed_id, user_id)
                    ) STRICT, WITHOUT ROWID;
                    CREATE INDEX feed_grant_user ON feed_grant(user_id);

                    -- blocks per TAXII Poll_Response part; NULL answers in one part
                    ALTER TABLE feed ADD COLUMN max_part_size INTEGER;
                    """
            )
        }
        migrator.registerMigration("v3-client-polls") { db in
            try db.execute(
                sql: """
                    -- the last poll of each feed by each client address ("is my gateway polling?")
                    CREATE TABLE client_poll (
                        feed TEXT NOT NULL,
                        client TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        outcome TEXT NOT NULL,
                        served INTEGER,
                        first_seen INTEGER NOT NULL,
                        last_seen INTEGER NOT NULL,
                        polls INTEGER NOT NULL,
                        failures INTEGER NOT NULL,
                        PRIMARY KEY (feed, client)
                    ) STRICT, WITHOUT ROWID;

                    -- the first requests of each new client, credentials removed
                    CREATE TABLE client_request (
                        id INTEGER PRIMARY KEY,
                        client TEXT NOT NULL,
                        at INTEGER NOT NULL,
                        method TEXT NOT NULL,
                        target TEXT NOT NULL,
                        headers TEXT NOT NULL,
                        body_prefix TEXT NOT NULL
                    ) STRICT;
                    CREATE INDEX client_request_client ON client_request(client, at);
                    """
            )
        }
        migrator.registerMigration("v4-etd-convictions") { db in
            try db.execute(
                sql: """
                    -- each (message, verdict) ETD convicted, processed once; cleared when ETD later
                    -- reclassified the message as not a threat
                    CREATE TABLE etd_conviction (
                        message_id TEXT NOT NULL,
                        verdict TEXT NOT NULL,
                        message_time INTEGER NOT NULL,
                        processed INTEGER NOT NULL,
                        cleared INTEGER,
                        PRIMARY KEY (message_id, verdict)
                    ) STRICT, WITHOUT ROWID;

                    -- which judgements a conviction backs, so clearing one ends only what nothing else backs
                    CREATE TABLE etd_conviction_judgement (
                        message_id TEXT NOT NULL,
                        verdict TEXT NOT NULL,
                        judgement_id INTEGER NOT NULL REFERENCES judgement(id) ON DELETE CASCADE,
                        PRIMARY KEY (message_id, verdict, judgement_id),
                        FOREIGN KEY (message_id, verdict) REFERENCES etd_conviction(message_id, verdict) ON DELETE CASCADE
                    ) STRICT, WITHOUT ROWID;
                    CREATE INDEX etd_conviction_judgement_by_judgement ON etd_conviction_judgement(judgement_id);

                    -- counters (convictions seen, judgements created/refreshed/ended, held back by reason)
                    CREATE TABLE etd_counter (
                        name TEXT PRIMARY KEY NOT NULL,
                        value INTEGER NOT NULL
                    ) STRICT, WITHOUT ROWID;

                    -- the poller's progress: one row
                    CREATE TABLE etd_poll_state (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        last_attempt INTEGER,
                        last_success INTEGER,
                        last_success_window_end INTEGER,
                        consecutive_failures INTEGER NOT NULL DEFAULT 0,
                        last_error TEXT
                    ) STRICT;
                    INSERT INTO etd_poll_state (id) VALUES (1);
                    """
            )
        }
        migrator.registerMigration("v5-conviction-details") { db in
            try db.execute(
                sql: """
                    -- what each convicted message was, written with the conviction, so actions taken
                    -- later (SMA remediation, notifications) need not ask ETD again; JSON columns are arrays
                    CREATE TABLE etd_conviction_detail (
                        message_id TEXT PRIMARY KEY NOT NULL,
                        internet_message_id TEXT,
                        subject TEXT,
                        from_address TEXT,
                        mailboxes TEXT NOT NULL DEFAULT '[]',
                        techniques TEXT NOT NULL DEFAULT '[]',
                        observables TEXT NOT NULL DEFAULT '[]',
                        message_time INTEGER NOT NULL
                    ) STRICT, WITHOUT ROWID;
                    CREATE INDEX etd_conviction_processed ON etd_conviction(processed);
                    """
            )
        }
        migrator.registerMigration("v6-sma-remediation") { db in
            try db.execute(
                sql: """
                    -- one SMA remediation per (message, action); request is the JSON body sent (no secrets:
                    -- the JWT travels in a header), answer_body SMA's answer cut to 4 KiB
                    CREATE TABLE remediation (
                        message_id TEXT NOT NULL,
                        action TEXT NOT NULL,
                        state TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'done', 'failed', 'unconfirmed', 'dry_run')),
                        attempts INTEGER NOT NULL DEFAULT 0,
                        next_attempt INTEGER,
                        created INTEGER NOT NULL,
                        updated INTEGER NOT NULL,
                        request TEXT,
                        answer_status INTEGER,
                        answer_body TEXT,
                        PRIMARY KEY (message_id, action)
                    ) STRICT;
                    CREATE INDEX remediation_due ON remediation(state, next_attempt);

                    -- one row: when remediation was first enabled (only later convictions are queued), last error
                    CREATE TABLE remediation_state (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        enabled_since INTEGER,
                        last_error TEXT,
                        last_error_at INTEGER
                    ) STRICT;
                    INSERT INTO remediation_state (id) VALUES (1);
                    """
            )
        }
        migrator.registerMigration("v7-blocklist-sync") { db in
            try db.execute(
                sql: """
                    -- one row per sender value the gateway blocklist sync manages on a list; the
                    -- administrator's own entries never appear here, so they are never deleted
                    CREATE TABLE blocklist_entry (
                        list TEXT NOT NULL CHECK (list IN ('blocklist', 'safelist')),
                        value TEXT NOT NULL,
                        state TEXT NOT NULL CHECK (state IN ('pending', 'adding', 'present', 'deleting', 'removed')),
                        attempts INTEGER NOT NULL DEFAULT 0,
                        last_status INTEGER,
                        updated INTEGER NOT NULL,
                        PRIMARY KEY (list, value)
                    ) STRICT;

                    -- one row per list: the last run's counts and error (no secrets)
                    CREATE TABLE blocklist_run (
                        list TEXT PRIMARY KEY,
                        finished INTEGER,
                        added INTEGER NOT NULL DEFAULT 0,
                        deleted INTEGER NOT NULL DEFAULT 0,
                        held_back INTEGER NOT NULL DEFAULT 0,
                        deferred INTEGER NOT NULL DEFAULT 0,
                        error TEXT,
                        error_at INTEGER
                    ) STRICT;
                    """
            )
        }
        migrator.registerMigration("v8-notifications") { db in
            try db.execute(
                sql: """
                    -- each conviction the notifier has dealt with: sent (listed in a mail), filtered (did not match),
                    -- dry_run, sending (committed before the SMTP transaction) or unconfirmed (the process died while
                    -- sending: never listed again, so the administrator is not told twice)
                    CREATE TABLE notification (
                        message_id TEXT NOT NULL,
                        verdict TEXT NOT NULL,
                        state TEXT NOT NULL,
                        mail_id TEXT,
                        at INTEGER NOT NULL,
                        PRIMARY KEY (message_id, verdict)
                    ) STRICT, WITHOUT ROWID;

                    -- one row: when notifications were first enabled (only later convictions are reported), last error
                    CREATE TABLE notification_state (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        enabled_since INTEGER,
                        last_sent INTEGER,
                        last_error TEXT,
                        last_error_at INTEGER
                    ) STRICT;
                    INSERT INTO notification_state (id) VALUES (1);
                    """
            )
        }
        migrator.registerMigration("v9-blocklist-gateway") { db in
            try db.execute(
                sql: """
                    -- which appliance API (base URL and prefix, never credentials) the blocklist_entry rows of a list
                    -- describe: pointed at another gateway, the sync starts over there instead of believing the rows
                    CREATE TABLE blocklist_gateway (
                        list TEXT PRIMARY KEY,
                        gateway TEXT NOT NULL
                    ) STRICT;
                    """
            )
        }
        migrator.registerMigration("v10-etd-conviction-values") { db in
            try db.execute(
                sql: """
                    -- the envelope sender: with from_address it tells whether the sender IP was a provider's relay
                    ALTER TABLE etd_conviction_detail ADD COLUMN return_path TEXT;

                    -- every value a conviction carried and the safety policy's decision (held_back NULL: published),
                    -- for `etd held-back` and `etd simulate`; type NULL for a value that is no valid observable.
                    -- ended_live: published first, then ended by a later policy (an allowlist entry added afterwards)
                    CREATE TABLE etd_conviction_value (
                        message_id TEXT NOT NULL,
                        verdict TEXT NOT NULL,
                        position INTEGER NOT NULL,
                        kind TEXT NOT NULL,
                        type TEXT,
                        value TEXT NOT NULL,
                        held_back TEXT,
                        decided INTEGER NOT NULL,
                        ended_live INTEGER NOT NULL DEFAULT 0,
                        PRIMARY KEY (message_id, verdict, position),
                        FOREIGN KEY (message_id, verdict) REFERENCES etd_conviction(message_id, verdict) ON DELETE CASCADE
                    ) STRICT, WITHOUT ROWID;
                    CREATE INDEX etd_conviction_value_held_back ON etd_conviction_value(decided) WHERE held_back IS NOT NULL;
                    CREATE INDEX etd_conviction_value_observable ON etd_conviction_value(type, value);
                    """
            )
        }
        migrator.registerMigration("v11-taxii2") { db in
            try db.execute(
                sql: """
                    -- TAXII 2.1 looks objects up by id (indicator--<judgement uuid>)
                    CREATE INDEX judgement_uuid ON judgement(uuid);

                    -- random keys made once and shared by every server on this database (the TAXII 2.1
                    -- paging cursor is signed with one, so it survives restarts and works behind a load balancer)
                    CREATE TABLE server_key (
                        name TEXT PRIMARY KEY NOT NULL,
                        key BLOB NOT NULL
                    ) STRICT, WITHOUT ROWID;
                    """
            )
        }
        migrator.registerMigration("v12-taxii2-write") { db in
            try db.execute(
                sql: """
                    -- a grant may also let the user add indicators through TAXII 2.1 (POST objects)
                    ALTER TABLE feed_grant ADD COLUMN can_write INTEGER NOT NULL DEFAULT 0;

                    -- TAXII 2.1 status resources of those additions (the JSON answered), kept a week
                    CREATE TABLE taxii2_status (
                        id TEXT PRIMARY KEY NOT NULL,
                        user_id TEXT NOT NULL,
                        created INTEGER NOT NULL,
                        body TEXT NOT NULL
                    ) STRICT;
                    CREATE INDEX taxii2_status_created ON taxii2_status(created);
                    """
            )
        }
        migrator.registerMigration("v13-lookup") { db in
            try db.execute(
                sql: """
                    -- lookups go from an observable to its judgements: without this every lookup scans the judgements
                    CREATE INDEX judgement_observable ON judgement(observable_id);

                    -- what a user may do besides polling its granted feeds (today only 'lookup': POST /lookup)
                    CREATE TABLE user_permission (
                        user_id TEXT NOT NULL REFERENCES user(id) ON DELETE CASCADE,
                        permission TEXT NOT NULL,
                        created INTEGER NOT NULL,
                        PRIMARY KEY (user_id, permission)
                    ) STRICT, WITHOUT ROWID;
                    """
            )
        }
        migrator.registerMigration("v14-taxii2-versions") { db in
            try db.execute(
                sql: """
                    -- the earlier versions of a judgement (TAXII 2.1 versions, match[version]=first|all|<time>):
                    -- the row as it was before each write that moved its label. Its fixed columns (uuid,
                    -- observable, source, created) stay on the judgement; indicator_id is repeated for paging.
                    CREATE TABLE judgement_version (
                        judgement_id INTEGER NOT NULL REFERENCES judgement(id) ON DELETE CASCADE,
                        indicator_id TEXT NOT NULL,
                        disposition INTEGER NOT NULL,
                        confidence TEXT NOT NULL,
                        severity TEXT NOT NULL,
                        tlp TEXT NOT NULL,
                        priority INTEGER NOT NULL,
                        reason TEXT,
                        valid_start INTEGER NOT NULL,
                        valid_end INTEGER,
                        provenance TEXT,
                        label INTEGER NOT NULL,
                        modified INTEGER NOT NULL,
                        PRIMARY KEY (judgement_id, label)
                    ) STRICT, WITHOUT ROWID;
                    CREATE INDEX judgement_version_indicator_label ON judgement_version(indicator_id, label);
                    CREATE INDEX judgement_version_modified ON judgement_version(modified);

                    -- a trigger, not code in each writer: the old version is kept in the same statement (hence
                    -- the same transaction) as the change, whichever writer moves the label, now or later
                    CREATE TRIGGER judgement_keeps_versions AFTER UPDATE OF label ON judgement
                    WHEN OLD.label <> NEW.label
                    BEGIN
                        INSERT INTO judgement_version (judgement_id, indicator_id, disposition, confidence, severity, tlp,
                            priority, reason, valid_start, valid_end, provenance, label, modified)
                        VALUES (OLD.id, OLD.indicator_id, OLD.disposition, OLD.confidence, OLD.severity, OLD.tlp,
                            OLD.priority, OLD.reason, OLD.valid_start, OLD.valid_end, OLD.provenance, OLD.label, OLD.modified);
                    END;
                    """
            )
        }
        migrator.registerMigration("v15-lookup-host-key") { db in
            // A lookup of a domain also reports URLs on it or its subdomains (with user information or not) and its
            // subdomains: one index range search on this key (LookupHostKey) instead of a scan of every observable.
            try db.execute(
                sql: """
                    ALTER TABLE observable ADD COLUMN host_key TEXT;
                    CREATE INDEX observable_host_key ON observable(host_key) WHERE host_key IS NOT NULL;
                    """
            )
            let update = try db.makeStatement(sql: "UPDATE observable SET host_key = ? WHERE id = ?")
            let rows = try Row.fetchAll(db, sql: "SELECT id, type, value FROM observable WHERE type IN ('domain', 'url')")
            for row in rows {
                guard let type = ObservableType(rawValue: row["type"]) else { continue }
                guard let key = LookupHostKey.of(Observable(normalisedType: type, value: row["value"])) else { continue }
                try update.execute(arguments: [key, row["id"] as Int64])
            }
        }
        migrator.registerMigration("v16-admin-pages") { db in
            try db.execute(
                sql: """
                    -- the feed page's "ended per day": judgements whose validity ended, by indicator and end time
                    CREATE INDEX judgement_indicator_end ON judgement(indicator_id, valid_end) WHERE valid_end IS NOT NULL;

                    -- polls per feed, client and hour (hour = microseconds / 3600e6), for the feed page's chart;
                    -- bounded like client_poll (same clients) and pruned with it
                    CREATE TABLE client_poll_hour (
                        feed TEXT NOT NULL,
                        client TEXT NOT NULL,
                        hour INTEGER NOT NULL,
                        polls INTEGER NOT NULL,
                        failures INTEGER NOT NULL,
                        PRIMARY KEY (feed, client, hour)
                    ) STRICT, WITHOUT ROWID;

                    -- the ETD page's remediation queue, newest change first, without sorting the whole table
                    CREATE INDEX remediation_updated ON remediation(updated);

                    -- the ETD page's convictions per day, by when the message was sent (a backfill spreads over its days)
                    CREATE INDEX etd_conviction_message_time ON etd_conviction(message_time);
                    """
            )
        }
        JudgementTallyMigration.register(in: &migrator)
        DeferredImportTallyMigration.register(in: &migrator)
        return migrator
    }
}
