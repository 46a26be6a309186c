-- Access requests and approvals (000 第三十七条, 002 第二十四条, 004 第二十条): footage is viewed
-- or copied only with an approver's decision. These tables are the working state; the ledger
-- holds the record (the register is derived from the ledger, never kept separately).

CREATE TABLE requests (
  id                  TEXT PRIMARY KEY,          -- human-readable: RQ-000123
  number              INTEGER NOT NULL UNIQUE,
  kind                TEXT NOT NULL CHECK (kind IN ('view', 'copy', 'burn', 'extend')),  -- extend: 长期保存 beyond the retention period
  purpose             TEXT NOT NULL,             -- 事由
  requester           TEXT NOT NULL,
  case_id             TEXT,
  state               TEXT NOT NULL CHECK (state IN ('requested', 'approved', 'denied', 'fulfilled', 'expired', 'withdrawn')),
  required_approvals  INTEGER NOT NULL CHECK (required_approvals BETWEEN 1 AND 2),
  created_at          TEXT NOT NULL,
  created_seq         INTEGER NOT NULL,
  approved_at         TEXT,
  expires_at          TEXT,
  closed_at           TEXT,
  deny_reason         TEXT
) STRICT;
CREATE INDEX requests_state ON requests(state);
CREATE INDEX requests_requester ON requests(requester);

CREATE TABLE request_items (
  request_id    TEXT NOT NULL REFERENCES requests(id),
  recording_id  TEXT NOT NULL,
  PRIMARY KEY (request_id, recording_id)
) STRICT;
CREATE INDEX request_items_recording ON request_items(recording_id);

CREATE TABLE request_decisions (
  request_id  TEXT NOT NULL REFERENCES requests(id),
  approver    TEXT NOT NULL,
  decision    TEXT NOT NULL CHECK (decision IN ('approved', 'denied')),
  reason      TEXT NOT NULL DEFAULT '',
  at          TEXT NOT NULL,
  ledger_seq  INTEGER NOT NULL,
  PRIMARY KEY (request_id, approver)
) STRICT;

-- 涉密 / 商业秘密 / 个人隐私 (002 第二十五条): such recordings need a second approver.
CREATE TABLE recording_classifications (
  recording_id    TEXT PRIMARY KEY,
  classification  TEXT NOT NULL CHECK (classification IN ('state_secret', 'trade_secret', 'privacy')),
  set_by          TEXT NOT NULL,
  set_at          TEXT NOT NULL,
  note            TEXT NOT NULL DEFAULT ''
) STRICT;

-- Open playback sessions: a token names one viewer, one recording, one approval (or an
-- auditor's spot-check reason). Start and stop are ledgered.
CREATE TABLE playback_sessions (
  token         TEXT PRIMARY KEY,
  recording_id  TEXT NOT NULL,
  viewer        TEXT NOT NULL,
  request_id    TEXT,
  reason        TEXT NOT NULL,
  started_at    TEXT NOT NULL,
  ended_at      TEXT
) STRICT;
