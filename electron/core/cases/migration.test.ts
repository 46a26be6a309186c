// Migration 0005 on its own, in memory: what the triggers promise holds even for SQL that bypasses
// the services (a link's facts, an unlink done once, tombstones and calendar edits kept for good).
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import type { WritableDB } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';

function db(): WritableDB {
  const d = new Database(':memory:') as WritableDB;
  d.pragma('foreign_keys = ON');
  migrate(d);
  d.exec(`
    INSERT INTO vault_objects (id, sha256, size, wrapped_key, chunk_size, created_at) VALUES ('o1', 'h', 1, x'00', 1048576, 't');
    INSERT INTO ingest_sessions (id, source_kind, source_key, root, custodian, owner_pid, status, started_at) VALUES (1, 'folder', 'k', '/r', 'c', 1, 'completed', 't');
    INSERT INTO recordings (id, number, object_id, sha256, size, ingest_seq, agency_code, agency_name, stored_at, name_rule, important, kind, format,
      original_name, source_kind, source_key, source_root, source_path, source_size, source_mtime_ms, session_id, ingested_by, handover_rule, late)
      VALUES ('RC-000001', 1, 'o1', 'h', 1, 1, 'A', 'A', 't', 'r', 0, 'video', 'mp4', 'a.mp4', 'folder', 'k', '/r', 'a.mp4', 1, 1, 1, 'c', '{}', 0);
    INSERT INTO cases (id, number, case_number, title, enforcement_type, party_kind, party_name, file_retention, state, opened_at, created_at, created_by)
      VALUES ('CASE-000001', 1, 'N1', 'T', 'penalty', 'person', 'P', '{"years":30}', 'open', 't', 't', 'c');
    INSERT INTO case_links (case_id, recording_id, note, linked_at, linked_by, link_seq) VALUES ('CASE-000001', 'RC-000001', 'n', 't', 'c', 2);
  `);
  return d;
}

describe('migration 0005', () => {
  it('keeps case links: no delete, facts immutable, unlinked once, one active link per case and recording', () => {
    const d = db();
    expect(() => d.prepare('DELETE FROM case_links').run()).toThrow(/kept for good/);
    expect(() => d.prepare("UPDATE case_links SET note = 'x'").run()).toThrow(/immutable/);
    expect(() => d.prepare("INSERT INTO case_links (case_id, recording_id, note, linked_at, linked_by, link_seq) VALUES ('CASE-000001', 'RC-000001', 'n', 't', 'c', 3)").run()).toThrow(/UNIQUE/);
    d.prepare("UPDATE case_links SET unlinked_at = 't2', unlinked_by = 'c', unlink_reason = 'r', unlink_seq = 4").run();
    expect(() => d.prepare("UPDATE case_links SET unlinked_at = 't3'").run()).toThrow(/unlinked once/);
    // Linked again after the unlink: a new row, the old one stays as history.
    d.prepare("INSERT INTO case_links (case_id, recording_id, note, linked_at, linked_by, link_seq) VALUES ('CASE-000001', 'RC-000001', 'n2', 't4', 'c', 5)").run();
    expect(d.prepare('SELECT COUNT(*) AS n FROM case_links').get()).toEqual({ n: 2 });
  });

  it('tombstones and calendar edits are append-only; a destroyed recording cannot be requested or played', () => {
    const d = db();
    d.exec(`
      INSERT INTO destruction_batches (id, number, state, reason, proposed_by, proposed_at) VALUES ('DB-000001', 1, 'executing', 'r', 'c', 't');
      INSERT INTO destroyed_recordings VALUES ('RC-000001', 'DB-000001', 'o1', 't', 'c', 9);
      INSERT INTO calendar_edits (kind, year, data, reason, edited_by, edited_at, ledger_seq) VALUES ('remove_year', 2024, NULL, 'r', 'a', 't', 10);
      INSERT INTO requests (id, number, kind, purpose, requester, state, required_approvals, created_at, created_seq) VALUES ('RQ-000001', 1, 'view', 'p', 'c', 'requested', 1, 't', 11);
    `);
    expect(() => d.prepare('DELETE FROM destroyed_recordings').run()).toThrow(/append-only/);
    expect(() => d.prepare("UPDATE destroyed_recordings SET destroyed_by = 'x'").run()).toThrow(/append-only/);
    expect(() => d.prepare('DELETE FROM calendar_edits').run()).toThrow(/append-only/);
    expect(() => d.prepare("INSERT INTO request_items VALUES ('RQ-000001', 'RC-000001')").run()).toThrow(/recording destroyed/);
    expect(() => d.prepare("INSERT INTO playback_sessions (token, recording_id, viewer, reason, started_at) VALUES ('tok', 'RC-000001', 'v', 'r', 't')").run()).toThrow(/recording destroyed/);
  });

  it('an extension is permanent exactly when it has no end date', () => {
    const d = db();
    d.exec("INSERT INTO requests (id, number, kind, purpose, requester, state, required_approvals, created_at, created_seq) VALUES ('RQ-000002', 2, 'extend', 'p', 'c', 'requested', 1, 't', 1)");
    expect(() => d.prepare("INSERT INTO retention_extensions (request_id, recording_id, until_date, permanent, state) VALUES ('RQ-000002', 'RC-000001', NULL, 0, 'requested')").run()).toThrow(/CHECK/);
    expect(() => d.prepare("INSERT INTO retention_extensions (request_id, recording_id, until_date, permanent, state) VALUES ('RQ-000002', 'RC-000001', '2030-01-01', 1, 'requested')").run()).toThrow(/CHECK/);
    d.prepare("INSERT INTO retention_extensions (request_id, recording_id, until_date, permanent, state) VALUES ('RQ-000002', 'RC-000001', NULL, 1, 'requested')").run();
  });
});
