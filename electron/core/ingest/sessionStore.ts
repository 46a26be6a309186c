// The ingest feature's own tables: ingest_sessions (one per source read) and ingest_files (one per
// entry of the source, with its final outcome). Every statement on them is here.
import type { Statement } from 'better-sqlite3';
import { StationError, type ErrorParams } from '../errors.ts';
import type { Clock } from '../clock.ts';
import type { ReadableDB, WritableDB } from '../db/database.ts';
import type { Recordings } from '../recordings/recordings.ts';
import type { ScannedEntry, EntryType } from './scan.ts';
import type { ClockDrift } from './clockDrift.ts';
import { driftBeyondTolerance } from './clockDrift.ts';
import type { FileOutcome, FileResult, IngestSourceSpec, SessionStatus, SessionSummary } from './types.ts';

type SessionRow = {
  id: number;
  source_kind: 'volume' | 'folder';
  source_key: string;
  root: string;
  device: string | null;
  fs_type: string | null;
  label: string | null;
  recorder_serial: string | null;
  custodian: string;
  owner_pid: number;
  status: SessionStatus;
  stop_code: string | null;
  files_total: number;
  bytes_total: number;
  started_at: string;
  ended_at: string | null;
  clock_drift_seconds: number | null;
  clock_drift_source: string | null;
};

type FileRow = {
  session_id: number;
  seq: number;
  path: string;
  entry_type: EntryType;
  size: number | null;
  mtime_ms: number | null;
  outcome: FileOutcome | 'pending';
  reason: string | null;
  reason_params: string | null;
  recording_id: string | null;
};

const EMPTY_COUNTS = (): SessionSummary['counts'] => ({ pending: 0, ingested: 0, duplicate: 0, already_ingested: 0, skipped: 0, failed: 0, aborted: 0 });

export type SessionStoreDeps = {
  db: WritableDB;
  clock: Clock;
  recordings: Pick<Recordings, 'find' | 'flagCounts'>;
  /** Setting recorder.clockDriftToleranceSeconds. */
  driftTolerance: () => number;
};

export class SessionStore {
  private readonly deps: SessionStoreDeps;
  constructor(deps: SessionStoreDeps) {
    this.deps = deps;
  }

  now(): string {
    return this.deps.clock.now().toISOString();
  }

  // Preparing a statement costs more than running it; an ingest of 10,000 files runs each many times.
  private readonly statements = new Map<string, Statement>();
  private q(sql: string): Statement {
    let st = this.statements.get(sql);
    if (!st) {
      st = this.deps.db.prepare(sql);
      this.statements.set(sql, st);
    }
    return st;
  }

  // ---- writing (each must run inside Station.write, with its ledger entry where there is one)

  createSession(source: IngestSourceSpec, custodian: string, filesTotal: number, bytesTotal: number, clockDrift: ClockDrift | null): number {
    const info = this.q(
      `INSERT INTO ingest_sessions (source_kind, source_key, root, device, fs_type, label, recorder_serial, custodian, owner_pid, status, files_total, bytes_total, started_at,
         clock_drift_seconds, clock_drift_source)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?, ?, ?, ?)`,
    ).run(
      source.kind,
      source.sourceKey,
      source.root,
      source.device,
      source.fsType,
      source.label,
      source.recorder?.serial ?? null,
      custodian,
      process.pid,
      filesTotal,
      bytesTotal,
      this.now(),
      clockDrift?.seconds ?? null,
      clockDrift?.source ?? null,
    );
    return Number(info.lastInsertRowid);
  }

  /** One entry of the source, pending or (a file this source already gave) settled at once. */
  addFile(sessionId: number, seq: number, entry: ScannedEntry, alreadyIngested: string | null, at: string): void {
    this.q('INSERT INTO ingest_files (session_id, seq, path, entry_type, size, mtime_ms, outcome, recording_id, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
      sessionId,
      seq,
      entry.path,
      entry.type,
      entry.size,
      entry.mtimeMs,
      alreadyIngested ? 'already_ingested' : 'pending',
      alreadyIngested,
      at,
    );
  }

  setOutcome(sessionId: number, seq: number, outcome: FileOutcome, reason: string | null, params: ErrorParams | null, recordingId: string | null): void {
    this.q('UPDATE ingest_files SET outcome = ?, reason = ?, reason_params = ?, recording_id = ?, updated_at = ? WHERE session_id = ? AND seq = ?').run(
      outcome,
      reason,
      params ? JSON.stringify(params) : null,
      recordingId,
      this.now(),
      sessionId,
      seq,
    );
  }

  /** The file is in the catalogue: as a new recording (ingested, duplicate) or one it already had. */
  setCatalogued(sessionId: number, seq: number, outcome: 'ingested' | 'duplicate' | 'already_ingested', recordingId: string, at: string): void {
    if (outcome === 'already_ingested') {
      this.q("UPDATE ingest_files SET outcome = 'already_ingested', recording_id = ?, updated_at = ? WHERE session_id = ? AND seq = ?").run(recordingId, at, sessionId, seq);
    } else {
      this.q('UPDATE ingest_files SET outcome = ?, reason = NULL, reason_params = NULL, recording_id = ?, updated_at = ? WHERE session_id = ? AND seq = ?').run(outcome, recordingId, at, sessionId, seq);
    }
  }

