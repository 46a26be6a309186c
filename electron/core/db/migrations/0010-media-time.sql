-- Issue 15 (helper F): times the station doubts are said so on the recording, which naming rules
-- matched is recorded, and the recorder's clock drift measured at dock is kept.

-- How "recorded at" was chosen: JSON { code, passedOver: [source…] } (electron/core/ingest/metadata.ts).
ALTER TABLE recordings ADD COLUMN recorded_at_reason TEXT;
-- A time later than its storage by more than the tolerance: JSON [{ source, time, aheadSeconds }].
ALTER TABLE recordings ADD COLUMN time_in_future TEXT;
-- Name / metadata / file-system times further apart than the tolerance: JSON [{ a, b, seconds }].
ALTER TABLE recordings ADD COLUMN time_mismatch TEXT;
-- The hand-over deadline fell in a year the calendar did not cover at ingest. Cleared exactly once,
-- when a calendar edit lets the station judge it (ledgered as recording.deadline_judged).
ALTER TABLE recordings ADD COLUMN deadline_unknown INTEGER NOT NULL DEFAULT 0 CHECK (deadline_unknown IN (0, 1));
-- Every naming rule that matched the name: JSON [{ model, rule }]; '[]' when none did.
ALTER TABLE recordings ADD COLUMN name_rules_matched TEXT;
-- The recorder's clock minus the station's at dock, in seconds, and how it was measured.
ALTER TABLE recordings ADD COLUMN clock_drift_seconds REAL;
ALTER TABLE recordings ADD COLUMN clock_drift_source TEXT;
ALTER TABLE ingest_sessions ADD COLUMN clock_drift_seconds REAL;
ALTER TABLE ingest_sessions ADD COLUMN clock_drift_source TEXT;

-- Rows from before this migration: a null deadline on a working-day rule was a calendar gap.
UPDATE recordings SET deadline_unknown = 1
WHERE handover_deadline IS NULL AND duplicate_of IS NULL AND json_extract(handover_rule, '$.workingDays') IS NOT NULL;

-- The deadline and lateness stay facts of custody, with one exception: an unknown deadline may be
-- judged once, when the calendar year it needs is added. Everything else keeps the 0002 rule.
DROP TRIGGER recordings_facts_immutable;
CREATE TRIGGER recordings_facts_immutable
BEFORE UPDATE OF id, number, object_id, sha256, size, duplicate_of, ingest_seq, agency_code, recorded_at,
  recorded_at_source, stored_at, name_time, name_time_raw, meta_time, fs_time, name_rule, important, kind,
  original_name, source_key, source_path, source_size, source_mtime_ms, session_id, ingested_by,
  recorded_at_reason, time_in_future, time_mismatch, name_rules_matched, clock_drift_seconds, clock_drift_source ON recordings
BEGIN SELECT RAISE(ABORT, 'recording facts are immutable'); END;
CREATE TRIGGER recordings_deadline_judged_once
BEFORE UPDATE OF handover_deadline, late, deadline_unknown ON recordings
WHEN NOT (OLD.deadline_unknown = 1 AND OLD.handover_deadline IS NULL AND NEW.deadline_unknown = 0 AND NEW.handover_deadline IS NOT NULL)
BEGIN SELECT RAISE(ABORT, 'recording facts are immutable'); END;

-- Written explanations of doubtful times (a recorder clock set wrong, a late copy of the name):
-- append-only like the hand-over and interruption explanations of 0002.
CREATE TABLE time_explanations (
  id            INTEGER PRIMARY KEY,
  recording_id  TEXT NOT NULL REFERENCES recordings(id),
  text          TEXT NOT NULL,
  author        TEXT NOT NULL,
  created_at    TEXT NOT NULL,
  ledger_seq    INTEGER NOT NULL
) STRICT;
CREATE INDEX time_explanations_recording ON time_explanations(recording_id);
CREATE TRIGGER time_explanations_no_update BEFORE UPDATE ON time_explanations
BEGIN SELECT RAISE(ABORT, 'explanations are append-only'); END;
CREATE TRIGGER time_explanations_no_delete BEFORE DELETE ON time_explanations
BEGIN SELECT RAISE(ABORT, 'explanations are append-only'); END;
