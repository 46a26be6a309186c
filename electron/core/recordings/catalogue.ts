// The shape of the recordings catalogue (000_f52585dae22cddca.txt 第十条): what a recording is,
// how a row reads, and the filter every list, count and report goes through. The table itself is
// read and written only by Recordings (recordings.ts).
import { StationError } from '../errors.ts';
import type { LedgerEntry } from '../ledger/ledger.ts';
import type { FutureTime, RecordedAtReason, TimeMismatch } from '../ingest/metadata.ts';
import { driftBeyondTolerance } from '../ingest/clockDrift.ts';
import { searchClauses, type SearchFilter } from './search.ts';
import { officerJoin, recorderJoin } from '../ingest/registryReads.ts';
import { destroyedColumns, destroyedExists, destroyedJoin } from '../cases/caseReads.ts';
import type { ReadableDB } from '../db/database.ts';
import type { RecordingFlag } from '../../shared/events.ts';
export type { RecordingFlag };

export type ExplanationKind = 'late_handover' | 'interruption' | 'time_mismatch';

export type Recording = {
  id: string;
  number: number;
  objectId: string;
  sha256: string;
  size: number;
  duplicateOf: string | null;
  ingestSeq: number;
  agencyCode: string;
  agencyName: string;
  recorderSerial: string | null;
  recorderSource: 'usb' | 'vendor' | 'name' | 'custodian' | null;
  recorderRegistered: boolean;
  officerBadge: string | null;
  officerName: string | null;
  officerSource: 'vendor' | 'name' | 'registry' | 'custodian' | null;
  caseId: string | null;
  party: string | null;
  nameCaseNumber: string | null;
  recordedAt: string | null;
  recordedAtSource: 'name' | 'metadata' | 'filesystem' | null;
  recordedEndAt: string | null;
  storedAt: string;
  times: { name: string | null; nameRaw: string | null; metadata: string | null; metadataSource: string | null; filesystem: string | null };
  nameRule: string;
  /** Every naming rule that matched the name (null for recordings from before issue 15). */
  nameRulesMatched: { rule: string; models: string[] }[] | null;
  nameSequence: number | null;
  important: boolean;
  kind: 'video' | 'audio' | 'photo' | 'unknown';
  format: string;
  durationSeconds: number | null;
  width: number | null;
  height: number | null;
  videoCodec: string | null;
  audioCodec: string | null;
  parseProblem: { reason: string; detail: string } | null;
  originalName: string;
  source: { kind: 'volume' | 'folder'; key: string; root: string; device: string | null; path: string; size: number; mtimeMs: number };
  sessionId: number;
  ingestedBy: string;
  handover: { rule: unknown; deadline: string | null; late: boolean; explained: boolean; deadlineUnknown: boolean };
  /** How "recorded at" was chosen and what the station doubts about the times (issue 15). */
  /** The recorder's clock minus the station's at dock (seconds), and how it was measured. */
  clockDrift: { seconds: number; source: string } | null;
  timeChecks: { recordedAtReason: RecordedAtReason | null; inFuture: FutureTime[]; mismatch: TimeMismatch[]; explained: boolean };
  interruption: { flagged: boolean; after: string | null; gapSeconds: number | null; explained: boolean };
  changedDuringRead: boolean;
  sourceDeletedAt: string | null;
  /** When and in which batch the recording was destroyed; its file and key are gone. */
  destroyed: { at: string; batchId: string; by: string } | null;
  flags: RecordingFlag[];
};

export type Explanation = { id: number; recordingId: string; kind: ExplanationKind; text: string; author: string; createdAt: string; ledgerSeq: number };

export type RecordingDetail = {
  recording: Recording;
  explanations: Explanation[];
  /** Every ledger entry whose subject is this recording, oldest first. */
  history: LedgerEntry[];
  /** Later recordings of the same content (stored once, linked). */
  duplicates: string[];
};

