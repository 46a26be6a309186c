// The owner of the recordings catalogue (000_f52585dae22cddca.txt 第十条): the only code that reads
// or writes table `recordings` (and the written explanations kept with it). Ingest inserts a row
// from a named object, custodians and the registry assign officers and recorders, cases set the
// case and party columns, the calendar judges waiting deadlines; each through a method here, each
// change with its ledger entry in the caller's transaction or one of its own.
import type { Statement } from 'better-sqlite3';
import { StationError } from '../errors.ts';
import type { Clock } from '../clock.ts';
import type { ReadableDB, WritableDB } from '../db/database.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { queryLedger } from '../ledger/query.ts';
import type { RecordingRef } from '../access/requests.ts';
import {
  SELECT,
  normalizeRecordingId,
  recordingIdOf,
  recordingWhere,
  toRecording,
  type Explanation,
  type ExplanationKind,
  type Recording,
  type RecordingDetail,
  type RecordingFilter,
  type RecordingRow,
} from './catalogue.ts';
import { recordingColumns, type NewRecording } from './newRecording.ts';

export type RecordingsDeps = {
  db: WritableDB;
  ledger: Pick<Ledger, 'append'>;
  clock: Clock;
  write: <T>(fn: () => T) => T;
  /** Setting recorder.clockDriftToleranceSeconds: beyond it a recording is flagged clock_drift. */
  driftTolerance: () => number;
};

/** Who a segment belongs to: its recorder, or its officer when the recorder is unknown. */
export type SegmentOwner = { recorderSerial: string } | { officerBadge: string };

export type Segment = { id: string; recordedAt: string; recordedEndAt: string; interruption: { after: string | null; gapSeconds: number | null } | null };

/** The flag totals of a set of recordings (an ingest session's summary). */
export type FlagCounts = { late: number; interruption: number; unparseable: number; changedDuringRead: number; needsExplanation: number };

/** A recording whose hand-over deadline the calendar could not give at ingest. */
export type AwaitingDeadline = { id: string; handoverRule: unknown; recordedEndAt: string | null; storedAt: string; duplicateOf: string | null };

export class Recordings {
  private readonly deps: RecordingsDeps;
  constructor(deps: RecordingsDeps) {
    this.deps = deps;
  }

  private get db(): WritableDB {
    return this.deps.db;
  }

  // Preparing a statement costs more than running it; an ingest of 10,000 files runs each many times.
  private readonly statements = new Map<string, Statement>();
  private q(sql: string): Statement {
    let st = this.statements.get(sql);
    if (!st) {
      st = this.db.prepare(sql);
      this.statements.set(sql, st);
    }
    return st;
  }

  private findStatement: Statement | null = null;

  find(id: string): Recording | null {
    this.findStatement ??= this.db.prepare(`${SELECT} WHERE r.id = ?`);
    const row = this.findStatement.get(id) as RecordingRow | undefined;
    return row ? toRecording(row, this.deps.driftTolerance()) : null;
  }

  require(id: string): Recording {
    const r = this.find(normalizeRecordingId(id));
    if (!r) throw new StationError('input', 'recording.not_found', { recordingId: id });
    return r;
  }

