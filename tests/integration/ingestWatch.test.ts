// `station watch`, the headless dock service, as a custodian runs it: a real process watching real
// mounts (exFAT on a loop device through FUSE). kill -9 in the middle of an ingest, restart: it
// completes, nothing is lost and nothing is catalogued twice.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loopExfatCapability, Volumes, type LoopVolume } from '../support/loopVolumes.ts';
import { addCliUser, hasCommand, sqlite, station, STATION_BIN } from '../support/cli.ts';
import { nameAt, randomMp4, sha256, shanghaiNow } from '../support/recorderFiles.ts';

const cap = loopExfatCapability();
if (!cap.ok) console.warn(`[ingestWatch] SKIPPED: ${cap.reason}`);
const haveSqlite = hasCommand('sqlite3');
if (!haveSqlite) console.warn('[ingestWatch] SKIPPED: sqlite3 missing');

const FILES = 120;

type Watch = { child: ChildProcessWithoutNullStreams; lines: string[]; exited: Promise<number | null> };

describe.skipIf(!cap.ok || !haveSqlite)('station watch: kill -9 mid-ingest, restart completes without duplicates', () => {
  let vols: Volumes;
  let dir: string;
  let vol: LoopVolume;
  const children: ChildProcessWithoutNullStreams[] = [];
  const env = () => ({ STATION_DATA: join(dir, 'data'), STATION_PASSPHRASE: 'evidence room passphrase', STATION_USER: 'keeper', STATION_PASSWORD: 'keeper-password', STATION_LANG: 'en' });
  const sources = new Map<string, Buffer>();

  function startWatch(): Watch {
    const child = spawn(process.execPath, [STATION_BIN, 'watch', '--mount-root', vols.mountRoot], { env: { ...process.env, ...env() }, stdio: ['pipe', 'pipe', 'pipe'] });
    children.push(child);
    const lines: string[] = [];
    let buf = '';
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const parts = buf.split('\n');
      buf = parts.pop()!;
      lines.push(...parts);
    });
    child.stderr.on('data', (d: Buffer) => lines.push(`stderr: ${d.toString()}`));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    return { child, lines, exited };
  }

  async function until(w: Watch, what: string, test: (lines: string[]) => boolean, timeoutMs = 120_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!test(w.lines)) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; output:\n${w.lines.join('\n')}`);
      if (w.child.exitCode !== null) throw new Error(`station watch exited (${w.child.exitCode}) before ${what}:\n${w.lines.join('\n')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  beforeAll(() => {
    vols = new Volumes();
    dir = mkdtempSync(join(tmpdir(), 'station-watch-'));
    const admin = { ...env(), STATION_USER: 'admin', STATION_PASSWORD: 'admin-password' };
    for (const args of [
      ['init', '--agency-code', 'SX01', '--agency-name', '山西省林业和草原局', '--admin', 'admin'],
    ]) {
      const r = station(args, admin);
      expect(r.code, r.stderr).toBe(0);
    }
    const r = addCliUser(admin, 'keeper', 'custodian', 'keeper-password');
    expect(r.code, r.stderr).toBe(0);
    for (const args of [
      ['officers', 'add', '020304', '--name', '李四'],
      ['recorders', 'add', '7654321', '--officer', '020304'],
    ]) {
      const x = station(args, env());
      expect(x.code, x.stderr).toBe(0);
    }
    vol = vols.exfat({ sizeMiB: 128, name: 'recorder' });
    // Recorded within the last hours by the real clock (`station watch` runs on the system clock).
    const start = Date.now() - 3 * 3_600_000;
    vol.prepare((root) => {
      for (let i = 1; i <= FILES; i++) {
        const name = nameAt(shanghaiNow(start - Date.now() + i * 60_000), { deviceSerial: '7654321', officerId: '020304', sequence: i });
        const data = randomMp4({ durationSeconds: 50, mdatBytes: 400_000 + i });
        sources.set(name, data);
        writeFileSync(join(root, name), data);
      }
    });
  });

  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await vol?.unmount().catch(() => {});
    vols?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('completes after a kill -9, with every file once, hashes intact, ledger and vault verifying', async () => {
    const first = startWatch();
    await until(first, 'the watch to start', (l) => l.some((x) => x.startsWith('Watching for docked recorders')));
    vol.mount();
    await until(first, 'ten files ingested', (l) => l.filter((x) => x.startsWith('INGESTED')).length >= 10);
    first.child.kill('SIGKILL');
    await first.exited;

    const db = join(dir, 'data', 'station.db');
    const afterKill = Number(sqlite(db, 'SELECT COUNT(*) FROM recordings').stdout.trim());
    expect(afterKill).toBeGreaterThanOrEqual(10);
    expect(afterKill).toBeLessThan(FILES);
    expect(sqlite(db, "SELECT status FROM ingest_sessions").stdout.trim()).toBe('running');

    // Restart with the recorder still docked: it is picked up as if just docked.
    const second = startWatch();
    await until(second, 'the recorder to be done', (l) => l.some((x) => x.includes('may be undocked')));
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(second.lines.join('\n')).toContain('Dock service stopped.');

    expect(Number(sqlite(db, 'SELECT COUNT(*) FROM recordings').stdout.trim())).toBe(FILES);
    expect(Number(sqlite(db, 'SELECT COUNT(DISTINCT source_path) FROM recordings').stdout.trim())).toBe(FILES);
    expect(Number(sqlite(db, 'SELECT COUNT(DISTINCT object_id) FROM recordings').stdout.trim())).toBe(FILES);
    const rows = sqlite(db, 'SELECT source_path, sha256 FROM recordings').stdout.trim().split('\n');
    for (const row of rows) {
      const [path, hash] = row.split('|') as [string, string];
      expect(hash).toBe(sha256(sources.get(path)!));
    }
    // The session cut by the kill is closed as interrupted, by the next process.
    expect(sqlite(db, 'SELECT id, status, stop_code FROM ingest_sessions ORDER BY id').stdout.trim().split('\n')).toEqual(['1|interrupted|ingest.process_ended', '2|completed|']);
    // The half-written object of the killed process was swept; every object file belongs to a recording.
    const objects = readdirSync(join(dir, 'data', 'vault', 'objects'), { recursive: true }).filter((f) => String(f).endsWith('.evo'));
    expect(objects).toHaveLength(FILES);
    expect(readdirSync(join(dir, 'data', 'vault', 'tmp'))).toEqual([]);

    const ledger = station(['ledger', 'verify'], env());
    expect(ledger.code, ledger.stdout + ledger.stderr).toBe(0);
    const vault = station(['vault', 'verify'], env());
    expect(vault.code, vault.stdout + vault.stderr).toBe(0);
    expect(vault.stdout).toContain(`${FILES} objects`);
    const list = station(['recordings', 'list', '--json', '--limit', '1000'], env());
    expect(JSON.parse(list.stdout).total).toBe(FILES);
  });
});
