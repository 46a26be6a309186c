-- At the scale of a real evidence room (issue 16, target 6: a million recordings, ten million ledger entries) every
-- screen's query is answered from an index in the order the screen shows, and no count walks the whole table.
-- Never edit this file once shipped; add a later migration instead.

-- The recordings list is ordered by (recorded_at, number), newest first: with both in the index a page is read off it,
-- and an OFFSET skips index entries instead of sorting (and building) every earlier row.
CREATE INDEX recordings_list_order ON recordings(recorded_at, number);
DROP INDEX recordings_recorded_at;
-- The same order within one officer, and within each flag the list filters by.
CREATE INDEX recordings_officer_order ON recordings(officer_badge, recorded_at, number);
DROP INDEX recordings_officer_recorded;
DROP INDEX recordings_officer;
CREATE INDEX recordings_late_order ON recordings(late, recorded_at, number);
CREATE INDEX recordings_important_order ON recordings(important, recorded_at, number);
CREATE INDEX recordings_interruption_order ON recordings(interruption, recorded_at, number);
-- "Needs an explanation" is only ever a late or interrupted recording (catalogue.ts recordingWhere says so in its
-- query, word for word, so SQLite can use this partial index).
CREATE INDEX recordings_attention_order ON recordings(recorded_at, number) WHERE late = 1 OR interruption = 1;

-- The ledger's entry counts by actor and action, kept by the database itself as entries are appended (the ledger is
-- append-only, so a count only ever grows). A ledger page's total is read here instead of counting millions of rows;
-- a filter by subject or time still counts the rows themselves.
CREATE TABLE ledger_counts (
  actor   TEXT NOT NULL,
  action  TEXT NOT NULL,
  n       INTEGER NOT NULL,
  PRIMARY KEY (actor, action)
) STRICT, WITHOUT ROWID;
INSERT INTO ledger_counts (actor, action, n) SELECT actor, action, COUNT(*) FROM ledger GROUP BY actor, action;
CREATE TRIGGER ledger_counted AFTER INSERT ON ledger
BEGIN
  INSERT INTO ledger_counts (actor, action, n) VALUES (NEW.actor, NEW.action, 1)
  ON CONFLICT (actor, action) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER ledger_counts_no_delete BEFORE DELETE ON ledger_counts
BEGIN SELECT RAISE(ABORT, 'ledger counts follow the ledger'); END;

-- The register (viewings and copies in a month) and every action-and-period filter: by action, then time.
CREATE INDEX ledger_action_time ON ledger(action, time);
DROP INDEX ledger_action;

-- A recording's detail names its later copies (duplicate_of): found by index, not by a scan of the catalogue.
CREATE INDEX recordings_duplicate_of ON recordings(duplicate_of, number) WHERE duplicate_of IS NOT NULL;
