// Issue 10 defects 1 and 2: the crash sweep of one process must never take files from a live write of
// another process, and an object file without a catalogue row is set aside and ledgered, never deleted.
// Two real processes: a writer (programs/putObject.ts) frozen with SIGSTOP at the exact moment that
// matters, and the real `station vault verify`, whose unlock runs the sweep.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, createTestStation, PASSPHRASE, type TestStation } from '../support/testStation.ts';
import { sqlite, station } from '../support/cli.ts';

let t: TestStation | undefined;
let child: ChildProcess | undefined;
afterEach(() => {
  if (child && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGCONT');
    child.kill('SIGKILL');
  }
  child = undefined;
  t?.cleanup();
  t = undefined;
});

const program = fileURLToPath(new URL('./programs/putObject.ts', import.meta.url));
const env = { STATION_PASSPHRASE: PASSPHRASE, STATION_PASSWORD: ADMIN_PASSWORD, STATION_LANG: 'en' };
const cli = (dir: string, ...args: string[]) => station([...args, '--data', dir, '--user', 'admin'], env);

const evoFiles = (dir: string): string[] => {
  const root = join(dir, 'vault', 'objects');
  if (!existsSync(root)) return [];
  return (readdirSync(root, { recursive: true }) as string[]).filter((f) => f.endsWith('.evo'));
};

function startWriter(dir: string, mib: number): { proc: ChildProcess; output: () => string; exited: Promise<void> } {
  const proc = spawn(process.execPath, [program, dir, PASSPHRASE, String(mib)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  return { proc, output: () => out, exited };
}

async function until(check: () => boolean, ms = 60_000, every = 1): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, every));
  }
}

describe('crash sweep across processes', () => {
  it("defect 1: a crash sweep never deletes another process's committed object (renamed, reading back, row not yet committed)", async () => {
    t = await createTestStation();
    // This process holds station.lock while the writer unlocks, as `station watch` would; then lets go.
    await t.reopen();
    const w = startWriter(t.dir, 384);
    child = w.proc;
    // Freeze the writer the moment its object is renamed into place: it is now reading it back.
    await until(() => evoFiles(t!.dir).length === 1 || w.output().includes('DONE'));
    w.proc.kill('SIGSTOP');
    expect(w.output()).not.toContain('DONE');
    const id = evoFiles(t.dir)[0]!.split('/').pop()!.replace('.evo', '');
    expect(sqlite(t.station.paths.database, `SELECT COUNT(*) FROM vault_objects WHERE id = '${id}'`).stdout.trim()).toBe('0');
    t.station.close();

    // Another process unlocks (sweep) while the writer is mid read-back.
    const verify = cli(t.dir, 'vault', 'verify');
    expect(verify.stderr).toBe('');
    expect(evoFiles(t.dir)).toHaveLength(1);

    w.proc.kill('SIGCONT');
    await w.exited;
    expect(w.output()).toContain(`DONE ${id}`);
    const after = cli(t.dir, 'vault', 'verify', '--json');
    expect(after.code).toBe(0);
    expect(JSON.parse(after.stdout)).toMatchObject({ ok: true, checked: 1 });
    expect(JSON.parse(cli(t.dir, 'vault', 'quarantine', '--json').stdout)).toEqual([]);
  }, 120_000);

  it("defect 1: a crash sweep never removes another process's live .partial", async () => {
    t = await createTestStation();
    await t.reopen();
    const w = startWriter(t.dir, 64);
    child = w.proc;
    await until(() => w.output().includes('writing'));
    w.proc.kill('SIGSTOP');
    const partials = readdirSync(join(t.dir, 'vault', 'tmp')).filter((f) => f.endsWith('.partial'));
    expect(partials).toHaveLength(1);
    t.station.close();

    expect(cli(t.dir, 'vault', 'verify').code).toBe(0);
    expect(readdirSync(join(t.dir, 'vault', 'tmp'))).toContain(partials[0]);

    w.proc.kill('SIGCONT');
    await w.exited;
    expect(w.output()).toMatch(/DONE /);
    expect(JSON.parse(cli(t.dir, 'vault', 'verify', '--json').stdout)).toMatchObject({ ok: true, checked: 1 });
    // The finished writer released its lease and left nothing in tmp.
    expect(readdirSync(join(t.dir, 'vault', 'tmp'))).toEqual([]);
  }, 120_000);

  it('defect 1: temp files and leases of a writer killed with -9 are swept; its renamed object is quarantined, not deleted', async () => {
    t = await createTestStation();
    await t.reopen();
    const w = startWriter(t.dir, 384);
    child = w.proc;
    await until(() => evoFiles(t!.dir).length === 1 || w.output().includes('DONE'));
    w.proc.kill('SIGKILL');
    await w.exited;
    const id = evoFiles(t.dir)[0]!.split('/').pop()!.replace('.evo', '');
    t.station.close();
    expect(cli(t.dir, 'vault', 'verify').code).toBe(0);
    expect(readdirSync(join(t.dir, 'vault', 'tmp'))).toEqual([]);
    expect(evoFiles(t.dir)).toEqual([]);
    expect(existsSync(join(t.dir, 'vault', 'quarantine', `${id}.evo`))).toBe(true);
    const listed = JSON.parse(cli(t.dir, 'vault', 'quarantine', '--json').stdout) as { objectId: string; ledgerSeq: number | null }[];
    expect(listed).toMatchObject([{ objectId: id }]);
    expect(listed[0]!.ledgerSeq).toBeGreaterThan(0);
    expect(sqlite(join(t.dir, 'station.db'), `SELECT actor FROM ledger WHERE action = 'vault.object_quarantined' AND subject = 'object:${id}'`).stdout.trim()).toBe('system');
    expect(cli(t.dir, 'ledger', 'verify').code).toBe(0);
  }, 120_000);

  it('defect 2: after an older station.db is put back, objects ingested since are quarantined and ledgered, never deleted', async () => {
    t = await createTestStation();
    const db = t.station.paths.database;
    t.station.close();
    const copy = join(t.dir, 'old-station.db');
    copyFileSync(db, copy);
    await t.reopen();
    const o = await t.station.vault.put((async function* () { yield Buffer.from('footage ingested after the copy'); })(), { ledgerEntry: (x) => ({ actor: 'admin', action: 'test.put', subject: `object:${x.id}` }) });
    t.station.close();
    copyFileSync(copy, db);
    rmSync(copy);
    for (const suffix of ['-wal', '-shm']) rmSync(db + suffix, { force: true });

    cli(t.dir, 'vault', 'verify');
    expect(existsSync(join(t.dir, 'vault', 'quarantine', `${o.id}.evo`))).toBe(true);
    const list = cli(t.dir, 'vault', 'quarantine');
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(o.id);
    expect(sqlite(db, `SELECT COUNT(*) FROM ledger WHERE action = 'vault.object_quarantined' AND subject = 'object:${o.id}'`).stdout.trim()).toBe('1');
  }, 120_000);
});
