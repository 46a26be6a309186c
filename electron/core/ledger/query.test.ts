// A ledger page's totals come from the counts the database keeps (migration 0018), not from counting the table: they
// must equal a count of the rows for every filter they answer, including after a write that rolled back.
import { afterEach, describe, expect, it } from 'vitest';
import { countLedger, ledgerFilter, ledgerPage, queryLedgerWork, SESSION_ACTIONS, type LedgerQuery } from './query.ts';
import { createTestStation, type TestStation } from '../../../tests/support/testStation.ts';

let t: TestStation | null = null;
afterEach(() => {
  t?.cleanup();
  t = null;
});

function counted(s: TestStation, q: Omit<LedgerQuery, 'offset' | 'limit' | 'order'>): number {
  const { clause, args } = ledgerFilter(q);
  return (s.station.db.prepare(`SELECT COUNT(*) AS n FROM ledger ${clause}`).get(...args) as { n: number }).n;
}

describe('ledger totals from the kept counts', () => {
  it('equal a count of the rows for actor and action filters, and a rolled-back write leaves no count behind', async () => {
    t = await createTestStation();
    const s = t;
    for (let i = 0; i < 30; i++) {
      s.station.write(() => s.station.ledger.append({ actor: i % 3 === 0 ? 'keeper' : 'admin', action: i % 2 === 0 ? 'auth.login' : 'test.work', subject: `x:${i}` }));
    }
    expect(() =>
      s.station.write(() => {
        s.station.ledger.append({ actor: 'keeper', action: 'test.rolled_back', subject: 'y' });
        throw new Error('roll back');
      }),
    ).toThrow('roll back');
    const filters: Omit<LedgerQuery, 'offset' | 'limit' | 'order'>[] = [
      {},
      { actor: 'keeper' },
      { action: 'test.work' },
      { action: 'test.' },
      { action: 'test.rolled_back' },
      { actions: ['auth.login', 'auth.logout'] },
      { exceptActions: ['auth.login', 'auth.logout'], actor: 'admin' },
    ];
    for (const q of filters) expect(countLedger(s.station.db, q), JSON.stringify(q)).toBe(counted(s, q));
    expect(countLedger(s.station.db, { action: 'test.rolled_back' })).toBe(0);
    // With a subject or a period the rows themselves are counted.
    expect(countLedger(s.station.db, { subject: 'x:3' })).toBe(1);
    const page = queryLedgerWork(s.station.db, { includeSessions: false, limit: 5 });
    expect(page.total).toBe(counted(s, { exceptActions: ['auth.login', 'auth.logout'] }));
    expect(page.sessionsHidden).toBe(counted(s, { actions: ['auth.login', 'auth.logout'] }));
  });

  it('pages one actor without sessions from the (actor, seq, action) index alone, newest first, without sorting', async () => {
    t = await createTestStation();
    const s = t;
    s.station.write(() => {
      for (let i = 0; i < 300; i++) s.station.ledger.append({ actor: 'auditor1', action: i % 50 === 7 ? 'view.spot_check' : i % 2 ? 'auth.logout' : 'auth.login', subject: `x:${i}` });
    });
    const q = { actor: 'auditor1', exceptActions: SESSION_ACTIONS, limit: 100 };
    const { sql, args } = ledgerPage(q);
    const plan = (s.station.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[]).map((r) => r.detail);
    expect(plan, plan.join('\n')).toEqual([expect.stringMatching(/^SEARCH ledger USING INDEX ledger_actor_seq \(actor=\?\)$/)]);
    const page = queryLedgerWork(s.station.db, { actor: 'auditor1', includeSessions: false, limit: 100 });
    expect(page.entries.map((e) => e.action)).toEqual(Array(6).fill('view.spot_check'));
    expect(page.entries.map((e) => e.seq)).toEqual([...page.entries.map((e) => e.seq)].sort((a, b) => b - a));
    expect(page.total).toBe(6);
  });
});
