// The ledger's head record, the alarm, the coverage rule and the clock that never runs behind
// the ledger, in process with a ManualClock (the CLI-level tests are tests/integration/ledgerTrust.test.ts).
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LedgerClock, ManualClock } from '../clock.ts';
import { Station } from '../station.ts';
import { openDatabase } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import { rawPublicKey } from './checkpoint.ts';
import { HEAD_FILE } from './head.ts';
import { Ledger, verifyLedger } from './ledger.ts';
import { createTestStation, PASSPHRASE, type TestStation } from '../../../tests/support/testStation.ts';

let t: TestStation | null = null;
const dirs: string[] = [];
afterEach(() => {
  t?.cleanup();
  t = null;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const fill = (s: TestStation, n: number) => {
  for (let i = 0; i < n; i++) s.station.write(() => s.station.ledger.append({ actor: 'admin', action: 'test.filler', subject: 'x' }));
};

describe('the station clock never runs behind its ledger', () => {
  it('defect 10: set back 3 days, time holds at the ledger\'s last time, the jump is ledgered once and shown, and verify passes', async () => {
    const clock = new ManualClock('2026-03-02T08:00:00Z');
    t = await createTestStation({ clock });
    fill(t, 3);
    const last = t.station.ledger.entry(t.station.ledger.size)!.time;
    clock.set('2026-02-27T08:00:00Z');
    expect(t.station.clock.now().toISOString()).toBe(last);
    expect(t.station.status().clockAnomaly).toMatchObject({ ledgerTime: last, systemTime: '2026-02-27T08:00:00.000Z', behindMs: 3 * 86_400_000 });
    fill(t, 3);
    clock.advance(60_000);
    fill(t, 2);
    const anomalies = t.station.db.prepare("SELECT time, details FROM ledger WHERE action = 'clock.anomaly'").all() as { time: string; details: string }[];
    expect(anomalies).toHaveLength(1);
    expect(anomalies[0]!.time).toBe(last);
    // A second jump further back in the same episode is a new anomaly.
    clock.advance(-86_400_000);
    fill(t, 1);
    expect(t.station.db.prepare("SELECT COUNT(*) AS n FROM ledger WHERE action = 'clock.anomaly'").get()).toEqual({ n: 2 });
    const times = (t.station.db.prepare('SELECT time FROM ledger ORDER BY seq').all() as { time: string }[]).map((r) => r.time);
    expect([...times].sort()).toEqual(times);
    const pub = t.station.publicKey();
    expect(verifyLedger(t.station.db, pub, t.station.origin, undefined, { checkpointEvery: 100, head: t.station.ledger.readHeadRecord() })).toMatchObject({ ok: true, head: 'authenticated' });
    // The clock put right (and beyond): time moves on again, no anomaly.
    clock.set('2026-03-02T09:00:00Z');
    expect(t.station.status().clockAnomaly).toBeNull();
    expect(t.station.clock.now().toISOString()).toBe('2026-03-02T09:00:00.000Z');
  });

  it('keeps the latest time ever recorded after a restart, from the ledger (and the head record once unlocked)', async () => {
    const clock = new ManualClock('2026-03-02T08:00:00Z');
    t = await createTestStation({ clock });
    fill(t, 1);
    clock.set('2026-02-01T00:00:00Z');
    await t.reopen();
    expect(t.station.clock.now().getTime()).toBeGreaterThanOrEqual(Date.parse('2026-03-02T08:00:00Z'));
  });

  it('verify reports ledger times that ran backwards (a ledger written on a blindly trusted clock)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledger-time-'));
    dirs.push(dir);
    const db = openDatabase(join(dir, 'l.db'), { create: true });
    migrate(db);
    const clock = new ManualClock('2026-03-02T08:00:00Z');
    const ledger = new Ledger(db, clock);
    const { privateKey } = generateKeyPairSync('ed25519');
    for (let i = 0; i < 3; i++) ledger.append({ actor: 'a', action: 'x', subject: 's' });
    clock.advance(-3 * 86_400_000);
    ledger.append({ actor: 'a', action: 'x', subject: 's' });
    expect(verifyLedger(db, rawPublicKey(privateKey), 'k')).toMatchObject({ ok: false, firstBadSeq: 4, reason: 'time_backwards' });
    db.close();
  });
});

