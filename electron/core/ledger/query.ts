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

export function queryLedger(db: ReadableDB, q: LedgerQuery): { total: number; entries: LedgerEntry[] } {
  const { clause, args } = ledgerFilter(q);
  const total = countLedger(db, q);
  const order = q.order === 'asc' ? 'ASC' : 'DESC';
  const rows = db
    .prepare(`SELECT * FROM ledger ${clause} ORDER BY seq ${order} LIMIT ? OFFSET ?`)
    .all(...args, q.limit ?? 100, q.offset ?? 0) as LedgerRow[];
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
