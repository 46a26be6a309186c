-- The replica: every vault object copied, exactly as stored (ciphertext), to an S3 store with
-- Object Lock (issue 12). Never edit this file once shipped; add a later migration instead.

-- The one target store, set by an administrator. The secret access key is wrapped under the vault
-- master key (AES-256-GCM, associated data names the access key id), so a copy of station.db
-- alone does not give anyone the store's credentials.
CREATE TABLE replica_config (
  id               INTEGER PRIMARY KEY CHECK (id = 1),
  endpoint         TEXT NOT NULL,
  bucket           TEXT NOT NULL,
  region           TEXT NOT NULL,
  access_key_id    TEXT NOT NULL,
  secret_wrapped   BLOB NOT NULL,
  part_size        INTEGER NOT NULL,
  bandwidth_limit  INTEGER,        -- bytes per second; NULL = unlimited
  configured_at    TEXT NOT NULL,
  configured_by    TEXT NOT NULL,
  -- The last WORM self-test: 1 only when every case passed; failures is a JSON array of case names.
  worm_ok          INTEGER NOT NULL DEFAULT 0,
  worm_checked_at  TEXT,
  worm_failures    TEXT NOT NULL DEFAULT '[]'
) STRICT;

-- The persistent transfer queue, one row per vault object.
CREATE TABLE replica_queue (
  object_id       TEXT PRIMARY KEY REFERENCES vault_objects(id),
  state           TEXT NOT NULL CHECK (state IN ('queued', 'uploading', 'waiting-retry', 'stored', 'failed')),
  priority        INTEGER NOT NULL DEFAULT 0,
  remote_key      TEXT NOT NULL,
  upload_id       TEXT,
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT,
  reason          TEXT,            -- StationError code of the last failure
  reason_params   TEXT,            -- its params (JSON)
  remote_version  TEXT,
  etag            TEXT,
  retain_until    TEXT,            -- COMPLIANCE retention read back from the store
  legal_hold      INTEGER NOT NULL DEFAULT 0,
  queued_at       TEXT NOT NULL,
  stored_at       TEXT
) STRICT;
CREATE INDEX replica_queue_state ON replica_queue(state, priority DESC, queued_at);

-- The per-part journal of a multipart upload: a part listed by the store is accepted on resume
-- only if its ETag equals the MD5 journaled here (what the station itself sent).
CREATE TABLE replica_parts (
  object_id    TEXT NOT NULL REFERENCES replica_queue(object_id),
  upload_id    TEXT NOT NULL,
  part_number  INTEGER NOT NULL,
  offset       INTEGER NOT NULL,
  length       INTEGER NOT NULL,
  md5          TEXT NOT NULL,
  sha256       TEXT NOT NULL,
  etag         TEXT NOT NULL,
  sent_at      TEXT NOT NULL,
  PRIMARY KEY (object_id, upload_id, part_number)
) STRICT;

-- Encrypted snapshots of this database put on the store (for station restore --from-replica).
CREATE TABLE replica_snapshots (
  id           INTEGER PRIMARY KEY,
  ledger_size  INTEGER NOT NULL,
  remote_key   TEXT NOT NULL,
  version_id   TEXT,
  sha256       TEXT NOT NULL,   -- of the encrypted snapshot as stored
  retain_until TEXT NOT NULL,
  taken_at     TEXT NOT NULL
) STRICT;
