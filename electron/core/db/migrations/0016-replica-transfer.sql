-- Replica transfer settings and throughput (issue 12, second step). Never edit this file once
-- shipped; add a later migration instead.

-- How many parts of one upload are in flight at once (the store answers each part's Content-MD5
-- on its own, so parts are independent until Complete).
ALTER TABLE replica_config ADD COLUMN parallel_parts INTEGER NOT NULL DEFAULT 2;
-- The off-peak window in the agency's time zone ('HH:MM'); both NULL = any time. A window whose
-- end is before its start runs over midnight (22:00–06:00).
ALTER TABLE replica_config ADD COLUMN window_start TEXT;
ALTER TABLE replica_config ADD COLUMN window_end TEXT;
-- With clearing of docked recorders on (ingest.clearRecorderAfterIngest), a file leaves the
-- recorder only once its vault object is also stored and locked on the replica.
ALTER TABLE replica_config ADD COLUMN clear_after_replication INTEGER NOT NULL DEFAULT 0;

-- Each part sent: when it finished, its bytes and how long it took. Read for the Replication
-- screen's throughput and ETA; rows older than a day are dropped as new ones come.
CREATE TABLE replica_sent (
  id       INTEGER PRIMARY KEY,
  at       TEXT NOT NULL,
  bytes    INTEGER NOT NULL,
  seconds  REAL NOT NULL
) STRICT;
CREATE INDEX replica_sent_at ON replica_sent(at);
