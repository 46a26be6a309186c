// Copies never exceed the approval, across crashes (issue 10, defects 5 and 6). The real `station
// burn` in a child process, killed with kill -9 (its whole process group, xorriso too), then run
// again — the way a custodian would after a power cut. Discs for the case file are registered
// media (004_5e30f22f36db076d.txt 第十八条/第二十条): every copy on disk is in the ledger, and there
// are never more copies than were approved.
import { existsSync, openSync, readdirSync, readSync, writeSync, closeSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../electron/core/clock.ts';
import { Station } from '../../electron/core/station.ts';
import { queryLedger } from '../../electron/core/ledger/query.ts';
import { hasCommand, station as cli } from '../support/cli.ts';
import { startStation } from '../support/cliProcess.ts';
import { PASSPHRASE, ADMIN_PASSWORD } from '../support/testStation.ts';
import { burnFixture, type BurnFixture } from './burnSupport.ts';

let f: BurnFixture | null = null;
afterEach(() => {
  f?.cleanup();
  f = null;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => boolean, ms = 120_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(3);
  }
}

function reopen(fx: BurnFixture): void {
  fx.t.station = Station.open({ dataDir: fx.t.dir, clock: fx.t.clock });
}

const burned = (fx: BurnFixture) => queryLedger(fx.t.station.db, { action: 'disc.burned', limit: 100, order: 'asc' }).entries;

describe.skipIf(!hasCommand('xorriso'))('burn copies across crashes', () => {
  it('defect 5: a 2-copy burn killed after copy 1 was recorded cannot be started again; --retry JOB burns only copy 2', async () => {
    f = await burnFixture({ files: [0, 1, 2].map((i) => ({ name: `big${i}.MP4`, bytes: 40 << 20, sparse: true })), ports: null, clock: new ManualClock(new Date()) });
    const fx = f;
    const iso = join(fx.work, 'case.iso');
    fx.t.station.close();
    const env = { STATION_DATA: fx.t.dir, STATION_PASSPHRASE: PASSPHRASE, STATION_USER: 'clerk1', STATION_PASSWORD: 'clerk1-password' };
    const run = startStation(['burn', fx.requestId, '--target', `iso:${iso}`, '--media', 'dvd', '--copies', '2', '--lang', 'en'], env, { detached: true });
    let ended = false;
    void run.done.then(() => (ended = true));
    const db = new Database(join(fx.t.dir, 'station.db'));
    try {
      const count = db.prepare("SELECT COUNT(*) AS n FROM ledger WHERE action = 'disc.burned'");
      await until('copy 1 recorded', () => ended || (count.get() as { n: number }).n >= 1);
      expect(ended, `the burn ended before it could be killed:\n${run.output()}`).toBe(false);
      process.kill(-run.child.pid!, 'SIGKILL');
      await run.done;
      expect((count.get() as { n: number }).n).toBe(1);
    } finally {
      db.close();
    }

    // Run again as the issue did: a new burn of the same approval is refused and names the job to continue.
    const again = cli(['burn', fx.requestId, '--target', `iso:${join(fx.work, 'again.iso')}`, '--media', 'dvd', '--copies', '2', '--lang', 'en'], env);
    expect(again.code, again.stderr).toBe(2);
    expect(again.stderr).toContain('station burn --retry BJ-000001');
    expect(existsSync(join(fx.work, 'again.iso'))).toBe(false);
    const againZh = cli(['burn', fx.requestId, '--target', `iso:${join(fx.work, 'again.iso')}`, '--copies', '2'], env);
    expect(againZh.code).toBe(2);
    expect(againZh.stderr).toContain('刻录任务 BJ-000001');
    const neither = cli(['burn', '--lang', 'en'], env);
    expect(neither.code).toBe(2);

    // The job is continued: copy 2 only, to the same set.
    const retried = cli(['burn', '--retry', 'BJ-000001', '--lang', 'en'], env);
    expect(retried.code, retried.stdout + retried.stderr).toBe(0);
    expect(retried.stderr).toContain('1 of 2');
    reopen(fx);
    const entries = burned(fx);
    expect(entries).toHaveLength(2);
    expect(entries.map((e) => e.details.copy).sort()).toEqual([1, 2]);
    expect(entries.every((e) => e.details.jobId === 'BJ-000001')).toBe(true);
    expect(readdirSync(fx.work).filter((n) => n.endsWith('.iso') || n.includes('partial')).sort()).toEqual(['case-copy1.iso', 'case-copy2.iso']);
    expect(fx.t.station.requests.get(fx.requestId).state).toBe('fulfilled');
    // And a fulfilled approval burns nothing more.
    const more = cli(['burn', fx.requestId, '--target', `iso:${join(fx.work, 'more.iso')}`, '--lang', 'en'], env);
    expect(more.code).not.toBe(0);
    expect(burned(fx)).toHaveLength(2);
  }, 300_000);

  for (const variant of ['intact', 'damaged'] as const) {
    it(`defect 6: kill -9 between the image's rename and its record — recovery ${variant === 'intact' ? 'reads it back and records it (system, for the operator)' : 'removes a damaged one'}, ledgered`, async () => {
      f = await burnFixture({ files: [0, 1].map((i) => ({ name: `clip${i}.MP4`, bytes: 30 << 20, sparse: true })), ports: null, clock: new ManualClock(new Date()) });
      const fx = f;
      const iso = join(fx.work, 'case.iso');
      fx.t.station.close();
      const env = { STATION_DATA: fx.t.dir, STATION_PASSPHRASE: PASSPHRASE, STATION_USER: 'clerk1', STATION_PASSWORD: 'clerk1-password' };
      const run = startStation(['burn', fx.requestId, '--target', `iso:${iso}`, '--media', 'dvd', '--lang', 'en'], env, { detached: true });
      let ended = false;
      void run.done.then(() => (ended = true));
      // Once the image is being read back, the test takes the database's write lock: the burn can
      // still read back and rename, but its record waits — the window a power cut can hit.
      const db = new Database(join(fx.t.dir, 'station.db'));
      try {
        const verifying = db.prepare("SELECT COUNT(*) AS n FROM burn_media WHERE state = 'verifying'");
        await until('read-back started', () => ended || (verifying.get() as { n: number }).n > 0);
        db.exec('BEGIN IMMEDIATE');
        await until('image renamed into place', () => ended || existsSync(iso));
        expect(ended, run.output()).toBe(false);
        process.kill(-run.child.pid!, 'SIGKILL');
        await run.done;
        db.exec('ROLLBACK');
        expect((db.prepare("SELECT COUNT(*) AS n FROM ledger WHERE action = 'disc.burned'").get() as { n: number }).n).toBe(0);
      } finally {
        db.close();
      }
      // A complete plaintext evidence image that no record knows about — until the next start.
      expect(statSync(iso).size).toBeGreaterThan(60 << 20);
      if (variant === 'damaged') {
        const fd = openSync(iso, 'r+');
        try {
          const at = Math.floor(statSync(iso).size / 2);
          const b = Buffer.alloc(1);
          readSync(fd, b, 0, 1, at);
          b[0]! ^= 0xff;
          writeSync(fd, b, 0, 1, at);
        } finally {
          closeSync(fd);
        }
      }

      // The next unlocking command recovers it.
      cli(['vault', 'verify', '--lang', 'en'], { STATION_DATA: fx.t.dir, STATION_PASSPHRASE: PASSPHRASE, STATION_USER: 'admin', STATION_PASSWORD: ADMIN_PASSWORD });
      reopen(fx);
      const job = fx.t.station.db.prepare("SELECT state FROM burn_jobs WHERE id = 'BJ-000001'").get() as { state: string };
      if (variant === 'intact') {
        expect(existsSync(iso)).toBe(true);
        expect(burned(fx)).toEqual([
          expect.objectContaining({ actor: 'system', details: expect.objectContaining({ operator: 'clerk1', recovered: true, jobId: 'BJ-000001', copy: 1, location: iso }) }),
        ]);
        expect(job.state).toBe('completed');
        expect(fx.t.station.requests.get(fx.requestId).state).toBe('fulfilled');
        const verified = cli(['disc', 'verify', iso, '--key', fx.t.station.verifierKey(), '--lang', 'en'], { STATION_DATA: join(fx.work, 'none') });
        expect(verified.code, verified.stdout + verified.stderr).toBe(0);
        // The operator's natural next step, a retry, finds the job finished by the recovery: told so, not refused.
        const retried = cli(['burn', '--retry', 'BJ-000001', '--lang', 'en'], env);
        expect(retried.code, retried.stdout + retried.stderr).toBe(0);
        expect(retried.stdout).toContain('BJ-000001');
      } else {
        expect(existsSync(iso)).toBe(false);
        expect(burned(fx)).toEqual([]);
        expect(queryLedger(fx.t.station.db, { action: 'disc.unrecorded_removed', limit: 10, order: 'asc' }).entries).toEqual([
          expect.objectContaining({ actor: 'system', details: expect.objectContaining({ operator: 'clerk1', jobId: 'BJ-000001', location: iso, code: 'disc.verify_failed' }) }),
        ]);
        expect(job.state).toBe('interrupted');
        expect(fx.t.station.requests.get(fx.requestId).state).toBe('approved');
      }
      expect(readdirSync(fx.work).filter((n) => n.includes('partial'))).toEqual([]);
      expect(readdirSync(fx.t.station.paths.staging)).toEqual([]);
    }, 300_000);
  }
});