describe('the head record outside station.db', () => {
  it('is created once on a station that never had one (the upgrade), ledgered, and its later removal is an alarm', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledger-upgrade-'));
    dirs.push(dir);
    const db = openDatabase(join(dir, 'station.db'), { create: true });
    migrate(db);
    const clock = new LedgerClock(new ManualClock('2026-03-02T08:00:00Z'));
    const { privateKey } = generateKeyPairSync('ed25519');
    const pub = rawPublicKey(privateKey);
    // An older station: entries and a checkpoint, no head record.
    const old = new Ledger(db, clock);
    old.setSigner({ key: privateKey, keyName: 'k', origin: 'o' });
    for (let i = 0; i < 5; i++) old.append({ actor: 'a', action: 'x', subject: 's' });
    old.checkpoint();
    const writeFor =
      (l: Ledger) =>
      <T>(fn: () => T): T => {
        const r = db.transaction(fn).immediate();
        l.afterCommit(true);
        return r;
      };
    const masterKey = randomBytes(32);
    const ledger = new Ledger(db, clock, { headDir: dir });
    ledger.setSigner({ key: privateKey, keyName: 'k', origin: 'o' });
    expect(ledger.guardOnUnlock(masterKey, pub, writeFor(ledger))).toBeNull();
    expect(existsSync(join(dir, HEAD_FILE))).toBe(true);
    expect(db.prepare("SELECT COUNT(*) AS n FROM ledger WHERE action = 'ledger.head_created'").get()).toEqual({ n: 1 });
    // Next unlock: nothing new.
    const again = new Ledger(db, clock, { headDir: dir });
    again.setSigner({ key: privateKey, keyName: 'k', origin: 'o' });
    expect(again.guardOnUnlock(masterKey, pub, writeFor(again))).toBeNull();
    expect(db.prepare("SELECT COUNT(*) AS n FROM ledger WHERE action = 'ledger.head_created'").get()).toEqual({ n: 1 });
    // A head written with another key (no passphrase) is refused; so is a missing one.
    const text = readFileSync(join(dir, HEAD_FILE), 'utf8');
    const forged = new Ledger(db, clock, { headDir: dir });
    forged.setSigner({ key: privateKey, keyName: 'k', origin: 'o' });
    expect(forged.guardOnUnlock(randomBytes(32), pub, (fn) => db.transaction(fn).immediate())).toMatchObject({ kind: 'head_invalid', reason: 'mac' });
    rmSync(join(dir, HEAD_FILE));
    const gone = new Ledger(db, clock, { headDir: dir });
    gone.setSigner({ key: privateKey, keyName: 'k', origin: 'o' });
    expect(gone.guardOnUnlock(masterKey, pub, (fn) => db.transaction(fn).immediate())).toMatchObject({ kind: 'head_missing' });
    expect(() => gone.checkpoint()).toThrow(expect.objectContaining({ code: 'ledger.inconsistent_history' }));
    writeFileSync(join(dir, HEAD_FILE), text);
    db.close();
  });

  it('an honest station with locked periods keeps full checkpoint coverage, and every checkpoint extends the head', async () => {
    t = await createTestStation();
    const every = t.station.ledger.checkpointEvery;
    fill(t, every);
    t.station.lock();
    fill(t, 2 * every + 7);
    await t.station.unlock(PASSPHRASE);
    fill(t, every);
    const sizes = (t.station.db.prepare('SELECT size FROM checkpoints ORDER BY size').all() as { size: number }[]).map((r) => r.size);
    for (let f = every; f <= sizes[sizes.length - 1]!; f += every) expect(sizes).toContain(f);
    expect(verifyLedger(t.station.db, t.station.publicKey(), t.station.origin, undefined, { checkpointEvery: every, head: t.station.ledger.readHeadRecord() })).toMatchObject({ ok: true, head: 'authenticated' });
    expect(t.station.ledger.alarm).toBeNull();
  });
});

describe('two processes on one data folder', () => {
  it('a process that opened the table before another appended and wrote its head record sees no rollback at unlock or in status', async () => {
    t = await createTestStation();
    // The second "process": opened now, unlocked only after the first has moved on.
    const late = Station.open({ dataDir: t.dir });
    try {
      fill(t, 5);

      t.station.write(() => t!.station.ledger.checkpoint());
      expect(late.status().ledgerAlarm).toBeNull();
      await late.unlock(PASSPHRASE);
      expect(late.status().ledgerAlarm).toBeNull();
      expect(late.ledger.size).toBe(t.station.ledger.size);
    } finally {
      late.close();
    }
  });
});
