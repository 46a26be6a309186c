-- Searching the recordings catalogue (issue 14 item 15): by 案号, officer, recorder, recorded and
-- stored dates, custodian, flags and free text over the file name, the explanations and the notes
-- of case links, fast on a catalogue of hundreds of thousands of recordings.
-- Never edit this file once shipped; add a later migration instead.

-- Free text: one FTS5 row per recording (rowid = recordings.number), trigram-tokenized so that any
-- three characters of Chinese or of a file name find it, case-insensitively. It holds a copy of
-- text that is itself kept for good (names are immutable, explanations and link notes are
-- append-only), so it is only ever added to, by the triggers below, never edited by hand.
CREATE VIRTUAL TABLE recording_search USING fts5(name, explanations, notes, tokenize = 'trigram');

INSERT INTO recording_search (rowid, name, explanations, notes)
SELECT r.number,
       r.original_name || ' ' || r.source_path,
       coalesce((SELECT group_concat(text, ' ') FROM (SELECT text FROM explanations e WHERE e.recording_id = r.id
                 UNION ALL SELECT text FROM time_explanations t WHERE t.recording_id = r.id)), ''),
       coalesce((SELECT group_concat(note, ' ') FROM case_links l WHERE l.recording_id = r.id), '')
FROM recordings r;

CREATE TRIGGER recording_search_ingested AFTER INSERT ON recordings
BEGIN
  INSERT INTO recording_search (rowid, name, explanations, notes) VALUES (NEW.number, NEW.original_name || ' ' || NEW.source_path, '', '');
END;
CREATE TRIGGER recording_search_explained AFTER INSERT ON explanations
BEGIN
  UPDATE recording_search SET explanations = explanations || ' ' || NEW.text WHERE rowid = (SELECT number FROM recordings WHERE id = NEW.recording_id);
END;
CREATE TRIGGER recording_search_time_explained AFTER INSERT ON time_explanations
BEGIN
  UPDATE recording_search SET explanations = explanations || ' ' || NEW.text WHERE rowid = (SELECT number FROM recordings WHERE id = NEW.recording_id);
END;
-- An unlinked link keeps its note (migration 0005): so does the search, as history.
CREATE TRIGGER recording_search_linked AFTER INSERT ON case_links
BEGIN
  UPDATE recording_search SET notes = notes || ' ' || NEW.note WHERE rowid = (SELECT number FROM recordings WHERE id = NEW.recording_id);
END;

-- The structured filters, each answered from an index rather than a scan of the catalogue.
CREATE INDEX recordings_stored_at ON recordings(stored_at);
CREATE INDEX recordings_ingested_by ON recordings(ingested_by, stored_at);
CREATE INDEX recordings_officer_recorded ON recordings(officer_badge, recorded_at);
CREATE INDEX case_links_case ON case_links(case_id, recording_id);
