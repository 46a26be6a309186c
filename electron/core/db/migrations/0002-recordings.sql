-- Dock and ingest: the registry of officers and recorders, the recordings catalogue, the written
-- explanations the rules ask for, and the per-file state of every ingest session (for resume).
-- Never edit this file once shipped; add a later migration instead.

-- 执法人员. The badge number (警号) is how recorders name their officer.
CREATE TABLE officers (
  badge        TEXT PRIMARY KEY,
  name         TEXT NOT NULL,
  unit_code    TEXT,
  unit_name    TEXT,
  created_at   TEXT NOT NULL,
  created_by   TEXT NOT NULL
) STRICT;

-- 执法记录设备. serial = 产品序号 (the 7 digits recorders write into their file names) where known.
-- Which USB identities are recorders at all is the recorder catalogue (electron/core/devices/catalogue.ts).
CREATE TABLE recorders (
  serial          TEXT PRIMARY KEY,
  vendor          TEXT,
  model           TEXT,
  usb_vendor_id   INTEGER,
  usb_product_id  INTEGER,
  usb_serial      TEXT,
  volume_label    TEXT,
  officer_badge   TEXT REFERENCES officers(badge),  -- standing assignment, set by a custodian
  -- 'custodian' (registered by hand), 'catalogue' (its USB ids are a catalogue model),
  -- 'vendor' (a vendor unlock reported it), 'accepted_storage' (unknown storage accepted by hand)
  registered_via  TEXT NOT NULL CHECK (registered_via IN ('custodian', 'catalogue', 'vendor', 'accepted_storage')),
  created_at      TEXT NOT NULL,
  created_by      TEXT NOT NULL,
  note            TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE UNIQUE INDEX recorders_usb ON recorders(usb_vendor_id, usb_product_id, usb_serial) WHERE usb_serial IS NOT NULL;

-- One run over one volume or folder. A session left 'running' by a crash is marked
-- 'interrupted' at the next start; its unfinished files are simply done again by the next session.
CREATE TABLE ingest_sessions (
  id              INTEGER PRIMARY KEY,
  source_kind     TEXT NOT NULL CHECK (source_kind IN ('volume', 'folder')),
  -- Stable identity of the source across docks: 'recorder:<serial>', 'volume:<label>', 'folder:<path>'.
  source_key      TEXT NOT NULL,
  root            TEXT NOT NULL,
  device          TEXT,
  fs_type         TEXT,
  label           TEXT,
  recorder_serial TEXT,
  custodian       TEXT NOT NULL,
  owner_pid       INTEGER NOT NULL,  -- the process running it; a dead owner means the session was cut short
  status          TEXT NOT NULL CHECK (status IN ('running', 'completed', 'interrupted', 'stopped')),
  stop_code       TEXT,               -- StationError code that stopped it (io.disk_full, io.device_gone …)
  files_total     INTEGER NOT NULL DEFAULT 0,
  bytes_total     INTEGER NOT NULL DEFAULT 0,
  started_at      TEXT NOT NULL,
  ended_at        TEXT
) STRICT;
CREATE INDEX ingest_sessions_status ON ingest_sessions(status);

-- 音像记录资料 catalogue, classified per 000_f52585dae22cddca.txt 第十条: agency, recorder, officer,
-- case, party, record date, storage date. The case and party columns are filled by the case feature.
CREATE TABLE recordings (
  id                    TEXT PRIMARY KEY,          -- RC-000123
  number                INTEGER NOT NULL UNIQUE,
  object_id             TEXT NOT NULL REFERENCES vault_objects(id),
  sha256                TEXT NOT NULL,
  size                  INTEGER NOT NULL,
  -- Same content as an earlier recording: stored once, linked here (see ingest/README.md).
  duplicate_of          TEXT REFERENCES recordings(id),
  ingest_seq            INTEGER NOT NULL,          -- ledger entry that recorded the ingest
  agency_code           TEXT NOT NULL,
  agency_name           TEXT NOT NULL,
  recorder_serial       TEXT,
  recorder_source       TEXT CHECK (recorder_source IN ('usb', 'vendor', 'name', 'custodian')),
  officer_badge         TEXT,
  officer_source        TEXT CHECK (officer_source IN ('vendor', 'name', 'registry', 'custodian')),
  case_id               TEXT,
  party                 TEXT,
  name_case_number      TEXT,                      -- a case number the file name carried
  recorded_at           TEXT,                      -- UTC ISO; the start of the recording
  recorded_at_source    TEXT CHECK (recorded_at_source IN ('name', 'metadata', 'filesystem')),
  recorded_end_at       TEXT,
  stored_at             TEXT NOT NULL,
  -- All three times, whichever was used (README.md, Architecture: "Recorders and their files").
  name_time             TEXT,
  name_time_raw         TEXT,
  meta_time             TEXT,
  meta_time_source      TEXT,
  fs_time               TEXT,
  name_rule             TEXT NOT NULL,
  name_sequence         INTEGER,
  important             INTEGER NOT NULL CHECK (important IN (0, 1)),
  kind                  TEXT NOT NULL CHECK (kind IN ('video', 'audio', 'photo', 'unknown')),
  format                TEXT NOT NULL,
  duration_seconds      REAL,
  width                 INTEGER,
  height                INTEGER,
  video_codec           TEXT,
  audio_codec           TEXT,
  parse_problem         TEXT,                      -- JSON { reason, detail } when a reader could not parse it
  original_name         TEXT NOT NULL,
  source_kind           TEXT NOT NULL CHECK (source_kind IN ('volume', 'folder')),
  source_key            TEXT NOT NULL,
  source_root           TEXT NOT NULL,
  source_device         TEXT,
  source_path           TEXT NOT NULL,             -- relative to the root; data, never used as a path
  source_size           INTEGER NOT NULL,
  source_mtime_ms       INTEGER NOT NULL,
  session_id            INTEGER NOT NULL REFERENCES ingest_sessions(id),
  ingested_by           TEXT NOT NULL,
  handover_rule         TEXT NOT NULL,             -- JSON of the setting in force at ingest
  handover_deadline     TEXT,
  late                  INTEGER NOT NULL CHECK (late IN (0, 1)),
  interruption          INTEGER NOT NULL DEFAULT 0 CHECK (interruption IN (0, 1)),
  interruption_after    TEXT REFERENCES recordings(id),
  interruption_gap_seconds REAL,
  changed_during_read   INTEGER NOT NULL DEFAULT 0 CHECK (changed_during_read IN (0, 1)),
  source_deleted_at     TEXT
) STRICT;
-- A source file is catalogued once: re-docking the same recorder never duplicates a recording.
CREATE UNIQUE INDEX recordings_source ON recordings(source_key, source_path, source_size, source_mtime_ms);
CREATE INDEX recordings_sha256 ON recordings(sha256);
CREATE INDEX recordings_recorded_at ON recordings(recorded_at);
CREATE INDEX recordings_recorder ON recordings(recorder_serial, recorded_at);
CREATE INDEX recordings_officer ON recordings(officer_badge);

-- What the recorder said and what the station read are facts of custody: they never change
-- (001_463737bbe8e11e75.txt 第二十条, 000_f52585dae22cddca.txt 第三十九条). Officer, case and flags may
-- be completed later, each change ledgered.
CREATE TRIGGER recordings_facts_immutable
BEFORE UPDATE OF id, number, object_id, sha256, size, duplicate_of, ingest_seq, agency_code, recorded_at,
  recorded_at_source, stored_at, name_time, name_time_raw, meta_time, fs_time, name_rule, important, kind,
  original_name, source_key, source_path, source_size, source_mtime_ms, session_id, ingested_by,
  handover_deadline, late ON recordings
BEGIN SELECT RAISE(ABORT, 'recording facts are immutable'); END;

-- 书面说明 for a late hand-over (000 第十一条 …) and 中止记录的说明 for an interruption (000 第九条).
-- Kept for good: a later explanation adds to an earlier one, never replaces it.
CREATE TABLE explanations (
  id            INTEGER PRIMARY KEY,
  recording_id  TEXT NOT NULL REFERENCES recordings(id),
  kind          TEXT NOT NULL CHECK (kind IN ('late_handover', 'interruption')),
  text          TEXT NOT NULL,
  author        TEXT NOT NULL,
  created_at    TEXT NOT NULL,
  ledger_seq    INTEGER NOT NULL
) STRICT;
CREATE INDEX explanations_recording ON explanations(recording_id);
CREATE TRIGGER explanations_no_update BEFORE UPDATE ON explanations
BEGIN SELECT RAISE(ABORT, 'explanations are append-only'); END;
CREATE TRIGGER explanations_no_delete BEFORE DELETE ON explanations
BEGIN SELECT RAISE(ABORT, 'explanations are append-only'); END;

-- Every entry found on a source gets a row and, in the end, a visible outcome: nothing a recorder
-- holds is left behind without a reason (README.md, Architecture).
CREATE TABLE ingest_files (
  session_id    INTEGER NOT NULL REFERENCES ingest_sessions(id),
  seq           INTEGER NOT NULL,                 -- order of processing within the session
  path          TEXT NOT NULL,                    -- relative to the root; data, never used as a path
  entry_type    TEXT NOT NULL CHECK (entry_type IN ('file', 'symlink', 'other', 'directory')),
  size          INTEGER,
  mtime_ms      INTEGER,
  outcome       TEXT NOT NULL CHECK (outcome IN ('pending', 'ingested', 'duplicate', 'already_ingested', 'skipped', 'failed', 'aborted')),
  reason        TEXT,                             -- code for skipped / failed / aborted
  reason_params TEXT,                             -- JSON
  recording_id  TEXT REFERENCES recordings(id),
  updated_at    TEXT NOT NULL,
  PRIMARY KEY (session_id, seq)
) STRICT;
CREATE INDEX ingest_files_recording ON ingest_files(recording_id);
