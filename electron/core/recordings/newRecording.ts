// A new catalogue row, named field by field. The insert is built from the column map below, so a
// field cannot land in its neighbour's column the way a value in a 59-placeholder list can.
import type { FutureTime, RecordedAtReason, TimeMismatch } from '../ingest/metadata.ts';
import type { Recording } from './catalogue.ts';

export type NewRecording = {
  id: string;
  number: number;
  objectId: string;
  sha256: string;
  size: number;
  duplicateOf: string | null;
  /** The seq of the recording.ingested ledger entry written in the same transaction. */
  ingestSeq: number;
  agencyCode: string;
  agencyName: string;
  recorderSerial: string | null;
  recorderSource: string | null;
  officerBadge: string | null;
  officerSource: string | null;
  nameCaseNumber: string | null;
  recordedAt: string;
  recordedAtSource: string;
  recordedEndAt: string;
  storedAt: string;
  times: { name: string | null; nameRaw: string | null; metadata: string | null; metadataSource: string | null; filesystem: string };
  nameRule: string;
  nameRulesMatched: { rule: string; models: string[] }[];
  nameSequence: number | null;
  important: boolean;
  kind: Recording['kind'];
  format: string;
  durationSeconds: number | null;
  width: number | null;
  height: number | null;
  videoCodec: string | null;
  audioCodec: string | null;
  parseProblem: { reason: string; detail: string } | null;
  originalName: string;
  source: { kind: 'volume' | 'folder'; key: string; root: string; device: string | null; path: string; pathHex: string; size: number; mtimeMs: number };
  sessionId: number;
  ingestedBy: string;
  handover: { rule: unknown; deadline: string | null; late: boolean; deadlineUnknown: boolean };
  interruption: { after: string; gapSeconds: number } | null;
  changedDuringRead: boolean;
  recordedAtReason: RecordedAtReason;
  timeInFuture: FutureTime[];
  timeMismatch: TimeMismatch[];
  clockDrift: { seconds: number; source: string } | null;
};

const flag = (b: boolean): number => (b ? 1 : 0);
const jsonOrNull = (list: readonly unknown[]): string | null => (list.length > 0 ? JSON.stringify(list) : null);

/** Column → value, in the table's terms. */
export function recordingColumns(r: NewRecording): Record<string, string | number | null> {
  return {
    id: r.id,
    number: r.number,
    object_id: r.objectId,
    sha256: r.sha256,
    size: r.size,
    duplicate_of: r.duplicateOf,
    ingest_seq: r.ingestSeq,
    agency_code: r.agencyCode,
    agency_name: r.agencyName,
    recorder_serial: r.recorderSerial,
    recorder_source: r.recorderSource,
    officer_badge: r.officerBadge,
    officer_source: r.officerSource,
    name_case_number: r.nameCaseNumber,
    recorded_at: r.recordedAt,
    recorded_at_source: r.recordedAtSource,
    recorded_end_at: r.recordedEndAt,
    stored_at: r.storedAt,
    name_time: r.times.name,
    name_time_raw: r.times.nameRaw,
    meta_time: r.times.metadata,
    meta_time_source: r.times.metadataSource,
    fs_time: r.times.filesystem,
    name_rule: r.nameRule,
    name_sequence: r.nameSequence,
    important: flag(r.important),
    kind: r.kind,
    format: r.format,
    duration_seconds: r.durationSeconds,
    width: r.width,
    height: r.height,
    video_codec: r.videoCodec,
    audio_codec: r.audioCodec,
    parse_problem: r.parseProblem ? JSON.stringify(r.parseProblem) : null,
    original_name: r.originalName,
    source_kind: r.source.kind,
    source_key: r.source.key,
    source_root: r.source.root,
    source_device: r.source.device,
    source_path: r.source.path,
    source_path_hex: r.source.pathHex,
    source_size: r.source.size,
    source_mtime_ms: r.source.mtimeMs,
    session_id: r.sessionId,
    ingested_by: r.ingestedBy,
    handover_rule: JSON.stringify(r.handover.rule),
    handover_deadline: r.handover.deadline,
    late: flag(r.handover.late),
    interruption: flag(r.interruption !== null),
    interruption_after: r.interruption?.after ?? null,
    interruption_gap_seconds: r.interruption?.gapSeconds ?? null,
    changed_during_read: flag(r.changedDuringRead),
    recorded_at_reason: JSON.stringify(r.recordedAtReason),
    time_in_future: jsonOrNull(r.timeInFuture),
    time_mismatch: jsonOrNull(r.timeMismatch),
    deadline_unknown: flag(r.handover.deadlineUnknown),
    name_rules_matched: JSON.stringify(r.nameRulesMatched),
    clock_drift_seconds: r.clockDrift?.seconds ?? null,
    clock_drift_source: r.clockDrift?.source ?? null,
  };
}
