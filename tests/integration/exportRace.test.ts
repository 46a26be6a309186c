// Defect 4 (issue 10): one copy approval, one copy — also when two exports of it run at once, in two
// processes or two clients of one process. A copy approval is used once (000_f52585dae22cddca.txt
// 第三十七条, 004_5e30f22f36db076d.txt 第二十条): the approval is consumed in the same transaction
// that ledgers the copy, before the copy appears at its destination, and the loser leaves nothing.
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../electron/core/clock.ts';
import { queryLedger } from '../../electron/core/ledger/query.ts';
import { Station } from '../../electron/core/station.ts';
import { station as cli } from '../support/cli.ts';
import { startStation } from '../support/cliProcess.ts';
import { ADMIN_PASSWORD, PASSPHRASE } from '../support/testStation.ts';
import { burnFixture, type BurnFixture } from './burnSupport.ts';

let f: BurnFixture | null = null;
afterEach(() => {
  f?.cleanup();
  f = null;
});

const everything = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir) : []);

async function copyApproval(fx: BurnFixture): Promise<string> {
  const req = await fx.clerk.invoke('request.create', { kind: 'copy', recordingIds: fx.recordings, purpose: '移送人民法院' });
  await fx.approver.invoke('request.approve', { id: req.id, password: 'head1-password' });
  return req.id;
}

