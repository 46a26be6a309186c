// Issue 10 defect 21 (second part): one custodian on duty per station at a time, across processes. Two real
// `station watch` processes for two custodians: the second is refused, naming who is on duty; after a
// ledgered hand-over (from whom to whom) the second may go on duty.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { STATION_BIN, addCliUser, sqlite, station } from '../support/cli.ts';

let dir: string | undefined;
const children: ChildProcessWithoutNullStreams[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) {
    if (c.exitCode === null && c.signalCode === null) {
      c.kill('SIGTERM');
      await new Promise((r) => c.once('exit', r));
    }
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

type Watch = { child: ChildProcessWithoutNullStreams; out: () => string; exited: Promise<number | null> };

describe('one custodian on duty per station', () => {
  it('defect 21: a second custodian cannot go on duty without a hand-over; the hand-over is ledgered from whom to whom', async () => {
    dir = mkdtempSync(join(tmpdir(), 'station-duty-'));
    const mounts = join(dir, 'mounts');
    mkdirSync(mounts);
    const base = { STATION_DATA: join(dir, 'data'), STATION_PASSPHRASE: 'evidence room passphrase', STATION_LANG: 'en' };
    const as = (user: string) => ({ ...base, STATION_USER: user, STATION_PASSWORD: `${user}-password` });
    expect(station(['init', '--agency-code', 'SX01', '--agency-name', '测试局', '--admin', 'admin'], as('admin')).code).toBe(0);
    for (const u of ['alice', 'bob']) expect(addCliUser(as('admin'), u, 'custodian', `${u}-password`).code).toBe(0);

    const watch = (user: string): Watch => {
      const child = spawn(process.execPath, [STATION_BIN, 'watch', '--mount-root', mounts], { env: { ...process.env, ...as(user) }, stdio: ['pipe', 'pipe', 'pipe'] });
      children.push(child);
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      return { child, out: () => out, exited: new Promise((r) => child.once('exit', (code) => r(code))) };
    };
    const until = async (w: Watch, test: () => boolean, what: string) => {
      const end = Date.now() + 60_000;
      while (!test()) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}:\n${w.out()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };

    const a = watch('alice');
    await until(a, () => a.out().includes('Watching'), 'alice on duty');

    const b = watch('bob');
    await until(b, () => b.child.exitCode !== null || b.out().includes('Watching'), 'bob refused');
    expect(b.out()).not.toContain('Watching');
    expect(await b.exited).toBe(2);
    expect(b.out()).toMatch(/alice is on duty/);

    const handover = station(['dock', 'handover', 'bob'], as('alice'));
    expect(handover.code, handover.stderr).toBe(0);
    const entry = sqlite(join(dir, 'data', 'station.db'), "SELECT actor, details FROM ledger WHERE action = 'dock.duty_handed_over'").stdout.trim();
    expect(entry).toMatch(/^alice\|/);
    expect(JSON.parse(entry.slice(entry.indexOf('|') + 1))).toMatchObject({ from: 'alice', to: 'bob' });

    const b2 = watch('bob');
    await until(b2, () => b2.child.exitCode !== null || b2.out().includes('Watching'), 'bob on duty after the hand-over');
    expect(b2.out()).toContain('Watching');
    expect(JSON.parse(station(['dock', 'duty', '--json'], as('bob')).stdout)).toMatchObject({ username: 'bob' });
    // Alice's watcher, still running, gives up nothing that is now Bob's when it stops.
    a.child.kill('SIGTERM');
    await a.exited;
    expect(JSON.parse(station(['dock', 'duty', '--json'], as('bob')).stdout)).toMatchObject({ username: 'bob' });
  }, 180_000);
});