  list(f: RecordingFilter = {}): { total: number; items: Recording[] } {
    const { clause, args } = recordingWhere(this.db, f);
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM recordings r ${clause}`).get(...args) as { n: number }).n;
    const order = f.order === 'asc' ? 'ASC' : 'DESC';
    // The page is picked by its sort keys alone, then only its rows are joined and flagged: a sort or an OFFSET over
    // thousands of matches (a search, a flag) must not build every full row it passes.
    const rows = this.db
      .prepare(
        `${SELECT} WHERE r.number IN (SELECT r.number FROM recordings r ${clause} ORDER BY r.recorded_at ${order}, r.number ${order} LIMIT ? OFFSET ?)
         ORDER BY r.recorded_at ${order}, r.number ${order}`,
      )
      .all(...args, f.limit ?? 100, f.offset ?? 0) as RecordingRow[];
    const drift = this.deps.driftTolerance();
    return { total, items: rows.map((r) => toRecording(r, drift)) };
  }

  explanations(recordingId: string): Explanation[] {
    return (
      this.db
        .prepare(
          `SELECT id, recording_id, kind, text, author, created_at, ledger_seq FROM explanations WHERE recording_id = ?
           UNION ALL SELECT id, recording_id, 'time_mismatch' AS kind, text, author, created_at, ledger_seq FROM time_explanations WHERE recording_id = ?
           ORDER BY ledger_seq`,
        )
        .all(recordingId, recordingId) as {
        id: number;
        recording_id: string;
        kind: ExplanationKind;
        text: string;
        author: string;
        created_at: string;
        ledger_seq: number;
      }[]
    ).map((e) => ({ id: e.id, recordingId: e.recording_id, kind: e.kind, text: e.text, author: e.author, createdAt: e.created_at, ledgerSeq: e.ledger_seq }));
  }

  detail(id: string): RecordingDetail {
    const recording = this.require(id);
    const history = queryLedger(this.db, { subject: `recording:${recording.id}`, order: 'asc', limit: 1000 }).entries;
    const duplicates = (this.db.prepare('SELECT id FROM recordings WHERE duplicate_of = ? ORDER BY number').all(recording.id) as { id: string }[]).map((r) => r.id);
    return { recording, explanations: this.explanations(recording.id), history, duplicates };
  }

  /**
   * 书面说明 of a late hand-over, 中止记录的说明 of an interruption (000 第九条): entered by the
   * custodian, kept in the catalogue and, word for word, in the ledger.
   */
  explain(actor: string, id: string, kind: ExplanationKind | null, text: string): { recording: Recording; explanation: Explanation } {
    const body = text.trim();
    if (body.length < 2) throw new StationError('input', 'recording.explanation_empty', {});
    const recording = this.require(id);
    const pending: ExplanationKind[] = [];
    if (recording.handover.late) pending.push('late_handover');
    if (recording.interruption.flagged) pending.push('interruption');
    // A doubtful time may be explained (a recorder clock set wrong, a file renamed late) but only
    // when named: it is not one of the explanations the rules require.
    if (kind === 'time_mismatch' && (recording.timeChecks.mismatch.length > 0 || recording.timeChecks.inFuture.length > 0)) pending.push('time_mismatch');
    let chosen = kind;
    if (!chosen) {
      const open = pending.filter((k) => (k === 'late_handover' ? !recording.handover.explained : !recording.interruption.explained));
      if (open.length === 1) chosen = open[0]!;
      else if (pending.length === 1) chosen = pending[0]!;
      else throw new StationError('input', pending.length === 0 ? 'recording.nothing_to_explain' : 'recording.explanation_kind_required', { recordingId: recording.id });
    }
    if (!pending.includes(chosen)) throw new StationError('input', 'recording.nothing_to_explain', { recordingId: recording.id });
    return this.deps.write(() => {
      const at = this.deps.clock.now().toISOString();
      const entry = this.deps.ledger.append({ actor, action: 'recording.explained', subject: `recording:${recording.id}`, details: { kind: chosen, text: body } });
      const info =
        chosen === 'time_mismatch'
          ? this.db.prepare('INSERT INTO time_explanations (recording_id, text, author, created_at, ledger_seq) VALUES (?, ?, ?, ?, ?)').run(recording.id, body, actor, at, entry.seq)
          : this.db.prepare('INSERT INTO explanations (recording_id, kind, text, author, created_at, ledger_seq) VALUES (?, ?, ?, ?, ?, ?)').run(recording.id, chosen, body, actor, at, entry.seq);
      const explanation = this.explanations(recording.id).find((e) => e.id === Number(info.lastInsertRowid) && (e.kind === 'time_mismatch') === (chosen === 'time_mismatch'))!;
      return { recording: this.require(recording.id), explanation };
    });
  }

  /** The custodian names the officer of recordings whose officer is unknown or wrong; each change ledgered. */
  assignOfficer(actor: string, ids: string[], badge: string): Recording[] {
    return this.deps.write(() => {
      const officer = this.db.prepare('SELECT badge FROM officers WHERE badge = ?').get(badge);
      if (!officer) throw new StationError('input', 'officer.not_found', { badge });
      return ids.map((raw) => {
        const r = this.require(raw);
        if (r.officerBadge === badge && r.officerSource === 'custodian') return r;
        this.db.prepare("UPDATE recordings SET officer_badge = ?, officer_source = 'custodian' WHERE id = ?").run(badge, r.id);
        this.deps.ledger.append({ actor, action: 'recording.officer_assigned', subject: `recording:${r.id}`, details: { from: r.officerBadge, to: badge } });
        return this.require(r.id);
      });
    });
  }

  /** The custodian names the recorder of recordings whose recorder is unknown; each change ledgered. */
  assignRecorder(actor: string, ids: string[], serial: string): Recording[] {
    return this.deps.write(() => {
      if (!this.db.prepare('SELECT serial FROM recorders WHERE serial = ?').get(serial)) throw new StationError('input', 'recorder.not_found', { serial });
      return ids.map((raw) => {
        const r = this.require(raw);
        if (r.recorderSerial === serial) return r;
        this.db.prepare("UPDATE recordings SET recorder_serial = ?, recorder_source = 'custodian' WHERE id = ?").run(serial, r.id);
        this.deps.ledger.append({ actor, action: 'recording.recorder_assigned', subject: `recording:${r.id}`, details: { from: r.recorderSerial, to: serial } });
        return this.require(r.id);
      });
    });
  }

  // ---- for the access rules

  /** What a request, playback or copy needs of a recording (access/requests.ts); null when unknown. */
  ref(id: string): RecordingRef | null {
    return recordingRef(this.db, id);
  }

  // ---- for ingest

  /** The id and number the next catalogued recording gets. Must run inside the write that inserts it. */
  next(): { id: string; number: number } {
    const number = ((this.q('SELECT MAX(number) AS n FROM recordings').get() as { n: number | null }).n ?? 0) + 1;
    return { id: recordingIdOf(number), number };
  }

  /** Must run inside Station.write, with the recording.ingested ledger entry whose seq it names. */
  insert(recording: NewRecording): void {
    const values = recordingColumns(recording);
    const names = Object.keys(values);
    this.q(`INSERT INTO recordings (${names.join(', ')}) VALUES (${names.map((n) => `@${n}`).join(', ')})`).run(values);
  }

  /** The same file of the same source: same raw name bytes (never the display text), size and time. */
  sameSource(sourceKey: string, pathHex: string, size: number, mtimeMs: number): string | null {
    const row = this.q('SELECT id FROM recordings WHERE source_key = ? AND source_path_hex = ? AND source_size = ? AND source_mtime_ms = ?').get(sourceKey, pathHex, size, mtimeMs) as
      | { id: string }
      | undefined;
    return row?.id ?? null;
  }

  /** The same file of the same source with the same content, whatever its time stamp says now. */
  sameSourceContent(sourceKey: string, pathHex: string, sha256: string): string | null {
    const row = this.q('SELECT id FROM recordings WHERE source_key = ? AND source_path_hex = ? AND sha256 = ? ORDER BY number LIMIT 1').get(sourceKey, pathHex, sha256) as { id: string } | undefined;
    return row?.id ?? null;
  }

  /** The first recording (not itself a duplicate) whose bytes are this vault object. */
  firstOf(objectId: string): string | null {
    const row = this.q('SELECT id FROM recordings WHERE object_id = ? AND duplicate_of IS NULL ORDER BY number LIMIT 1').get(objectId) as { id: string } | undefined;
    return row?.id ?? null;
  }

  /**
   * The nearest video or audio segment of the same recorder (or officer) with a trusted time before
   * `at` (and a duration), or after it (`exceptId` left out): what an interruption (000 第九条) is
   * judged against.
   */
  segmentBefore(owner: SegmentOwner, at: string): Segment | null {
    return this.segment(owner, 'duration_seconds IS NOT NULL AND recorded_at_source IN (\'name\', \'metadata\') AND recorded_at < ? ORDER BY recorded_at DESC', [at]);
  }

  segmentAfter(owner: SegmentOwner, at: string, exceptId: string): Segment | null {
    return this.segment(owner, 'recorded_at_source IN (\'name\', \'metadata\') AND recorded_at > ? AND id != ? ORDER BY recorded_at ASC', [at, exceptId]);
  }

  private segment(owner: SegmentOwner, where: string, args: unknown[]): Segment | null {
    const [col, val] = 'recorderSerial' in owner ? ['recorder_serial', owner.recorderSerial] : ['officer_badge', owner.officerBadge];
    const r = this.q(
      `SELECT id, recorded_at, recorded_end_at, interruption, interruption_after, interruption_gap_seconds FROM recordings WHERE ${col} = ? AND kind IN ('video', 'audio') AND duplicate_of IS NULL AND ${where} LIMIT 1`,
    ).get(val, ...args) as { id: string; recorded_at: string; recorded_end_at: string; interruption: number; interruption_after: string | null; interruption_gap_seconds: number | null } | undefined;
    if (!r) return null;
    return {
      id: r.id,
      recordedAt: r.recorded_at,
      recordedEndAt: r.recorded_end_at,
      interruption: r.interruption === 1 ? { after: r.interruption_after, gapSeconds: r.interruption_gap_seconds } : null,
    };
  }

  /** Flags (or, with null, unflags) an interruption before `id`. Must run inside Station.write, with its ledger entry. */
  setInterruption(id: string, interruption: { after: string; gapSeconds: number } | null): void {
    if (interruption) this.q('UPDATE recordings SET interruption = 1, interruption_after = ?, interruption_gap_seconds = ? WHERE id = ?').run(interruption.after, interruption.gapSeconds, id);
    else this.q('UPDATE recordings SET interruption = 0, interruption_after = NULL, interruption_gap_seconds = NULL WHERE id = ?').run(id);
  }

  /** The recorder no longer holds the file. Must run inside Station.write, with its ledger entry. */
  markSourceDeleted(id: string, at: string): void {
    this.q('UPDATE recordings SET source_deleted_at = ? WHERE id = ? AND source_deleted_at IS NULL').run(at, id);
  }

  /** Flag totals over `ids` (an ingest session's catalogued files). */
  flagCounts(ids: readonly string[]): FlagCounts {
    const f = this.q(
      `SELECT COALESCE(SUM(r.late), 0) AS late, COALESCE(SUM(r.interruption), 0) AS interruption, COALESCE(SUM(r.parse_problem IS NOT NULL), 0) AS unparseable,
         COALESCE(SUM(r.changed_during_read), 0) AS changed,
         COALESCE(SUM((r.late = 1 AND NOT EXISTS (SELECT 1 FROM explanations e WHERE e.recording_id = r.id AND e.kind = 'late_handover'))
           OR (r.interruption = 1 AND NOT EXISTS (SELECT 1 FROM explanations e WHERE e.recording_id = r.id AND e.kind = 'interruption'))), 0) AS needs
       FROM json_each(?) j JOIN recordings r ON r.id = j.value`,
    ).get(JSON.stringify(ids)) as { late: number; interruption: number; unparseable: number; changed: number; needs: number };
    return { late: f.late, interruption: f.interruption, unparseable: f.unparseable, changedDuringRead: f.changed, needsExplanation: f.needs };
  }

  // ---- for the registry

  /**
   * A recorder's standing officer reaches its recordings that have none yet, each change ledgered
   * on the recording. Must run inside Station.write.
   */
  adoptRecorderOfficer(actor: string, serial: string, officerBadge: string): string[] {
    const ids = (this.q('SELECT id FROM recordings WHERE recorder_serial = ? AND officer_badge IS NULL ORDER BY number').all(serial) as { id: string }[]).map((r) => r.id);
    for (const id of ids) {
      this.q("UPDATE recordings SET officer_badge = ?, officer_source = 'custodian' WHERE id = ?").run(officerBadge, id);
      this.deps.ledger.append({ actor, action: 'recording.officer_assigned', subject: `recording:${id}`, details: { from: null, to: officerBadge, via: `recorder:${serial}` } });
    }
    return ids;
  }

  // ---- for cases

  /** The case and party columns (000 第十条: classified by case and party). */
  caseOf(id: string): { caseId: string | null; party: string | null } {
    const r = this.q('SELECT case_id, party FROM recordings WHERE id = ?').get(id) as { case_id: string | null; party: string | null } | undefined;
    if (!r) throw new StationError('input', 'recording.not_found', { recordingId: id });
    return { caseId: r.case_id, party: r.party };
  }

  /** Must run inside Station.write, with the recording.case_assigned ledger entry. */
  setCase(id: string, caseId: string | null, party: string | null): void {
    this.q('UPDATE recordings SET case_id = ?, party = ? WHERE id = ?').run(caseId, party, id);
  }

  // ---- for the calendar

  /** Recordings whose deadline is still unknown, oldest first. */
  awaitingDeadline(): AwaitingDeadline[] {
    const rows = this.q('SELECT id, handover_rule, recorded_end_at, stored_at, duplicate_of FROM recordings WHERE deadline_unknown = 1 ORDER BY number').all() as {
      id: string;
      handover_rule: string;
      recorded_end_at: string | null;
      stored_at: string;
      duplicate_of: string | null;
    }[];
    return rows.map((r) => ({ id: r.id, handoverRule: JSON.parse(r.handover_rule) as unknown, recordedEndAt: r.recorded_end_at, storedAt: r.stored_at, duplicateOf: r.duplicate_of }));
  }

  /** The deadline is known now. Must run inside Station.write, with its ledger entry. */
  setDeadline(id: string, deadline: string, late: boolean): void {
    this.q('UPDATE recordings SET handover_deadline = ?, late = ?, deadline_unknown = 0 WHERE id = ?').run(deadline, late ? 1 : 0, id);
  }
}

// ---- read-only questions other features ask of the catalogue, for holders of a ReadableDB

export function recordingExists(db: ReadableDB, id: string): boolean {
  return db.prepare('SELECT 1 FROM recordings WHERE id = ?').get(id) !== undefined;
}

export function recordingRef(db: ReadableDB, id: string): RecordingRef | null {
  const r = db.prepare('SELECT id, object_id, sha256, size, original_name, ingest_seq, recorded_at, officer_badge, recorder_serial, case_id FROM recordings WHERE id = ?').get(id) as
    | { id: string; object_id: string; sha256: string; size: number; original_name: string; ingest_seq: number; recorded_at: string | null; officer_badge: string | null; recorder_serial: string | null; case_id: string | null }
    | undefined;
  if (!r) return null;
  return {
    id: r.id,
    objectId: r.object_id,
    sha256: r.sha256,
    size: r.size,
    originalName: r.original_name,
    ingestSeq: r.ingest_seq,
    recordedAt: r.recorded_at,
    officer: r.officer_badge,
    recorder: r.recorder_serial,
    caseId: r.case_id,
  };
}

/** The recordings whose bytes are this vault object (a first copy and its duplicates), in catalogue order. */
export function recordingsOfObject(db: ReadableDB, objectId: string): string[] {
  return (db.prepare('SELECT id FROM recordings WHERE object_id = ? ORDER BY number').all(objectId) as { id: string }[]).map((r) => r.id);
}

/** Every vault object's recordings (a first copy and its duplicates), each list in catalogue order. */
export function recordingsByObject(db: ReadableDB): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const r of db.prepare('SELECT id, object_id FROM recordings ORDER BY number').all() as { id: string; object_id: string }[]) {
    const list = out.get(r.object_id) ?? [];
    list.push(r.id);
    out.set(r.object_id, list);
  }
  return out;
}

/** `ids` in the order the footage was recorded (then catalogue order); unknown ids are left out. */
export function inRecordedOrder(db: ReadableDB, ids: readonly string[]): string[] {
  return (
    db.prepare('SELECT r.id FROM json_each(?) j JOIN recordings r ON r.id = j.value ORDER BY r.recorded_at, r.number').all(JSON.stringify(ids)) as { id: string }[]
  ).map((r) => r.id);
}

/** What other features show of a recording next to their own rows (retention, destruction batches, certificates). */
export type RecordingFacts = {
  id: string;
  number: number;
  objectId: string;
  sha256: string;
  size: number;
  kind: string;
  originalName: string;
  recordedAt: string | null;
  storedAt: string;
  officerBadge: string | null;
  recorderSerial: string | null;
};

/** The facts of `ids` (of every recording when omitted), in catalogue order; unknown ids are left out. */
export function recordingFacts(db: ReadableDB, ids?: readonly string[]): RecordingFacts[] {
  const filter = ids ? 'WHERE r.id IN (SELECT value FROM json_each(?))' : '';
  const rows = db
    .prepare(`SELECT r.id, r.number, r.object_id, r.sha256, r.size, r.kind, r.original_name, r.recorded_at, r.stored_at, r.officer_badge, r.recorder_serial FROM recordings r ${filter} ORDER BY r.number`)
    .all(...(ids ? [JSON.stringify(ids)] : [])) as {
    id: string;
    number: number;
    object_id: string;
    sha256: string;
    size: number;
    kind: string;
    original_name: string;
    recorded_at: string | null;
    stored_at: string;
    officer_badge: string | null;
    recorder_serial: string | null;
  }[];
  return rows.map((r) => ({
    id: r.id,
    number: r.number,
    objectId: r.object_id,
    sha256: r.sha256,
    size: r.size,
    kind: r.kind,
    originalName: r.original_name,
    recordedAt: r.recorded_at,
    storedAt: r.stored_at,
    officerBadge: r.officer_badge,
    recorderSerial: r.recorder_serial,
  }));
}

/**
 * Recordings not destroyed that wait for someone, in catalogue order: a late hand-over or an
 * interruption without its written explanation (000 第九条), a deadline the calendar could not give.
 */
export function awaitingAttention(db: ReadableDB): { late: string[]; interrupted: string[]; deadlinesUnknown: string[] } {
  const alive = 'NOT EXISTS (SELECT 1 FROM destroyed_recordings d WHERE d.recording_id = r.id)';
  const unexplained = (flag: 'late' | 'interruption', kind: string) =>
    (
      db
        .prepare(`SELECT r.id FROM recordings r WHERE r.${flag} = 1 AND NOT EXISTS (SELECT 1 FROM explanations e WHERE e.recording_id = r.id AND e.kind = ?) AND ${alive} ORDER BY r.number`)
        .all(kind) as { id: string }[]
    ).map((r) => r.id);
  const deadlinesUnknown = (db.prepare(`SELECT r.id FROM recordings r WHERE r.deadline_unknown = 1 AND ${alive} ORDER BY r.number`).all() as { id: string }[]).map((r) => r.id);
  return { late: unexplained('late', 'late_handover'), interrupted: unexplained('interruption', 'interruption'), deadlinesUnknown };
}