export type RecordingFilter = SearchFilter & {
  officer?: string;
  recorder?: string;
  from?: string; // recorded at, ISO, inclusive
  to?: string; // recorded at, ISO, exclusive
  storedFrom?: string;
  storedTo?: string;
  late?: boolean;
  important?: boolean;
  interruption?: boolean;
  kind?: 'video' | 'audio' | 'photo' | 'unknown';
  needsExplanation?: boolean;
  unparseable?: boolean;
  /** Recordings whose hand-over deadline the calendar could not yet give. */
  deadlineUnknown?: boolean;
  /** Recordings with a time in the future or times that disagree. */
  doubtfulTime?: boolean;
  sessionId?: number;
  caseId?: string;
  /** Recordings that have a written explanation of this kind. */
  explained?: 'late_handover' | 'interruption';
  /** Destroyed (tombstones) or alive. */
  destroyed?: boolean;
  includeDuplicates?: boolean;
  offset?: number;
  limit?: number;
  order?: 'asc' | 'desc';
};

export type RecordingRow = {
  id: string;
  number: number;
  object_id: string;
  sha256: string;
  size: number;
  duplicate_of: string | null;
  ingest_seq: number;
  agency_code: string;
  agency_name: string;
  recorder_serial: string | null;
  recorder_source: Recording['recorderSource'];
  recorder_registered: number;
  officer_badge: string | null;
  officer_name: string | null;
  officer_source: Recording['officerSource'];
  case_id: string | null;
  party: string | null;
  name_case_number: string | null;
  recorded_at: string | null;
  recorded_at_source: Recording['recordedAtSource'];
  recorded_end_at: string | null;
  stored_at: string;
  name_time: string | null;
  name_time_raw: string | null;
  meta_time: string | null;
  meta_time_source: string | null;
  fs_time: string | null;
  name_rule: string;
  name_sequence: number | null;
  important: number;
  kind: Recording['kind'];
  format: string;
  duration_seconds: number | null;
  width: number | null;
  height: number | null;
  video_codec: string | null;
  audio_codec: string | null;
  parse_problem: string | null;
  original_name: string;
  source_kind: 'volume' | 'folder';
  source_key: string;
  source_root: string;
  source_device: string | null;
  source_path: string;
  source_size: number;
  source_mtime_ms: number;
  session_id: number;
  ingested_by: string;
  handover_rule: string;
  handover_deadline: string | null;
  late: number;
  late_explained: number;
  interruption: number;
  interruption_after: string | null;
  interruption_gap_seconds: number | null;
  interruption_explained: number;
  changed_during_read: number;
  source_deleted_at: string | null;
  recorded_at_reason: string | null;
  time_in_future: string | null;
  time_mismatch: string | null;
  deadline_unknown: number;
  time_explained: number;
  name_rules_matched: string | null;
  clock_drift_seconds: number | null;
  clock_drift_source: string | null;
  destroyed_at: string | null;
  destroyed_batch: string | null;
  destroyed_by: string | null;
};

export const SELECT = `
SELECT r.*, o.name AS officer_name,
  (rec.serial IS NOT NULL) AS recorder_registered,
  EXISTS (SELECT 1 FROM explanations e WHERE e.recording_id = r.id AND e.kind = 'late_handover') AS late_explained,
  EXISTS (SELECT 1 FROM explanations e WHERE e.recording_id = r.id AND e.kind = 'interruption') AS interruption_explained,
  EXISTS (SELECT 1 FROM time_explanations t WHERE t.recording_id = r.id) AS time_explained,
  ${destroyedColumns('dr')}
FROM recordings r
${destroyedJoin('dr', 'r.id')}
${officerJoin('o', 'r.officer_badge')}
${recorderJoin('rec', 'r.recorder_serial')}`;

// Written with the flags as bare truth values and the explained ones as a set (read once), on purpose: `late = 1` in an
// OR lets SQLite answer it by the union of two indexes (late, interruption), fetching every flagged row and sorting
// them (~40 ms at 200,000 recordings, growing with the catalogue); this way the only index it can use is the covering
// partial one of migration 0019 (recordings_attention_cover), already in the list's order. The flags are 0 or 1 (CHECK).
const NEEDS_EXPLANATION = `((r.late AND r.id NOT IN (SELECT e.recording_id FROM explanations e WHERE e.kind = 'late_handover'))
  OR (r.interruption AND r.id NOT IN (SELECT e.recording_id FROM explanations e WHERE e.kind = 'interruption')))`;

