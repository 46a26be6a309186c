-- Exports in flight (issue 10): where each export writes its hidden .partial folder, so that after
-- a crash the station can remove a half-written copy (plaintext evidence outside the vault that no
-- record knows about) or put a copy whose approval was already consumed in place. Working state
-- only: a row lives while one export runs; the record is the ledger. Never edit this file once
-- shipped; add a later migration instead.

CREATE TABLE export_jobs (
  package_id   TEXT PRIMARY KEY,
  request_id   TEXT NOT NULL REFERENCES requests(id),
  operator     TEXT NOT NULL,
  partial      TEXT NOT NULL,                     -- the hidden folder being written
  destination  TEXT NOT NULL,                     -- where it goes once the approval is consumed
  owner_pid    INTEGER NOT NULL,
  -- writing: approval not consumed yet; committed: export.written is in the ledger, rename pending
  state        TEXT NOT NULL CHECK (state IN ('writing', 'committed')),
  started_at   TEXT NOT NULL
) STRICT;
