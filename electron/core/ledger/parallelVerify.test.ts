// The parallel ledger verifier (issue 16, target 5) must agree with the sequential one: on an honest ledger it gives
// the same result by itself, and any tampering — including the kinds only visible across a range boundary — leaves the
// verdict (and the first bad entry it names) to the sequential pass.
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestStation, type TestStation } from '../../../tests/support/testStation.ts';
import { entryBytes, leafHash } from './entryHash.ts';
import { checkCoverageAndHead, GENESIS_PREV, headClaims, verifyLedger, verifyLedgerSequentially, type LedgerVerifyOptions } from './ledger.ts';
import { buildTreeInParallel, verifyLedgerInParallel } from './parallelVerify.ts';
import { MerkleAccumulator } from './merkle.ts';

let t: TestStation | null = null;
afterEach(() => {
  t?.cleanup();
  t = null;
});

const ENTRIES = 1000;

async function stationWithEntries(): Promise<TestStation> {
  const s = await createTestStation();
  while (s.station.ledger.size < ENTRIES) {
    s.station.write(() => {
      for (let i = 0; i < 50; i++) s.station.ledger.append({ actor: 'admin', action: 'test.filler', subject: `x${s.station.ledger.size}`, details: { n: s.station.ledger.size, 名: '证据' } });
    });
  }
  return s;
}

function options(s: TestStation): LedgerVerifyOptions {
  return { checkpointEvery: s.station.ledger.checkpointEvery, head: s.station.ledger.readHeadRecord() };
}

function parallelOnly(s: TestStation, rangeSize: number, workers?: number) {
  const opts = options(s);
  const pub = s.station.publicKey();
  const total = (s.station.db.prepare('SELECT COUNT(*) AS n FROM ledger').get() as { n: number }).n;
  return verifyLedgerInParallel(s.station.db, pub, s.station.origin, total, undefined, { ...opts, parallelFrom: 1, rangeSize, workers }, {
    genesisPrev: GENESIS_PREV,
    headClaims: (h) => headClaims(h, pub, s.station.origin),
    checkCoverageAndHead: (input) => checkCoverageAndHead({ ...input, total, publicKey: pub, keyName: s.station.origin, options: opts }),
  });
}

function sequential(s: TestStation) {
  const total = (s.station.db.prepare('SELECT COUNT(*) AS n FROM ledger').get() as { n: number }).n;
  return verifyLedgerSequentially(s.station.db, s.station.publicKey(), s.station.origin, total, undefined, options(s));
}

function verifyAll(s: TestStation, rangeSize: number) {
  return verifyLedger(s.station.db, s.station.publicKey(), s.station.origin, undefined, { ...options(s), parallelFrom: 1, rangeSize });
}

/** Opens the station's database as a forger would, triggers dropped. */
function forge(s: TestStation, edit: (db: Database.Database) => void): void {
  const db = new Database(s.station.db.name);
  try {
    db.exec('DROP TRIGGER IF EXISTS ledger_no_update; DROP TRIGGER IF EXISTS ledger_no_delete; DROP TRIGGER IF EXISTS checkpoints_no_delete;');
    edit(db);
  } finally {
    db.close();
  }
}

/** Rewrites entries from seq on with their hashes and chain recomputed, so only what changed shows. */
function rewriteFrom(db: Database.Database, seq: number, change: (row: Record<string, string | number>) => Record<string, string | number>): void {
  let prev = seq === 1 ? GENESIS_PREV : (db.prepare('SELECT leaf_hash FROM ledger WHERE seq = ?').get(seq - 1) as { leaf_hash: string }).leaf_hash;
  for (const original of db.prepare('SELECT * FROM ledger WHERE seq >= ? ORDER BY seq').all(seq) as Record<string, string | number>[]) {
    const row = original.seq === seq ? change(original) : original;
    const prevHash = original.seq === seq && row.prev_hash !== original.prev_hash ? String(row.prev_hash) : prev;
    const leaf = leafHash(
      entryBytes({ seq: Number(row.seq), time: String(row.time), actor: String(row.actor), action: String(row.action), subject: String(row.subject), details: JSON.parse(String(row.details)), prev: prevHash }),
    ).toString('hex');
    db.prepare('UPDATE ledger SET time = ?, actor = ?, prev_hash = ?, leaf_hash = ? WHERE seq = ?').run(row.time, row.actor, prevHash, leaf, row.seq);
    prev = leaf;
  }
}

