-- Case files, retention and destruction, and the administrator's edits of the working-day calendar
-- (electron/core/cases, electron/core/calendar/stationCalendar.ts). Never edit this file once
-- shipped; add a later migration instead. The ledger holds the record of every change here.

-- 案件 / 案卷. `case_number` is the agency's own 案号 as written on the paper file.
CREATE TABLE cases (
  id                TEXT PRIMARY KEY,            -- CASE-000123
  number            INTEGER NOT NULL UNIQUE,
  case_number       TEXT NOT NULL UNIQUE,
  title             TEXT NOT NULL,
  -- 行政处罚 / 行政许可 / 行政强制 / 行政检查 / 行政征收征用
  enforcement_type  TEXT NOT NULL CHECK (enforcement_type IN ('penalty', 'permit', 'coercion', 'inspection', 'expropriation')),
  party_kind        TEXT NOT NULL CHECK (party_kind IN ('person', 'organisation')),
  party_name        TEXT NOT NULL,
  party_id_number   TEXT,                        -- 身份证号 or 统一社会信用代码, when known
  description       TEXT NOT NULL DEFAULT '',
  -- How long the case file (案卷) is kept; evidence footage is kept as long (000 第十二条, 004 第十九条).
  file_retention    TEXT NOT NULL,               -- JSON { years } | { permanent: true }
  state             TEXT NOT NULL CHECK (state IN ('open', 'closed', 'archived')),
  opened_at         TEXT NOT NULL,               -- UTC ISO
  created_at        TEXT NOT NULL,
  created_by        TEXT NOT NULL,
  closed_at         TEXT,                        -- 执法行为终结: the archive deadline runs from here
  closed_by         TEXT,
  close_note        TEXT,
  archive_rule      TEXT,                        -- JSON DeadlineSpec in force when the case closed
  archived_at       TEXT,                        -- 立卷归档; the case file's retention runs from here
  archived_by       TEXT,
  archive_note      TEXT
) STRICT;
CREATE INDEX cases_state ON cases(state);

-- 执法人员 of a case (registered officers, by 警号).
CREATE TABLE case_officers (
  case_id     TEXT NOT NULL REFERENCES cases(id),
  badge       TEXT NOT NULL REFERENCES officers(badge),
  role        TEXT NOT NULL CHECK (role IN ('lead', 'assist')),
  added_at    TEXT NOT NULL,
  added_by    TEXT NOT NULL,
  PRIMARY KEY (case_id, badge)
) STRICT;

-- Recordings used as evidence (作为证据使用), with the written note of 002 第二十三条. Unlinking
-- never deletes: the row keeps who unlinked it, when and why, so the history stays visible.
CREATE TABLE case_links (
  id             INTEGER PRIMARY KEY,
  case_id        TEXT NOT NULL REFERENCES cases(id),
  recording_id   TEXT NOT NULL REFERENCES recordings(id),
  note           TEXT NOT NULL,
  linked_at      TEXT NOT NULL,
  linked_by      TEXT NOT NULL,
  link_seq       INTEGER NOT NULL,
  unlinked_at    TEXT,
  unlinked_by    TEXT,
  unlink_reason  TEXT,
  unlink_seq     INTEGER
) STRICT;
CREATE UNIQUE INDEX case_links_active ON case_links(case_id, recording_id) WHERE unlinked_at IS NULL;
CREATE INDEX case_links_recording ON case_links(recording_id);
CREATE TRIGGER case_links_no_delete BEFORE DELETE ON case_links
BEGIN SELECT RAISE(ABORT, 'case links are kept for good'); END;
CREATE TRIGGER case_links_facts_immutable
BEFORE UPDATE OF id, case_id, recording_id, note, linked_at, linked_by, link_seq ON case_links
BEGIN SELECT RAISE(ABORT, 'case link facts are immutable'); END;
CREATE TRIGGER case_links_unlink_once BEFORE UPDATE OF unlinked_at ON case_links
WHEN OLD.unlinked_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a case link is unlinked once'); END;

-- Per-agency retention categories (e.g. 重大案件 kept permanently). The rules' figures come as
-- presets (calendar/presets.ts RETENTION_PRESETS); the agency's choice lives here.
CREATE TABLE retention_categories (
  code        TEXT PRIMARY KEY,
  name_zh     TEXT NOT NULL,
  name_en     TEXT NOT NULL,
  period      TEXT NOT NULL,                     -- JSON { years } | { permanent: true }
  citation    TEXT NOT NULL DEFAULT '',
  created_at  TEXT NOT NULL,
  created_by  TEXT NOT NULL,
  retired_at  TEXT                               -- a retired category takes no new recordings
) STRICT;

CREATE TABLE recording_retention (
  recording_id  TEXT PRIMARY KEY REFERENCES recordings(id),
  category      TEXT NOT NULL REFERENCES retention_categories(code),
  set_by        TEXT NOT NULL,
  set_at        TEXT NOT NULL,
  note          TEXT NOT NULL DEFAULT ''
) STRICT;

-- Legal holds (诉讼/复议 保全): nothing under a hold is destroyed, whatever its dates say.
CREATE TABLE retention_holds (
  id              TEXT PRIMARY KEY,              -- HOLD-000123
  number          INTEGER NOT NULL UNIQUE,
  scope           TEXT NOT NULL CHECK (scope IN ('recording', 'case')),
  target          TEXT NOT NULL,                 -- a recording id or a case id
  reason          TEXT NOT NULL,
  placed_by       TEXT NOT NULL,
  placed_at       TEXT NOT NULL,
  released_by     TEXT,
  released_at     TEXT,
  release_reason  TEXT
) STRICT;
CREATE INDEX retention_holds_target ON retention_holds(scope, target) WHERE released_at IS NULL;
CREATE TRIGGER retention_holds_no_delete BEFORE DELETE ON retention_holds
BEGIN SELECT RAISE(ABORT, 'holds are kept for good'); END;