describe('one copy approval, one copy', () => {
  it('defect 4: two real CLI processes export one approval at once — one package, the loser leaves nothing and is told the approval is used', async () => {
    // Big enough that both processes are still writing when the first one finishes.
    f = await burnFixture({ files: [0, 1].map((i) => ({ name: `big${i}.MP4`, bytes: 40 << 20, sparse: true })), clock: new ManualClock(new Date()) });
    const requestId = await copyApproval(f);
    const outA = join(f.work, 'a');
    const outB = join(f.work, 'b');
    for (const d of [outA, outB]) mkdirSync(d);
    f.t.station.close();
    const env = { STATION_DATA: f.t.dir, STATION_PASSPHRASE: PASSPHRASE, STATION_USER: 'clerk1', STATION_PASSWORD: 'clerk1-password' };
    const a = startStation(['export', requestId, '--to', outA, '--lang', 'en'], env);
    const b = startStation(['export', requestId, '--to', outB, '--lang', 'en'], env);
    const results = await Promise.all([a.done, b.done]);
    f.t.station = Station.open({ dataDir: f.t.dir, clock: f.t.clock });

    const won = results.filter((r) => r.code === 0);
    const lost = results.filter((r) => r.code !== 0);
    expect(won, results.map((r) => r.stdout + r.stderr).join('\n---\n')).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]!.stderr).toContain('already used');
    // Exactly one package anywhere, nothing half-written or hidden beside it.
    const packages = [...everything(outA), ...everything(outB)];
    expect(packages).toHaveLength(1);
    expect(packages[0]).not.toMatch(/partial|^\./);
    const written = queryLedger(f.t.station.db, { action: 'export.written', limit: 10, order: 'asc' }).entries;
    expect(written).toHaveLength(1);
    expect(queryLedger(f.t.station.db, { action: 'request.fulfilled', limit: 10, order: 'asc' }).entries).toHaveLength(1);
    // The loser is in the ledger as refused: after writing its copy (the race this test is about) or,
    // on a slow machine where it started late, at the approval check.
    const refusals = [...queryLedger(f.t.station.db, { action: 'export.failed', limit: 10, order: 'asc' }).entries, ...queryLedger(f.t.station.db, { action: 'request.refused', limit: 10, order: 'asc' }).entries];
    expect(refusals).toEqual([expect.objectContaining({ details: expect.objectContaining({ code: 'request.already_used' }) })]);
    const where = (written[0]!.details as { destination: string }).destination;
    expect(existsSync(where)).toBe(true);
    const verify = cli(['disc', 'verify', where, '--json'], { STATION_DATA: join(f.work, 'none') });
    expect(verify.code, verify.stderr).toBe(0);
  }, 240_000);

  it('defect 4: two clients in one process export one approval at once — one package, one refusal, nothing left behind', async () => {
    f = await burnFixture({ files: [0, 1].map((i) => ({ name: `clip${i}.MP4`, bytes: 3 << 20 })) });
    const requestId = await copyApproval(f);
    const custodian = f.custodian;
    const out = join(f.work, 'out');
    mkdirSync(out);
    const results = await Promise.allSettled([f.clerk.invoke('export.run', { requestId, to: out }), custodian.invoke('export.run', { requestId, to: out })]);
    const ok = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(ok).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(refused[0]!.reason).toMatchObject({ code: 'request.already_used' });
    expect(everything(out)).toHaveLength(1);
    expect(queryLedger(f.t.station.db, { action: 'export.written', limit: 10, order: 'asc' }).entries).toHaveLength(1);
    expect(f.t.station.requests.get(requestId).state).toBe('fulfilled');
  }, 120_000);
  it('kill -9 while an export is written: the hidden half-written copy is removed at the next start, ledgered; the approval is still unused', async () => {
    f = await burnFixture({ files: [0, 1].map((i) => ({ name: `big${i}.MP4`, bytes: 60 << 20, sparse: true })), clock: new ManualClock(new Date()) });
    const requestId = await copyApproval(f);
    const out = join(f.work, 'usb');
    mkdirSync(out);
    f.t.station.close();
    const env = { STATION_DATA: f.t.dir, STATION_PASSPHRASE: PASSPHRASE, STATION_USER: 'clerk1', STATION_PASSWORD: 'clerk1-password' };
    const run = startStation(['export', requestId, '--to', out, '--lang', 'en'], env, { detached: true });
    let ended = false;
    void run.done.then(() => (ended = true));
    const writing = () => {
      const hidden = everything(out).find((n) => n.endsWith('.partial'));
      const files = hidden ? join(out, hidden, 'FILES') : null;
      return files !== null && existsSync(files) && readdirSync(files).some((n) => statSync(join(files, n)).size > 1 << 20);
    };
    const deadline = Date.now() + 120_000;
    while (!ended && !writing() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 3));
    expect(ended, run.output()).toBe(false);
    process.kill(-run.child.pid!, 'SIGKILL');
    await run.done;
    // Plaintext evidence in a hidden folder on the drive, known to no record.
    expect(everything(out)).toEqual([expect.stringMatching(/^\..*\.partial$/)]);

    // The next unlocking command removes it and says so.
    cli(['vault', 'verify', '--lang', 'en'], { STATION_DATA: f.t.dir, STATION_PASSPHRASE: PASSPHRASE, STATION_USER: 'admin', STATION_PASSWORD: ADMIN_PASSWORD });
    expect(everything(out)).toEqual([]);
    f.t.station = Station.open({ dataDir: f.t.dir, clock: f.t.clock });
    expect(queryLedger(f.t.station.db, { action: 'export.interrupted', limit: 10, order: 'asc' }).entries).toEqual([
      expect.objectContaining({ actor: 'system', subject: `request:${requestId}`, details: expect.objectContaining({ operator: 'clerk1', requestId }) }),
    ]);
    expect(f.t.station.requests.get(requestId).state).toBe('approved');
    f.t.station.close();

    // The approval makes its one copy.
    const again = cli(['export', requestId, '--to', out, '--json'], env);
    expect(again.code, again.stderr).toBe(0);
    expect(everything(out)).toHaveLength(1);
    f.t.station = Station.open({ dataDir: f.t.dir, clock: f.t.clock });
    expect(f.t.station.db.prepare('SELECT COUNT(*) AS n FROM export_jobs').get()).toEqual({ n: 0 });
  }, 300_000);
});
