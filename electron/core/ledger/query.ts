import type { ReadableDB } from '../db/database.ts';
import { rowToEntry, type LedgerEntry, type LedgerRow } from './ledger.ts';

export type LedgerQuery = {
  action?: string; // exact action or a prefix ending in '.', e.g. 'user.'
  actions?: readonly string[]; // any of these exact actions
  exceptActions?: readonly string[]; // none of these exact actions
  actor?: string;
  subject?: string;
  from?: string; // ISO time, inclusive
  to?: string; // ISO time, exclusive
  offset?: number;
  limit?: number;
  order?: 'asc' | 'desc';
};

/** The WHERE clause of a ledger filter; every reader of the ledger (lists, register, reports) filters through here. */
export function ledgerFilter(q: Omit<LedgerQuery, 'offset' | 'limit' | 'order'>): { clause: string; args: unknown[] } {
  const where: string[] = [];
  const args: unknown[] = [];
  if (q.action) {
    if (q.action.endsWith('.')) {
      where.push('substr(action, 1, ?) = ?');
      args.push(q.action.length, q.action);
    } else {
      where.push('action = ?');
      args.push(q.action);
    }
  }
  if (q.actions) {
    where.push(`action IN (${q.actions.map(() => '?').join(', ') || 'NULL'})`);
    args.push(...q.actions);
  }
  if (q.exceptActions?.length) {
    where.push(`action NOT IN (${q.exceptActions.map(() => '?').join(', ')})`);
    args.push(...q.exceptActions);
  }
  if (q.actor) {
    where.push('actor = ?');
    args.push(q.actor);
  }
  if (q.subject) {
    where.push('subject = ?');
    args.push(q.subject);
  }
  if (q.from) {
    where.push('time >= ?');
    args.push(new Date(q.from).toISOString());
  }
  if (q.to) {
    where.push('time < ?');
    args.push(new Date(q.to).toISOString());
  }
  return { clause: where.length ? `WHERE ${where.join(' AND ')}` : '', args };
}

/**
 * How many entries a filter matches. By actor and action alone, from the counts the database keeps as entries are
 * appended (migration 0018): counting ten million rows for a page's total took seconds.
 */
export function countLedger(db: ReadableDB, q: Omit<LedgerQuery, 'offset' | 'limit' | 'order'>): number {
  const { clause, args } = ledgerFilter(q);
  if (q.subject || q.from || q.to) return (db.prepare(`SELECT COUNT(*) AS n FROM ledger ${clause}`).get(...args) as { n: number }).n;
  return (db.prepare(`SELECT COALESCE(SUM(n), 0) AS n FROM ledger_counts ${clause}`).get(...args) as { n: number }).n;
}

/** The statement of a ledger page, and its arguments (query.test.ts reads its plan). */
export function ledgerPage(q: LedgerQuery): { sql: string; args: unknown[] } {
  const { clause, args } = ledgerFilter(q);
  const order = q.order === 'asc' ? 'ASC' : 'DESC';
  // By one actor, the index (actor, seq, action) of migration 0019 gives the order and the action: the walk past
  // sessions left out never reads their rows.
  return { sql: `SELECT * FROM ledger ${clause} ORDER BY seq ${order} LIMIT ? OFFSET ?`, args: [...args, q.limit ?? 100, q.offset ?? 0] };
}

export function queryLedger(db: ReadableDB, q: LedgerQuery): { total: number; entries: LedgerEntry[] } {
  const total = countLedger(db, q);
  const { sql, args } = ledgerPage(q);
  const rows = db.prepare(sql).all(...args) as LedgerRow[];
  return { total, entries: rows.map(rowToEntry) };
}

/**
 * Sessions opening and closing: every CLI command logs in, so these are most of a day's entries
 * (issue #14 item 11). Lists leave them out unless asked; the ledger keeps them, and failed logins,
 * refusals and password changes are never among them.
 */
export const SESSION_ACTIONS = ['auth.login', 'auth.logout'] as const;

/** A list without session entries, saying how many it left out so that nobody wonders. */
export function queryLedgerWork(db: ReadableDB, q: LedgerQuery & { includeSessions: boolean }): { total: number; entries: LedgerEntry[]; sessionsHidden: number } {
  const { includeSessions, ...rest } = q;
  // Asking for a session action by name is asking to see it.
  const asked = SESSION_ACTIONS.some((a) => a === rest.action || (rest.action?.endsWith('.') && a.startsWith(rest.action)));
  const hide = !includeSessions && !asked;
  if (!hide) return { ...queryLedger(db, rest), sessionsHidden: 0 };
  const result = queryLedger(db, { ...rest, exceptActions: SESSION_ACTIONS });
  const sessionsHidden = countLedger(db, { ...rest, actions: SESSION_ACTIONS });
  return { ...result, sessionsHidden };
}

export function ledgerActions(db: ReadableDB): string[] {
  return (db.prepare('SELECT DISTINCT action FROM ledger ORDER BY action').all() as { action: string }[]).map((r) => r.action);
}

// The questions other features ask of the ledger (issue #11 item 2). Each keeps the statement its
// caller ran, so the indexes chosen (action, subject, time) stay the same on a long ledger.

function inList(actions: readonly string[]): string {
  return actions.length === 1 ? 'action = ?' : `action IN (${actions.map(() => '?').join(', ')})`;
}

type EntryHead = { seq: number; time: string; action: string; details: string };

/** The newest entry of any of `actions` (about `subject` when given), or undefined when there is none. */
export function latestEntryOf(db: ReadableDB, actions: readonly string[], subject?: string): EntryHead | undefined {
  const where = subject === undefined ? inList(actions) : `${inList(actions)} AND subject = ?`;
  const args = subject === undefined ? actions : [...actions, subject];
  return db.prepare(`SELECT seq, time, action, details FROM ledger WHERE ${where} ORDER BY seq DESC LIMIT 1`).get(...args) as EntryHead | undefined;
}

