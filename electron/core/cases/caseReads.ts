// What other features ask of cases, case links and destroyed recordings (tables owned here, issue #11
// item 2): small reads, and the fragments the recordings catalogue keeps inside its own statement
// because it runs on a million recordings. A leaf module: cases.ts imports the catalogue, which
// imports this.
import type { ReadableDB } from '../db/database.ts';

type Db = Pick<ReadableDB, 'prepare'>;

/** `EXISTS (…)`: the recording whose id is in the column given was destroyed. */
export function destroyedExists(recordingIdColumn: string): string {
  return `EXISTS (SELECT 1 FROM destroyed_recordings d WHERE d.recording_id = ${recordingIdColumn})`;
}

/** `LEFT JOIN destroyed_recordings <alias>` on the recording id column given; see destroyedColumns. */
export function destroyedJoin(alias: string, recordingIdColumn: string): string {
  return `LEFT JOIN destroyed_recordings ${alias} ON ${alias}.recording_id = ${recordingIdColumn}`;
}

/** The destruction's columns through destroyedJoin's alias: destroyed_at, destroyed_batch, destroyed_by (null while kept). */
export function destroyedColumns(alias: string): string {
  return `${alias}.destroyed_at AS destroyed_at, ${alias}.batch_id AS destroyed_batch, ${alias}.destroyed_by AS destroyed_by`;
}

/** `<column> IN (…)`: the recording is linked now (not unlinked) to one of `count` cases, bound as `?` in order. */
export function linkedNowToCases(recordingIdColumn: string, count: number): string {
  const list = Array.from({ length: count }, () => '?').join(', ');
  return `${recordingIdColumn} IN (SELECT l.recording_id FROM case_links l WHERE l.case_id IN (${list}) AND l.unlinked_at IS NULL)`;
}

/** Every case's id and 案号; the cases table is small next to the catalogue. */
export function caseNumbers(db: Db): { id: string; caseNumber: string }[] {
  return (db.prepare('SELECT id, case_number FROM cases').all() as { id: string; case_number: string }[]).map((c) => ({ id: c.id, caseNumber: c.case_number }));
}

/** The 案号 of a case the station keeps, or undefined. */
export function caseNumberById(db: Db, caseId: string): string | undefined {
  const row = db.prepare('SELECT case_number FROM cases WHERE id = ?').get(caseId) as { case_number: string } | undefined;
  return row?.case_number;
}

/** The note of the recording's latest link still in force (to that case when one is given), or undefined. */
export function currentLinkNote(db: Db, caseId: string | null, recordingId: string): string | undefined {
  const row = caseId
    ? (db.prepare('SELECT note FROM case_links WHERE case_id = ? AND recording_id = ? AND unlinked_at IS NULL ORDER BY id DESC LIMIT 1').get(caseId, recordingId) as { note: string } | undefined)
    : (db.prepare('SELECT note FROM case_links WHERE recording_id = ? AND unlinked_at IS NULL ORDER BY id DESC LIMIT 1').get(recordingId) as { note: string } | undefined);
  return row?.note;
}