export function toRecording(r: RecordingRow, driftTolerance: number): Recording {
  const late = r.late === 1;
  const interruption = r.interruption === 1;
  const flags: RecordingFlag[] = [];
  if (late) flags.push('late');
  if (interruption) flags.push('interruption');
  if (r.parse_problem) flags.push('unparseable');
  if (r.changed_during_read === 1) flags.push('changed_during_read');
  if (!r.officer_badge || r.officer_name === null) flags.push('unknown_officer');
  if (!r.recorder_serial || r.recorder_registered !== 1) flags.push('unknown_recorder');
  if (r.duplicate_of) flags.push('duplicate');
  if ((late && r.late_explained !== 1) || (interruption && r.interruption_explained !== 1)) flags.push('needs_explanation');
  if (r.time_in_future) flags.push('time_in_future');
  if (r.time_mismatch) flags.push('time_mismatch');
  if (r.deadline_unknown === 1) flags.push('deadline_unknown');
  if (r.name_rule === 'none') flags.push('name_unrecognized');
  if (r.destroyed_at) flags.push('destroyed');
  if (r.clock_drift_seconds !== null && r.clock_drift_source !== null && driftBeyondTolerance(r.clock_drift_seconds, r.clock_drift_source, driftTolerance)) flags.push('clock_drift');
  return {
    id: r.id,
    number: r.number,
    objectId: r.object_id,
    sha256: r.sha256,
    size: r.size,
    duplicateOf: r.duplicate_of,
    ingestSeq: r.ingest_seq,
    agencyCode: r.agency_code,
    agencyName: r.agency_name,
    recorderSerial: r.recorder_serial,
    recorderSource: r.recorder_source,
    recorderRegistered: r.recorder_registered === 1,
    officerBadge: r.officer_badge,
    officerName: r.officer_name,
    officerSource: r.officer_source,
    caseId: r.case_id,
    party: r.party,
    nameCaseNumber: r.name_case_number,
    recordedAt: r.recorded_at,
    recordedAtSource: r.recorded_at_source,
    recordedEndAt: r.recorded_end_at,
    storedAt: r.stored_at,
    times: { name: r.name_time, nameRaw: r.name_time_raw, metadata: r.meta_time, metadataSource: r.meta_time_source, filesystem: r.fs_time },
    nameRule: r.name_rule,
    nameRulesMatched: r.name_rules_matched ? (JSON.parse(r.name_rules_matched) as { rule: string; models: string[] }[]) : null,
    nameSequence: r.name_sequence,
    important: r.important === 1,
    kind: r.kind,
    format: r.format,
    durationSeconds: r.duration_seconds,
    width: r.width,
    height: r.height,
    videoCodec: r.video_codec,
    audioCodec: r.audio_codec,
    parseProblem: r.parse_problem ? (JSON.parse(r.parse_problem) as { reason: string; detail: string }) : null,
    originalName: r.original_name,
    source: { kind: r.source_kind, key: r.source_key, root: r.source_root, device: r.source_device, path: r.source_path, size: r.source_size, mtimeMs: r.source_mtime_ms },
    sessionId: r.session_id,
    ingestedBy: r.ingested_by,
    handover: { rule: JSON.parse(r.handover_rule) as unknown, deadline: r.handover_deadline, late, explained: r.late_explained === 1, deadlineUnknown: r.deadline_unknown === 1 },
    clockDrift: r.clock_drift_seconds !== null && r.clock_drift_source ? { seconds: r.clock_drift_seconds, source: r.clock_drift_source } : null,
    timeChecks: {
      recordedAtReason: r.recorded_at_reason ? (JSON.parse(r.recorded_at_reason) as RecordedAtReason) : null,
      inFuture: r.time_in_future ? (JSON.parse(r.time_in_future) as FutureTime[]) : [],
      mismatch: r.time_mismatch ? (JSON.parse(r.time_mismatch) as TimeMismatch[]) : [],
      explained: r.time_explained === 1,
    },
    interruption: { flagged: interruption, after: r.interruption_after, gapSeconds: r.interruption_gap_seconds, explained: r.interruption_explained === 1 },
    changedDuringRead: r.changed_during_read === 1,
    sourceDeletedAt: r.source_deleted_at,
    destroyed: r.destroyed_at && r.destroyed_batch ? { at: r.destroyed_at, batchId: r.destroyed_batch, by: r.destroyed_by ?? '' } : null,
    flags,
  };
}