/** `latestEntryOf` prepared once, for a caller asking it about many subjects in a row. */
export function latestEntryBySubject(db: ReadableDB, action: string): (subject: string) => EntryHead | undefined {
  const stmt = db.prepare('SELECT seq, time, action, details FROM ledger WHERE action = ? AND subject = ? ORDER BY seq DESC LIMIT 1');
  return (subject) => stmt.get(action, subject) as EntryHead | undefined;
}

/** The seq of the newest entry of `action`, 0 when there is none. */
export function lastSeqOf(db: ReadableDB, action: string): number {
  return (db.prepare('SELECT COALESCE(MAX(seq), 0) AS n FROM ledger WHERE action = ?').get(action) as { n: number }).n;
}

/** The seq of the first entry of `action` about `subject`. */
export function firstSeqOf(db: ReadableDB, action: string, subject: string): number | undefined {
  return (db.prepare('SELECT seq FROM ledger WHERE action = ? AND subject = ? ORDER BY seq LIMIT 1').get(action, subject) as { seq: number } | undefined)?.seq;
}

/** The times of the entries of `action` after `afterSeq`, oldest first. */
export function timesOfAfter(db: ReadableDB, action: string, afterSeq: number): string[] {
  return (db.prepare('SELECT time FROM ledger WHERE action = ? AND seq > ? ORDER BY seq').raw().all(action, afterSeq) as [string][]).map((r) => r[0]);
}

/** The seqs of the entries of `actions` whose details carry `field` = `value` (a JSON path such as '$.caseId'), oldest first. */
export function seqsWithDetail(db: ReadableDB, actions: readonly string[], field: string, value: string): number[] {
  return (
    db.prepare(`SELECT seq FROM ledger WHERE ${inList(actions)} AND json_extract(details, ?) = ? ORDER BY seq`).all(...actions, field, value) as { seq: number }[]
  ).map((r) => r.seq);
}

/** Every entry a filter matches, oldest first, unpaged (the register prints them all). */
export function ledgerRowsMatching(db: ReadableDB, q: Omit<LedgerQuery, 'offset' | 'limit' | 'order'>): LedgerRow[] {
  const { clause, args } = ledgerFilter(q);
  return db.prepare(`SELECT * FROM ledger ${clause} ORDER BY seq`).all(...args) as LedgerRow[];
}

/** `count` entries from position `offset` (0-based), oldest first. */
export function ledgerRowsAt(db: ReadableDB, offset: number, count: number): LedgerRow[] {
  return db.prepare('SELECT * FROM ledger ORDER BY seq LIMIT ? OFFSET ?').all(count, offset) as LedgerRow[];
}

/** The entries of `actions`, oldest first, streamed: a report folds a million recordings' worth. */
export function iterateEntriesOf(db: ReadableDB, actions: readonly string[]): Iterable<{ time: string; subject: string; action: string; details: string }> {
  return db.prepare(`SELECT time, subject, action, details FROM ledger WHERE ${inList(actions)} ORDER BY seq`).iterate(...actions) as Iterable<{
    time: string;
    subject: string;
    action: string;
    details: string;
  }>;
}

/** The entries written in [fromIso, toIso), oldest first, streamed. */
export function iterateEntriesBetween(db: ReadableDB, fromIso: string, toIso: string): Iterable<LedgerRow> {
  return db.prepare('SELECT * FROM ledger WHERE time >= ? AND time < ? ORDER BY seq').iterate(fromIso, toIso) as Iterable<LedgerRow>;
}

/** How many entries the ledger holds (of a database copy, say, that no Ledger wraps). */
export function ledgerEntryCount(db: ReadableDB): number {
  return (db.prepare('SELECT COUNT(*) AS n FROM ledger').get() as { n: number }).n;
}

/** Every entry's seq, leaf hash and time, oldest first, streamed: enough to rebuild the tree and the head. */
export function iterateLeafTimes(db: ReadableDB): Iterable<{ seq: number; leaf_hash: string; time: string }> {
  return db.prepare('SELECT seq, leaf_hash, time FROM ledger ORDER BY seq').iterate() as Iterable<{ seq: number; leaf_hash: string; time: string }>;
}

/** The newest stored checkpoint of a database no Ledger wraps (a restore's copy). */
export function latestCheckpointRow(db: ReadableDB): { size: number; root: string; note: string } | undefined {
  return db.prepare('SELECT size, root, note FROM checkpoints ORDER BY size DESC LIMIT 1').get() as { size: number; root: string; note: string } | undefined;
}

export type AuthorityRow = { seq: number; actor: string; action: string; details: string; leaf_hash: string };

/**
 * For folding one subject's entries incrementally: the leaf hash at a seq (to see the last folded
 * entry is still there) and the entries of `actions` about a subject after a seq. Prepared once.
 */
export function subjectFoldReader(db: ReadableDB, actions: readonly string[]): { leafAt(seq: number): string | undefined; after(subject: string, seq: number): AuthorityRow[] } {
  const leafAt = db.prepare('SELECT leaf_hash FROM ledger WHERE seq = ?');
  const entriesAfter = db.prepare(`SELECT seq, actor, action, details, leaf_hash FROM ledger WHERE subject = ? AND seq > ? AND action IN (${actions.map(() => '?').join(',')}) ORDER BY seq`);
  return {
    leafAt: (seq) => (leafAt.get(seq) as { leaf_hash: string } | undefined)?.leaf_hash,
    after: (subject, seq) => entriesAfter.all(subject, seq, ...actions) as AuthorityRow[],
  };
}