-- 长期保存 beyond the retention period: the terms an 'extend' request asks for. They count only
-- once the request was approved and the extension applied (004 第十九条 "延长保存期限须经批准").
CREATE TABLE retention_extensions (
  request_id    TEXT NOT NULL REFERENCES requests(id),
  recording_id  TEXT NOT NULL REFERENCES recordings(id),
  until_date    TEXT,                            -- local 'YYYY-MM-DD'; NULL with permanent = 1
  permanent     INTEGER NOT NULL CHECK (permanent IN (0, 1)),
  state         TEXT NOT NULL CHECK (state IN ('requested', 'applied')),
  applied_at    TEXT,
  applied_by    TEXT,
  PRIMARY KEY (request_id, recording_id),
  CHECK ((permanent = 1) = (until_date IS NULL))
) STRICT;
CREATE INDEX retention_extensions_recording ON retention_extensions(recording_id);

-- 集中销毁: a batch proposed by a custodian, decided by an approver, executed by a custodian.
CREATE TABLE destruction_batches (
  id              TEXT PRIMARY KEY,              -- DB-000123
  number          INTEGER NOT NULL UNIQUE,
  state           TEXT NOT NULL CHECK (state IN ('proposed', 'approved', 'denied', 'cancelled', 'executing', 'executed')),
  reason          TEXT NOT NULL,
  proposed_by     TEXT NOT NULL,
  proposed_at     TEXT NOT NULL,
  decided_by      TEXT,
  decided_at      TEXT,
  decision_note   TEXT,
  executed_by     TEXT,
  started_at      TEXT,
  executed_at     TEXT,
  cancelled_by    TEXT,
  cancelled_at    TEXT,
  certificate     TEXT,                          -- canonical JSON of the destruction certificate
  certificate_sha256 TEXT,
  certificate_note TEXT                          -- C2SP signed note over the certificate's hash
) STRICT;
CREATE INDEX destruction_batches_state ON destruction_batches(state);

CREATE TABLE destruction_items (
  batch_id         TEXT NOT NULL REFERENCES destruction_batches(id),
  recording_id     TEXT NOT NULL REFERENCES recordings(id),
  retention_until  TEXT NOT NULL,                -- as computed when proposed
  decided_by_rule  TEXT NOT NULL,                -- JSON of the rule that set it
  PRIMARY KEY (batch_id, recording_id)
) STRICT;
CREATE INDEX destruction_items_recording ON destruction_items(recording_id);

-- The tombstone: the catalogue row in `recordings` stays (its facts are immutable, migration 0002);
-- this row says it was destroyed, by which batch, and whether its vault object was shredded
-- (an object shared with a surviving duplicate is kept until the last recording using it goes).
CREATE TABLE destroyed_recordings (
  recording_id    TEXT PRIMARY KEY REFERENCES recordings(id),
  batch_id        TEXT NOT NULL REFERENCES destruction_batches(id),
  object_id       TEXT NOT NULL,
  destroyed_at    TEXT NOT NULL,
  destroyed_by    TEXT NOT NULL,
  ledger_seq      INTEGER NOT NULL
) STRICT;
CREATE TRIGGER destroyed_recordings_no_update BEFORE UPDATE ON destroyed_recordings
BEGIN SELECT RAISE(ABORT, 'destruction records are append-only'); END;
CREATE TRIGGER destroyed_recordings_no_delete BEFORE DELETE ON destroyed_recordings
BEGIN SELECT RAISE(ABORT, 'destruction records are append-only'); END;

-- A destroyed recording is not requested, viewed or linked again. The services refuse first with a
-- translated error; these are the last line for any code path that forgets to ask.
CREATE TRIGGER request_items_not_destroyed BEFORE INSERT ON request_items
WHEN EXISTS (SELECT 1 FROM destroyed_recordings d WHERE d.recording_id = NEW.recording_id)
BEGIN SELECT RAISE(ABORT, 'recording destroyed'); END;
CREATE TRIGGER playback_not_destroyed BEFORE INSERT ON playback_sessions
WHEN EXISTS (SELECT 1 FROM destroyed_recordings d WHERE d.recording_id = NEW.recording_id)
BEGIN SELECT RAISE(ABORT, 'recording destroyed'); END;

-- The administrator's edits of the working-day calendar, replayed in order over the shipped
-- resources/calendars files. Append-only: the ledger holds each edit's before and after too.
CREATE TABLE calendar_edits (
  id          INTEGER PRIMARY KEY,
  kind        TEXT NOT NULL CHECK (kind IN ('put_year', 'remove_year')),
  year        INTEGER NOT NULL,
  data        TEXT,                              -- JSON CalendarYear for put_year
  reason      TEXT NOT NULL,
  edited_by   TEXT NOT NULL,
  edited_at   TEXT NOT NULL,
  ledger_seq  INTEGER NOT NULL
) STRICT;
CREATE TRIGGER calendar_edits_no_update BEFORE UPDATE ON calendar_edits
BEGIN SELECT RAISE(ABORT, 'calendar edits are append-only'); END;
CREATE TRIGGER calendar_edits_no_delete BEFORE DELETE ON calendar_edits
BEGIN SELECT RAISE(ABORT, 'calendar edits are append-only'); END;