/** Accepts 'RC-000012', 'rc-12' or '12'. */
export function normalizeRecordingId(input: string): string {
  const m = /^(?:rc-)?0*([0-9]{1,12})$/i.exec(input.trim());
  if (!m) throw new StationError('input', 'recording.not_found', { recordingId: input });
  return recordingIdOf(Number(m[1]));
}

export function recordingIdOf(number: number): string {
  return `RC-${String(number).padStart(6, '0')}`;
}

/**
 * The WHERE clause of a recordings filter (table alias r). The list, its count and the monthly
 * report all count through here, so a report's figure is the total of the list with the same
 * filter (issue #14 item 4).
 */
export function recordingWhere(db: ReadableDB, f: RecordingFilter): { clause: string; args: unknown[] } {
  const where: string[] = [];
  const args: unknown[] = [];
  const eq = (sql: string, v: unknown) => {
    where.push(sql);
    args.push(v);
  };
  if (f.officer) eq('r.officer_badge = ?', f.officer);
  if (f.recorder) eq('r.recorder_serial = ?', f.recorder);
  if (f.from) eq('r.recorded_at >= ?', new Date(f.from).toISOString());
  if (f.to) eq('r.recorded_at < ?', new Date(f.to).toISOString());
  if (f.storedFrom) eq('r.stored_at >= ?', new Date(f.storedFrom).toISOString());
  if (f.storedTo) eq('r.stored_at < ?', new Date(f.storedTo).toISOString());
  if (f.late !== undefined) eq('r.late = ?', f.late ? 1 : 0);
  if (f.important !== undefined) eq('r.important = ?', f.important ? 1 : 0);
  if (f.interruption !== undefined) eq('r.interruption = ?', f.interruption ? 1 : 0);
  if (f.kind) eq('r.kind = ?', f.kind);
  if (f.sessionId !== undefined) eq('r.session_id = ?', f.sessionId);
  if (f.caseId) eq('r.case_id = ?', f.caseId);
  if (f.unparseable !== undefined) where.push(f.unparseable ? 'r.parse_problem IS NOT NULL' : 'r.parse_problem IS NULL');
  if (f.deadlineUnknown !== undefined) eq('r.deadline_unknown = ?', f.deadlineUnknown ? 1 : 0);
  if (f.doubtfulTime !== undefined) where.push(f.doubtfulTime ? '(r.time_in_future IS NOT NULL OR r.time_mismatch IS NOT NULL)' : '(r.time_in_future IS NULL AND r.time_mismatch IS NULL)');
  // Only a late or interrupted recording can need one: said first, in the words of its partial index (migration 0019).
  if (f.needsExplanation !== undefined) where.push(f.needsExplanation ? `(r.late OR r.interruption) AND ${NEEDS_EXPLANATION}` : `NOT ${NEEDS_EXPLANATION}`);
  const search = searchClauses(db, f);
  where.push(...search.where);
  args.push(...search.args);
  if (f.includeDuplicates === false) where.push('r.duplicate_of IS NULL');
  if (f.explained) eq('EXISTS (SELECT 1 FROM explanations x WHERE x.recording_id = r.id AND x.kind = ?)', f.explained);
  if (f.destroyed !== undefined) where.push(`${f.destroyed ? '' : 'NOT '}${destroyedExists('r.id')}`);
  return { clause: where.length ? `WHERE ${where.join(' AND ')}` : '', args };
}
