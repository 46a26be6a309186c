-- Discs and removable media (issue 6): burn jobs made from approved burn requests, the discs of
-- each job's set, and every medium written (disc n of m, copy k, attempt a) with the result of
-- reading it back. Working state only: the record is the ledger (disc.burned feeds the 004 第二十条
-- register). Never edit this file once shipped; add a later migration instead.

CREATE TABLE burn_jobs (
  id             TEXT PRIMARY KEY,                  -- BJ-000123
  number         INTEGER NOT NULL UNIQUE,
  request_id     TEXT NOT NULL REFERENCES requests(id),
  operator       TEXT NOT NULL,
  media          TEXT NOT NULL CHECK (media IN ('cd', 'dvd', 'dvd-dl', 'bd25', 'bd50', 'usb')),
  capacity       INTEGER NOT NULL,                  -- bytes per medium the plan used
  target_kind    TEXT NOT NULL CHECK (target_kind IN ('iso', 'drive', 'dir')),
  target         TEXT NOT NULL,                     -- as given: image path, device, folder
  copies         INTEGER NOT NULL CHECK (copies BETWEEN 1 AND 10),
  set_id         TEXT NOT NULL,
  disc_count     INTEGER NOT NULL CHECK (disc_count >= 1),
  volume_label   TEXT,
  place          TEXT,                              -- 取证地点 as the operator gave it (002 第二十三条)
  remarks        TEXT,
  -- running: a process works on it (owner_pid); waiting_medium: a drive needs the next blank disc
  state          TEXT NOT NULL CHECK (state IN ('running', 'waiting_medium', 'completed', 'failed', 'interrupted', 'cancelled')),
  owner_pid      INTEGER,
  error_code     TEXT,
  error_params   TEXT,
  created_at     TEXT NOT NULL,
  ended_at       TEXT,
  started_seq    INTEGER NOT NULL                   -- ledger entry disc.burn_started
) STRICT;
CREATE INDEX burn_jobs_request ON burn_jobs(request_id);
CREATE INDEX burn_jobs_state ON burn_jobs(state);

-- One disc of the set. Its content is fixed by the plan; the package (manifest, note) is made
-- when it is first staged and kept, so every copy and every retry carries the same manifest.
CREATE TABLE burn_discs (
  job_id           TEXT NOT NULL REFERENCES burn_jobs(id),
  disc_index       INTEGER NOT NULL,
  recordings       TEXT NOT NULL,                   -- JSON array of recording ids, in order
  names            TEXT NOT NULL,                   -- JSON array of the FILES/ names, same order
  bytes            INTEGER NOT NULL,
  volume_id        TEXT NOT NULL,
  package_id       TEXT,
  created_at       TEXT,                            -- the package's createdAt
  manifest_sha256  TEXT,
  note_html        TEXT,                            -- NOTE.html exactly as on the disc
  PRIMARY KEY (job_id, disc_index)
) STRICT;

-- Every medium written: one row per attempt, kept when it fails.
CREATE TABLE burn_media (
  id             INTEGER PRIMARY KEY,
  job_id         TEXT NOT NULL REFERENCES burn_jobs(id),
  disc_index     INTEGER NOT NULL,
  copy           INTEGER NOT NULL,
  attempt        INTEGER NOT NULL,
  state          TEXT NOT NULL CHECK (state IN ('writing', 'verifying', 'verified', 'failed')),
  writer         TEXT NOT NULL,
  location       TEXT NOT NULL,                     -- final image path, device or folder
  media_id       TEXT,
  volume_id      TEXT NOT NULL,
  verification   TEXT,                              -- JSON: md5 and sha256 read-back results
  error_code     TEXT,
  error_params   TEXT,
  started_at     TEXT NOT NULL,
  ended_at       TEXT,
  ledger_seq     INTEGER,                           -- disc.burned
  UNIQUE (job_id, disc_index, copy, attempt)
) STRICT;
CREATE INDEX burn_media_job ON burn_media(job_id);
