// Rows of migration 0004 as the objects the api hands out. Reads only, plus the few updates the
// burn service makes inside its transactions.
import type { ReadableDB, WritableDB } from '../db/database.ts';
import type { ErrorParams } from '../errors.ts';
import type { MediaId } from './profiles.ts';
import type { BurnTarget } from './ports.ts';
import type { JobState, BurnMediumState as MediumState, ShaCheck, Verification, BurnMedium, BurnDisc, BurnJob } from '../../shared/events.ts';
export type { JobState, MediumState, ShaCheck, Verification, BurnMedium, BurnDisc, BurnJob };

type JobRow = {
  id: string;
  number: number;
  request_id: string;
  operator: string;
  media: MediaId;
  capacity: number;
  target_kind: BurnTarget['kind'];
  target: string;
  copies: number;
  set_id: string;
  disc_count: number;
  volume_label: string | null;
  place: string | null;
  remarks: string | null;
  state: JobState;
  owner_pid: number | null;
  error_code: string | null;
  error_params: string | null;
  created_at: string;
  ended_at: string | null;
  started_seq: number;
};

type DiscRow = {
  job_id: string;
  disc_index: number;
  recordings: string;
  names: string;
  bytes: number;
  volume_id: string;
  package_id: string | null;
  created_at: string | null;
  manifest_sha256: string | null;
  note_html: string | null;
};

type MediumRow = {
  id: number;
  job_id: string;
  disc_index: number;
  copy: number;
  attempt: number;
  state: MediumState;
  writer: string;
  location: string;
  media_id: string | null;
  volume_id: string;
  verification: string | null;
  error_code: string | null;
  error_params: string | null;
  started_at: string;
  ended_at: string | null;
  ledger_seq: number | null;
};

export function targetOf(kind: BurnTarget['kind'], value: string): BurnTarget {
  return kind === 'drive' ? { kind, device: value } : { kind, path: value };
}

export function targetValue(t: BurnTarget): string {
  return t.kind === 'drive' ? t.device : t.path;
}

const errorOf = (code: string | null, params: string | null) => (code ? { code, params: params ? (JSON.parse(params) as ErrorParams) : {} } : null);

export class JobStore {
  private readonly db: WritableDB;
  constructor(db: WritableDB) {
    this.db = db;
  }

  private get reader(): ReadableDB {
    return this.db;
  }

  nextNumber(): number {
    return ((this.reader.prepare('SELECT MAX(number) AS n FROM burn_jobs').get() as { n: number | null }).n ?? 0) + 1;
  }

