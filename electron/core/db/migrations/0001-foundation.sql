-- Foundation: settings, keys, users, the append-only ledger and its checkpoints, vault objects.
-- Never edit this file once shipped; add 0002-… instead.

CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL -- canonical JSON
) STRICT;

-- One row: the station's key material. The master key is wrapped by a key derived from the
-- station passphrase; the Ed25519 signing key is encrypted under the master key.
CREATE TABLE station_keys (
  id                    INTEGER PRIMARY KEY CHECK (id = 1),
  kdf                   TEXT NOT NULL, -- JSON: algorithm, salt, parameters
  wrapped_master_key    BLOB NOT NULL,
  signing_public_key    BLOB NOT NULL,
  wrapped_signing_key   BLOB NOT NULL,
  created_at            TEXT NOT NULL
) STRICT;

CREATE TABLE users (
  id              INTEGER PRIMARY KEY,
  username        TEXT NOT NULL UNIQUE COLLATE NOCASE,
  display_name    TEXT NOT NULL,
  password_hash   TEXT NOT NULL,
  roles           TEXT NOT NULL, -- JSON array of role names
  disabled        INTEGER NOT NULL DEFAULT 0,
  failed_logins   INTEGER NOT NULL DEFAULT 0,
  locked_until    TEXT,
  created_at      TEXT NOT NULL
) STRICT;

CREATE TABLE ledger (
  seq        INTEGER PRIMARY KEY,
  time       TEXT NOT NULL,
  actor      TEXT NOT NULL,
  action     TEXT NOT NULL,
  subject    TEXT NOT NULL,
  details    TEXT NOT NULL, -- canonical JSON
  prev_hash  TEXT NOT NULL,
  leaf_hash  TEXT NOT NULL
) STRICT;
CREATE INDEX ledger_action ON ledger(action);
CREATE INDEX ledger_actor ON ledger(actor);
CREATE INDEX ledger_subject ON ledger(subject);
CREATE INDEX ledger_time ON ledger(time);

-- Append-only: the database itself refuses to rewrite history, whoever holds the file.
CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger
BEGIN SELECT RAISE(ABORT, 'ledger is append-only'); END;
CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger
BEGIN SELECT RAISE(ABORT, 'ledger is append-only'); END;

CREATE TABLE checkpoints (
  size        INTEGER PRIMARY KEY,
  root        TEXT NOT NULL,
  note        TEXT NOT NULL, -- C2SP signed note text
  created_at  TEXT NOT NULL
) STRICT;
CREATE TRIGGER checkpoints_no_update BEFORE UPDATE ON checkpoints
BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;
CREATE TRIGGER checkpoints_no_delete BEFORE DELETE ON checkpoints
BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;

CREATE TABLE vault_objects (
  id            TEXT PRIMARY KEY, -- UUID
  sha256        TEXT NOT NULL,
  size          INTEGER NOT NULL,
  wrapped_key   BLOB,             -- NULL once shredded: the ciphertext is then unreadable forever
  chunk_size    INTEGER NOT NULL,
  created_at    TEXT NOT NULL,
  shredded_at   TEXT
) STRICT;
CREATE INDEX vault_objects_sha256 ON vault_objects(sha256);