  end(sessionId: number, status: SessionStatus, stopCode: string | null): void {
    this.q('UPDATE ingest_sessions SET status = ?, stop_code = ?, ended_at = ? WHERE id = ?').run(status, stopCode, this.now(), sessionId);
  }

  /** Sessions whose row still says running, with the process that ran them. */
  running(): { id: number; ownerPid: number }[] {
    return (this.q("SELECT id, owner_pid FROM ingest_sessions WHERE status = 'running'").all() as { id: number; owner_pid: number }[]).map((r) => ({ id: r.id, ownerPid: r.owner_pid }));
  }

  /** Closes a session whose process is gone; returns how many of its files were never reached. */
  interrupt(sessionId: number, code: string): number {
    this.q("UPDATE ingest_sessions SET status = 'interrupted', stop_code = ?, ended_at = ? WHERE id = ?").run(code, this.now(), sessionId);
    return (this.q("SELECT COUNT(*) AS n FROM ingest_files WHERE session_id = ? AND outcome = 'pending'").get(sessionId) as { n: number }).n;
  }

  // ---- reading sessions back

  files(sessionId: number, options: { offset?: number; limit?: number; outcome?: FileOutcome | 'pending' } = {}): FileResult[] {
    const where = options.outcome ? 'AND f.outcome = ?' : '';
    const args: unknown[] = [sessionId];
    if (options.outcome) args.push(options.outcome);
    const rows = this.deps.db
      .prepare(`SELECT f.* FROM ingest_files f WHERE f.session_id = ? ${where} ORDER BY f.seq LIMIT ? OFFSET ?`)
      .all(...args, options.limit ?? 1_000_000, options.offset ?? 0) as FileRow[];
    return rows.map((r) => this.toResult(r));
  }

  result(sessionId: number, seq: number): FileResult {
    const row = this.q('SELECT * FROM ingest_files WHERE session_id = ? AND seq = ?').get(sessionId, seq) as FileRow;
    return this.toResult(row);
  }

  private toResult(r: FileRow): FileResult {
    const flags = r.recording_id && (r.outcome === 'ingested' || r.outcome === 'duplicate') ? (this.deps.recordings.find(r.recording_id)?.flags ?? []) : [];
    return {
      sessionId: r.session_id,
      seq: r.seq,
      path: r.path,
      entryType: r.entry_type,
      size: r.size,
      outcome: r.outcome,
      reason: r.reason,
      params: r.reason_params ? (JSON.parse(r.reason_params) as ErrorParams) : null,
      recordingId: r.recording_id,
      flags,
    };
  }

  summary(sessionId: number): SessionSummary {
    const s = this.q('SELECT * FROM ingest_sessions WHERE id = ?').get(sessionId) as SessionRow | undefined;
    if (!s) throw new StationError('input', 'ingest.no_such_session', { sessionId });
    const counts = EMPTY_COUNTS();
    for (const r of this.q('SELECT outcome, COUNT(*) AS n FROM ingest_files WHERE session_id = ? GROUP BY outcome').all(sessionId) as { outcome: FileOutcome | 'pending'; n: number }[]) {
      counts[r.outcome] = r.n;
    }
    const catalogued = (this.q("SELECT recording_id FROM ingest_files WHERE session_id = ? AND outcome IN ('ingested', 'duplicate') AND recording_id IS NOT NULL").all(sessionId) as { recording_id: string }[]).map(
      (r) => r.recording_id,
    );
    const flagged = this.deps.recordings.flagCounts(catalogued);
    return {
      id: s.id,
      sourceKind: s.source_kind,
      sourceKey: s.source_key,
      root: s.root,
      device: s.device,
      fsType: s.fs_type,
      label: s.label,
      recorderSerial: s.recorder_serial,
      custodian: s.custodian,
      status: s.status,
      stopCode: s.stop_code,
      filesTotal: s.files_total,
      bytesTotal: s.bytes_total,
      startedAt: s.started_at,
      endedAt: s.ended_at,
      counts,
      flagged,
      clockDrift:
        s.clock_drift_seconds !== null && s.clock_drift_source
          ? { seconds: s.clock_drift_seconds, source: s.clock_drift_source, beyondTolerance: driftBeyondTolerance(s.clock_drift_seconds, s.clock_drift_source, this.deps.driftTolerance()) }
          : null,
      mayUndock: s.status === 'completed' && counts.pending === 0 && counts.aborted === 0,
    };
  }

  sessions(options: { offset?: number; limit?: number; sourceKey?: string } = {}): { total: number; items: SessionSummary[] } {
    const where = options.sourceKey ? 'WHERE source_key = ?' : '';
    const args: unknown[] = options.sourceKey ? [options.sourceKey] : [];
    const total = (this.q(`SELECT COUNT(*) AS n FROM ingest_sessions ${where}`).get(...args) as { n: number }).n;
    const ids = this.q(`SELECT id FROM ingest_sessions ${where} ORDER BY id DESC LIMIT ? OFFSET ?`).all(...args, options.limit ?? 50, options.offset ?? 0) as { id: number }[];
    return { total, items: ids.map((r) => this.summary(r.id)) };
  }
}

/** The process ids owning a session still marked running (their process may have died since). */
export function runningSessionOwnerPids(db: ReadableDB): number[] {
  return (db.prepare("SELECT owner_pid FROM ingest_sessions WHERE status = 'running'").all() as { owner_pid: number }[]).map((r) => r.owner_pid);
}