  insertJob(j: Omit<BurnJob, 'discs' | 'verified' | 'error' | 'endedAt' | 'ownerPid'> & { number: number; startedSeq: number }): void {
    this.db
      .prepare(
        `INSERT INTO burn_jobs (id, number, request_id, operator, media, capacity, target_kind, target, copies, set_id, disc_count, volume_label, place, remarks, state, owner_pid, created_at, started_seq)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(j.id, j.number, j.requestId, j.operator, j.media, j.capacityBytes, j.target.kind, targetValue(j.target), j.copies, j.setId, j.discCount, j.volumeLabel, j.place, j.remarks, j.state, process.pid, j.createdAt, j.startedSeq);
  }

  insertDisc(jobId: string, d: { index: number; recordings: string[]; names: string[]; bytes: number; volumeId: string }): void {
    this.db
      .prepare('INSERT INTO burn_discs (job_id, disc_index, recordings, names, bytes, volume_id) VALUES (?, ?, ?, ?, ?, ?)')
      .run(jobId, d.index, JSON.stringify(d.recordings), JSON.stringify(d.names), d.bytes, d.volumeId);
  }

  setPackage(jobId: string, disc: number, p: { packageId: string; createdAt: string; manifestSha256: string; noteHtml: string }): void {
    this.db
      .prepare('UPDATE burn_discs SET package_id = ?, created_at = ?, manifest_sha256 = ?, note_html = ? WHERE job_id = ? AND disc_index = ?')
      .run(p.packageId, p.createdAt, p.manifestSha256, p.noteHtml, jobId, disc);
  }

  noteHtml(jobId: string, disc: number): string | null {
    return (this.reader.prepare('SELECT note_html FROM burn_discs WHERE job_id = ? AND disc_index = ?').get(jobId, disc) as { note_html: string | null } | undefined)?.note_html ?? null;
  }

  setState(jobId: string, state: JobState, extra: { error?: { code: string; params: ErrorParams } | null; ended?: string | null; ownerPid?: number | null; target?: BurnTarget } = {}): void {
    const sets = ['state = ?'];
    const args: unknown[] = [state];
    if (extra.error !== undefined) {
      sets.push('error_code = ?', 'error_params = ?');
      args.push(extra.error?.code ?? null, extra.error ? JSON.stringify(extra.error.params) : null);
    }
    if (extra.ended !== undefined) {
      sets.push('ended_at = ?');
      args.push(extra.ended);
    }
    if (extra.ownerPid !== undefined) {
      sets.push('owner_pid = ?');
      args.push(extra.ownerPid);
    }
    if (extra.target) {
      sets.push('target_kind = ?', 'target = ?');
      args.push(extra.target.kind, targetValue(extra.target));
    }
    this.db.prepare(`UPDATE burn_jobs SET ${sets.join(', ')} WHERE id = ?`).run(...args, jobId);
  }

  nextAttempt(jobId: string, disc: number, copy: number): number {
    return ((this.reader.prepare('SELECT MAX(attempt) AS n FROM burn_media WHERE job_id = ? AND disc_index = ? AND copy = ?').get(jobId, disc, copy) as { n: number | null }).n ?? 0) + 1;
  }

  insertMedium(m: { jobId: string; disc: number; copy: number; attempt: number; writer: string; location: string; volumeId: string; startedAt: string }): number {
    return Number(
      this.db
        .prepare(`INSERT INTO burn_media (job_id, disc_index, copy, attempt, state, writer, location, volume_id, started_at) VALUES (?, ?, ?, ?, 'writing', ?, ?, ?, ?)`)
        .run(m.jobId, m.disc, m.copy, m.attempt, m.writer, m.location, m.volumeId, m.startedAt).lastInsertRowid,
    );
  }

  updateMedium(
    id: number,
    u: { state: MediumState; mediaId?: string | null; verification?: Verification | null; error?: { code: string; params: ErrorParams } | null; ended?: string | null; ledgerSeq?: number | null },
  ): void {
    const sets = ['state = ?'];
    const args: unknown[] = [u.state];
    const add = (col: string, v: unknown) => {
      sets.push(`${col} = ?`);
      args.push(v);
    };
    if (u.mediaId !== undefined) add('media_id', u.mediaId);
    if (u.verification !== undefined) add('verification', u.verification ? JSON.stringify(u.verification) : null);
    if (u.error !== undefined) {
      add('error_code', u.error?.code ?? null);
      add('error_params', u.error ? JSON.stringify(u.error.params) : null);
    }
    if (u.ended !== undefined) add('ended_at', u.ended);
    if (u.ledgerSeq !== undefined) add('ledger_seq', u.ledgerSeq);
    this.db.prepare(`UPDATE burn_media SET ${sets.join(', ')} WHERE id = ?`).run(...args, id);
  }

  /** Media left mid-write by a process that is gone. */
  /**
   * The job (other than `exceptJob`) that already holds verified media of this request, with how
   * many: a burn approval's copies are reserved by the first job that burns one, across retries.
   */
  jobHoldingCopies(requestId: string, exceptJob: string | null): { jobId: string; burned: number; planned: number } | null {
    const row = this.reader
      .prepare(
        `SELECT j.id AS job_id, COUNT(*) AS burned, j.copies * j.disc_count AS planned FROM burn_media m JOIN burn_jobs j ON j.id = m.job_id
         WHERE j.request_id = ? AND m.state = 'verified' AND j.id != ? GROUP BY j.id ORDER BY j.number LIMIT 1`,
      )
      .get(requestId, exceptJob ?? '') as { job_id: string; burned: number; planned: number } | undefined;
    return row ? { jobId: row.job_id, burned: row.burned, planned: row.planned } : null;
  }

  isVerified(jobId: string, disc: number, copy: number): boolean {
    return this.reader.prepare("SELECT 1 FROM burn_media WHERE job_id = ? AND disc_index = ? AND copy = ? AND state = 'verified'").get(jobId, disc, copy) !== undefined;
  }

  unfinishedMedia(jobId: string): BurnMedium[] {
    return (this.reader.prepare("SELECT * FROM burn_media WHERE job_id = ? AND state IN ('writing', 'verifying')").all(jobId) as MediumRow[]).map(toMedium);
  }

  get(id: string): BurnJob | null {
    const row = this.reader.prepare('SELECT * FROM burn_jobs WHERE id = ?').get(id) as JobRow | undefined;
    return row ? this.toJob(row) : null;
  }

  list(filter: { requestId?: string; states?: JobState[]; limit?: number } = {}): BurnJob[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.requestId) {
      where.push('request_id = ?');
      args.push(filter.requestId);
    }
    if (filter.states?.length) {
      where.push(`state IN (${filter.states.map(() => '?').join(', ')})`);
      args.push(...filter.states);
    }
    const rows = this.reader.prepare(`SELECT * FROM burn_jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY number DESC LIMIT ?`).all(...args, filter.limit ?? 200) as JobRow[];
    return rows.map((r) => this.toJob(r));
  }

  private toJob(row: JobRow): BurnJob {
    const media = (this.reader.prepare('SELECT * FROM burn_media WHERE job_id = ? ORDER BY disc_index, copy, attempt').all(row.id) as MediumRow[]).map(toMedium);
    const discs = (this.reader.prepare('SELECT * FROM burn_discs WHERE job_id = ? ORDER BY disc_index').all(row.id) as DiscRow[]).map(
      (d): BurnDisc => ({
        index: d.disc_index,
        recordings: JSON.parse(d.recordings) as string[],
        names: JSON.parse(d.names) as string[],
        bytes: d.bytes,
        volumeId: d.volume_id,
        packageId: d.package_id,
        createdAt: d.created_at,
        manifestSha256: d.manifest_sha256,
        media: media.filter((m) => m.disc === d.disc_index),
      }),
    );
    return {
      id: row.id,
      requestId: row.request_id,
      operator: row.operator,
      media: row.media,
      capacityBytes: row.capacity,
      target: targetOf(row.target_kind, row.target),
      copies: row.copies,
      setId: row.set_id,
      discCount: row.disc_count,
      volumeLabel: row.volume_label,
      place: row.place,
      remarks: row.remarks,
      state: row.state,
      ownerPid: row.owner_pid,
      error: errorOf(row.error_code, row.error_params),
      createdAt: row.created_at,
      endedAt: row.ended_at,
      discs,
      verified: media.filter((m) => m.state === 'verified').length,
    };
  }
}

function toMedium(r: MediumRow): BurnMedium {
  return {
    id: r.id,
    disc: r.disc_index,
    copy: r.copy,
    attempt: r.attempt,
    state: r.state,
    writer: r.writer,
    location: r.location,
    mediaId: r.media_id,
    volumeId: r.volume_id,
    verification: r.verification ? (JSON.parse(r.verification) as Verification) : null,
    error: errorOf(r.error_code, r.error_params),
    startedAt: r.started_at,
    endedAt: r.ended_at,
    ledgerSeq: r.ledger_seq,
  };
}