describe('ledger verify in parallel ranges', () => {
  it('gives the sequential result on an honest ledger, whatever the range size', async () => {
    t = await stationWithEntries();
    const expected = sequential(t);
    expect(expected).toMatchObject({ ok: true, head: 'authenticated' });
    expect((expected as { checkpoints: number }).checkpoints).toBeGreaterThan(5);
    for (const rangeSize of [16, 64, 256, 4096]) expect(parallelOnly(t, rangeSize)).toEqual(expected);
    // The calling thread takes ranges beside the workers: alone, with one, with more workers than cores.
    for (const workers of [0, 1, 3]) expect(parallelOnly(t, 32, workers), `${workers} workers`).toEqual(expected);
  });

  it('leaves every kind of tampering to the sequential pass, which names the same first bad entry', async () => {
    const cases: [string, (db: Database.Database) => void][] = [
      ['edited details', (db) => db.prepare('UPDATE ledger SET details = ? WHERE seq = 300').run('{"n":1}')],
      ['a deleted row', (db) => db.prepare('DELETE FROM ledger WHERE seq = 500').run()],
      ['a rewritten entry with its hashes recomputed', (db) => rewriteFrom(db, 700, (r) => ({ ...r, actor: 'mallory' }))],
      // Range boundaries at 64: each of these is invisible inside any one range.
      ['time set back at the first entry of a range', (db) => rewriteFrom(db, 129, (r) => ({ ...r, time: '2020-01-01T00:00:00.000Z' }))],
      ['the chain cut at the first entry of a range', (db) => rewriteFrom(db, 193, (r) => ({ ...r, prev_hash: 'ab'.repeat(32) }))],
      ['a checkpoint deleted', (db) => db.prepare('DELETE FROM checkpoints WHERE size = (SELECT MIN(size) FROM checkpoints WHERE size > 400)').run()],
    ];
    for (const [name, edit] of cases) {
      t?.cleanup();
      t = await stationWithEntries();
      forge(t, edit);
      const expected = sequential(t);
      expect(expected.ok, name).toBe(false);
      expect(parallelOnly(t, 64), name).toBeNull();
      // Whichever thread checks the range in doubt, the caller's own or a worker's.
      expect(parallelOnly(t, 64, 0), name).toBeNull();
      expect(verifyAll(t, 64), name).toEqual(expected);
    }
  });

  it('one thread reads the rows in pages of 4,096 and still names a gap at either side of a page boundary', async () => {
    t = await createTestStation();
    const s = t.station;
    while (s.ledger.size < 4200) s.write(() => { for (let i = 0; i < 500; i++) s.ledger.append({ actor: 'admin', action: 'test.filler', subject: `x${s.ledger.size}` }); });
    const honest = sequential(t);
    expect(honest).toMatchObject({ ok: true, size: s.ledger.size, root: s.ledger.root().toString('hex') });
    for (const seq of [4096, 4097]) {
      t.cleanup();
      t = await createTestStation();
      const st = t.station;
      while (st.ledger.size < 4200) st.write(() => { for (let i = 0; i < 500; i++) st.ledger.append({ actor: 'admin', action: 'test.filler', subject: `x${st.ledger.size}` }); });
      forge(t, (db) => db.prepare('DELETE FROM ledger WHERE seq = ?').run(seq));
      expect(sequential(t), `${seq}`).toMatchObject({ ok: false, firstBadSeq: seq, reason: 'missing' });
    }
  });

  it('builds the running tree on worker threads exactly as one thread does, and declines what it cannot do', async () => {
    t = await stationWithEntries();
    const db = t.station.db;
    const size = t.station.ledger.size;
    const leaves = db.prepare('SELECT leaf_hash FROM ledger ORDER BY seq').pluck().all() as string[];
    const one = MerkleAccumulator.fromHexLeaves(leaves);
    expect(one.root().equals(t.station.ledger.root())).toBe(true);
    // Whole ranges only, a short last range, one range, ranges smaller than a worker's share.
    // This thread folds ranges beside the workers: with none, one, two.
    for (const rangeSize of [8, 64, 256, 1024, 4096]) {
      for (const n of [size, 512, 777, 1]) {
        for (const workers of [0, 1, 2]) {
          const tree = buildTreeInParallel(db, n, { parallelFrom: 1, rangeSize, workers });
          expect(tree, `${rangeSize} ${n} ${workers}`).not.toBeNull();
          expect(tree?.toJSON(), `${rangeSize} ${n} ${workers}`).toEqual(MerkleAccumulator.fromHexLeaves(leaves.slice(0, n)).toJSON());
        }
      }
    }
    // Too small for threads, or rows the workers cannot see: the caller builds it itself.
    expect(buildTreeInParallel(db, size)).toBeNull();
    expect(db.transaction(() => buildTreeInParallel(db, size, { parallelFrom: 1, rangeSize: 64, workers: 2 }))()).toBeNull();
    // More entries asked for than the table holds: doubt, not a tree.
    expect(buildTreeInParallel(db, size + 5, { parallelFrom: 1, rangeSize: 64, workers: 2 })).toBeNull();
    // A leaf hash that is not 64 hex digits: doubt too (one thread then throws ledger.leaf_invalid, as before).
    forge(t, (f) => f.prepare("UPDATE ledger SET leaf_hash = 'zz' WHERE seq = 300").run());
    expect(buildTreeInParallel(db, size, { parallelFrom: 1, rangeSize: 64, workers: 2 })).toBeNull();
    expect(buildTreeInParallel(db, size, { parallelFrom: 1, rangeSize: 64, workers: 0 })).toBeNull();
    // 64 characters with one that is not hex: the same.
    forge(t, (f) => f.prepare('UPDATE ledger SET leaf_hash = ? WHERE seq = 300').run(`${'ab'.repeat(31)}ag`));
    expect(buildTreeInParallel(db, size, { parallelFrom: 1, rangeSize: 64, workers: 0 })).toBeNull();
    expect(() => MerkleAccumulator.fromHexLeaves(db.prepare('SELECT leaf_hash FROM ledger ORDER BY seq').pluck().all())).toThrow();
  });
});
