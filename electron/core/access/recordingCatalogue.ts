import type { ReadableDB } from '../db/database.ts';
import type { RecordingCatalogue, RecordingRef } from './requests.ts';

type Row = {
  id: string;
  object_id: string;
  sha256: string;
  size: number;
  original_name: string;
  ingest_seq: number;
  recorded_at: string | null;
  officer_badge: string | null;
  recorder_serial: string | null;
  case_id: string | null;
};

/** The access rules' view of the ingest catalogue (table `recordings`, migration 0002). */
export class SqlRecordingCatalogue implements RecordingCatalogue {
  private readonly db: ReadableDB;
  constructor(db: ReadableDB) {
    this.db = db;
  }

  get(id: string): RecordingRef | null {
    const r = this.db
      .prepare('SELECT id, object_id, sha256, size, original_name, ingest_seq, recorded_at, officer_badge, recorder_serial, case_id FROM recordings WHERE id = ?')
      .get(id) as Row | undefined;
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
}
