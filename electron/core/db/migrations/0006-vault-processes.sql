-- Issue 10 (helper A): a source file's identity is its raw name bytes, not the text it is shown as.
-- Two names that render alike (the bytes FF FE, and the eight characters "\xff\xfe") used to collide in
-- recordings_source and the second file was reported "already ingested" without being stored.
-- Rows from before this migration get the UTF-8 bytes of their display path: exact for every name that
-- was valid UTF-8; for a name that was not, the \xNN text it was shown as stands in for it.
ALTER TABLE recordings ADD COLUMN source_path_hex TEXT NOT NULL DEFAULT '';
UPDATE recordings SET source_path_hex = lower(hex(source_path)) WHERE source_path_hex = '';
DROP INDEX recordings_source;
CREATE UNIQUE INDEX recordings_source ON recordings(source_key, source_path_hex, source_size, source_mtime_ms);
CREATE TRIGGER recordings_source_path_hex_immutable
BEFORE UPDATE OF source_path_hex ON recordings WHEN OLD.source_path_hex != ''
BEGIN SELECT RAISE(ABORT, 'recording facts are immutable'); END;

-- Issue 10 defect 21: one custodian on duty per station at a time, across every process (the desktop app
-- and any number of `station watch`). The row names who is on duty and the process whose dock took it, so
-- a duty left by a process that died can be taken (ledgered) instead of blocking the station for good.
CREATE TABLE dock_duty (
  station   INTEGER PRIMARY KEY CHECK (station = 1),
  username  TEXT NOT NULL,
  since     TEXT NOT NULL,
  holder    TEXT NOT NULL -- JSON: pid, start time, boot id and host of the process (vault/writeLease.ts)
) STRICT;
