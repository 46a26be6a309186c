// What other features ask of the officer and recorder registry (tables owned here, issue #11 item 2):
// small reads, and the JOINs the catalogue keeps inside its own statement because it runs on a
// million recordings. A leaf module: registry.ts names Recordings, and the catalogue imports this.
import type { ReadableDB } from '../db/database.ts';

type Db = Pick<ReadableDB, 'prepare'>;

/** `LEFT JOIN officers <alias>` on the badge column given, for a SELECT that wants the officer's name. */
export function officerJoin(alias: string, badgeColumn: string): string {
  return `LEFT JOIN officers ${alias} ON ${alias}.badge = ${badgeColumn}`;
}

/** `LEFT JOIN recorders <alias>` on the serial column given; `<alias>.serial IS NOT NULL` says it is registered. */
export function recorderJoin(alias: string, serialColumn: string): string {
  return `LEFT JOIN recorders ${alias} ON ${alias}.serial = ${serialColumn}`;
}

export function officerRegistered(db: Db, badge: string): boolean {
  return db.prepare('SELECT 1 FROM officers WHERE badge = ?').get(badge) !== undefined;
}

export function recorderRegistered(db: Db, serial: string): boolean {
  return db.prepare('SELECT 1 FROM recorders WHERE serial = ?').get(serial) !== undefined;
}

/** The name registered under a 警号, or null when no officer has it. */
export function registeredOfficerName(db: Db, badge: string): string | null {
  const row = db.prepare('SELECT name FROM officers WHERE badge = ?').get(badge) as { name: string } | undefined;
  return row?.name ?? null;
}
