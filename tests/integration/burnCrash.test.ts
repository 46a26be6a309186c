// kill -9 during a burn (the real `station burn` in a child process, killed with its xorriso while
// the image is being written): no "burned" record; at the next start the decrypted staging and the
// half-written image are gone, the job is marked interrupted, and the request can still be burned.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hasCommand, STATION_BIN } from '../support/cli.ts';
import { PASSPHRASE } from '../support/testStation.ts';
import { queryLedger } from '../../electron/core/ledger/query.ts';
import { provideDiscPorts } from '../../electron/api/runtime/discs.ts';
import { createDiscPorts } from '../../native/discs/index.ts';
import { burnFixture, type BurnFixture } from './burnSupport.ts';
import { ManualClock } from '../../electron/core/clock.ts';

let f: BurnFixture | null = null;
afterEach(() => {
  f?.cleanup();
  f = null;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const list = (dir: string) => (existsSync(dir) ? readdirSync(dir) : []);

describe.skipIf(!hasCommand('xorriso'))('crash during a burn', () => {
  it('kill -9 mid-write: nothing recorded as burned; staging and the partial image removed at the next start', async () => {
    f = await burnFixture({ files: [0, 1, 2].map((i) => ({ name: `big${i}.MP4`, bytes: 150 << 20, sparse: true })),
      ports: null,
      // The child process reads the real clock: the approval must not look expired to it.
      clock: new ManualClock(new Date()),
    });
    const iso = join(f.work, 'case.iso');
    const partial = join(f.work, '.case.iso.partial');
    const staging = f.t.station.paths.staging;
    const ledgerSize = f.t.station.ledger.size;
    f.t.station.close();

    const child = spawn(process.execPath, [STATION_BIN, 'burn', f.requestId, '--target', `iso:${iso}`, '--media', 'dvd', '--data', f.t.dir, '--user', 'clerk1', '--lang', 'en'], {
      env: { ...process.env, STATION_PASSPHRASE: PASSPHRASE, STATION_PASSWORD: 'clerk1-password', STATION_LANG: undefined },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so kill -9 takes xorriso down with it, as a power cut would.
      detached: true,
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    let done = false;
    void exited.then(() => (done = true));
    // Wait until xorriso is writing the image: staging full of plaintext, the image growing.
    const deadline = Date.now() + 120_000;
    while (!done && Date.now() < deadline && !(existsSync(partial) && statSync(partial).size > 1 << 20)) await sleep(5);
    expect(done, `the burn ended before it could be killed:\n${output}`).toBe(false);
    const stagedAtKill = list(staging);
    process.kill(-child.pid!, 'SIGKILL');
    await exited;

    expect(stagedAtKill).toEqual([expect.stringMatching(/^burn-\d+-[0-9a-f]+$/)]);
    expect(list(join(staging, stagedAtKill[0]!, 'disc-1', 'FILES'))).toHaveLength(3);
    expect(existsSync(partial)).toBe(true);

    await f.t.reopen();
    expect(list(staging)).toEqual([]);
    expect(existsSync(partial)).toBe(false);
    expect(existsSync(iso)).toBe(false);
    const actions = (f.t.station.db.prepare('SELECT action FROM ledger WHERE seq > ? ORDER BY seq').all(ledgerSize) as { action: string }[]).map((a) => a.action);
    expect(actions).toContain('disc.burn_started');
    expect(actions).toContain('disc.burn_interrupted');
    expect(actions).not.toContain('disc.burned');
    expect(actions).not.toContain('request.fulfilled');
    expect(f.t.station.requests.get(f.requestId).state).toBe('approved');
    const clerk = await f.t.login('clerk1', 'clerk1-password');
    const [job] = await clerk.invoke('burn.jobs', { requestId: f.requestId });
    expect(job).toMatchObject({ state: 'interrupted', error: { code: 'disc.interrupted' } });
    expect(job!.discs[0]!.media).toEqual([expect.objectContaining({ state: 'failed', error: expect.objectContaining({ code: 'disc.interrupted' }) })]);
    expect((await f.t.admin.invoke('ledger.verify', {})).ok).toBe(true);

    // The approval is still there: the interrupted job is retried and completes.
    provideDiscPorts(f.t.server, createDiscPorts());
    const retried = await clerk.invoke('burn.wait', { jobId: (await clerk.invoke('burn.retry', { jobId: job!.id })).id });
    expect(retried.state).toBe('completed');
    expect(existsSync(iso)).toBe(true);
    expect(queryLedger(f.t.station.db, { action: 'disc.burned', limit: 10, order: 'asc' }).entries).toHaveLength(1);
  }, 300_000);
});
