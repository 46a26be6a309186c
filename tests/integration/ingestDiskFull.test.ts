// The vault's disk fills up mid-ingest: the station's data folder on a small ext4 loop file system.
// The ingest stops cleanly with a clear error, the source is untouched, nothing half-written stays
// behind, and after space is freed the next ingest completes without redoing what was stored.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loopExfatCapability, Volumes, type LoopVolume } from '../support/loopVolumes.ts';
import { addCliUser, hasCommand, sqlite, station } from '../support/cli.ts';
import { sha256 } from '../support/recorderFiles.ts';

const cap = loopExfatCapability();
const ok = cap.ok && hasCommand('mkfs.ext4') && hasCommand('sqlite3');
if (!ok) console.warn(`[ingestDiskFull] SKIPPED: ${cap.ok ? 'mkfs.ext4 or sqlite3 missing' : cap.reason}`);

describe.skipIf(!ok)('vault disk full', () => {
  let vols: Volumes;
  let fs: LoopVolume;
  let srcDir: string;
  let dataDir: string;
  const env = () => ({ STATION_DATA: dataDir, STATION_PASSPHRASE: 'evidence room passphrase', STATION_USER: 'keeper', STATION_PASSWORD: 'keeper-password', STATION_LANG: 'en' });

  beforeAll(() => {
    vols = new Volumes();
    fs = vols.ext4({ sizeMiB: 40, name: 'datafs' });
    fs.mount();
    dataDir = join(fs.mountPoint, 'data');
    srcDir = mkdtempSync(join(tmpdir(), 'station-full-src-'));
    const admin = { ...env(), STATION_USER: 'admin', STATION_PASSWORD: 'admin-password' };
    let r = station(['init', '--agency-code', 'PJ01', '--agency-name', '盘锦市自然资源局', '--admin', 'admin'], admin);
    expect(r.code, r.stderr).toBe(0);
    r = addCliUser(admin, 'keeper', 'custodian', 'keeper-password');
    expect(r.code, r.stderr).toBe(0);
  });

  afterAll(async () => {
    await fs?.unmount().catch(() => {});
    vols?.cleanup();
    if (srcDir) rmSync(srcDir, { recursive: true, force: true });
  });

  it('stops cleanly with io.disk_full, leaves the source untouched, resumes after space is freed', async () => {
    const files: Record<string, Buffer> = {};
    for (let i = 1; i <= 6; i++) {
      files[`clip${i}.mp4`] = randomBytes(4 * 2 ** 20);
      writeFileSync(join(srcDir, `clip${i}.mp4`), files[`clip${i}.mp4`]!);
    }
    // Leave room for about two of the six files.
    const ballast = join(fs.mountPoint, 'ballast.bin');
    const st = statfsSync(fs.mountPoint);
    writeFileSync(ballast, Buffer.alloc(Math.max(0, st.bavail * st.bsize - 10 * 2 ** 20)));

    const first = station(['ingest', srcDir], env());
    expect(first.code, first.stdout + first.stderr).toBe(1);
    expect(first.stderr).toMatch(/^Error: The disk is full: /);
    expect(first.stderr).not.toMatch(/\n\s+at /);
    const db = join(dataDir, 'station.db');
    expect(sqlite(db, 'SELECT status, stop_code FROM ingest_sessions').stdout.trim()).toBe('stopped|io.disk_full');
    const outcomes = sqlite(db, 'SELECT outcome, reason FROM ingest_files ORDER BY seq').stdout.trim().split('\n');
    const stored = outcomes.filter((o) => o === 'ingested|').length;
    expect(stored).toBeGreaterThanOrEqual(1);
    expect(stored).toBeLessThan(6);
    // Each file is stored, failed for want of space (two are in flight at a time), or not reached.
    expect(outcomes.filter((o) => o === 'failed|io.disk_full').length).toBeGreaterThanOrEqual(1);
    expect(outcomes.every((o) => ['ingested|', 'failed|io.disk_full', 'pending|'].includes(o))).toBe(true);
    expect(sqlite(db, "SELECT COUNT(*) FROM ledger WHERE action = 'ingest.session_stopped'").stdout.trim()).toBe('1');
    // Nothing half-written: no temp file, and no object file without its catalogue row.
    expect(readdirSync(join(dataDir, 'vault', 'tmp'))).toEqual([]);
    const objects = readdirSync(join(dataDir, 'vault', 'objects'), { recursive: true }).filter((f) => String(f).endsWith('.evo'));
    expect(objects).toHaveLength(stored);
    // The source is untouched.
    for (const [n, data] of Object.entries(files)) expect(sha256(readFileSync(join(srcDir, n)))).toBe(sha256(data));

    rmSync(ballast);
    const second = station(['ingest', srcDir], env());
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(sqlite(db, 'SELECT COUNT(*) FROM recordings').stdout.trim()).toBe('6');
    expect(sqlite(db, "SELECT COUNT(*) FROM ingest_files WHERE session_id = 2 AND outcome = 'already_ingested'").stdout.trim()).toBe(String(stored));
    for (const row of sqlite(db, 'SELECT source_path, sha256 FROM recordings').stdout.trim().split('\n')) {
      const [path, hash] = row.split('|') as [string, string];
      expect(hash).toBe(sha256(files[path]!));
    }
    const verify = station(['vault', 'verify'], env());
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    const ledger = station(['ledger', 'verify'], env());
    expect(ledger.code, ledger.stdout + ledger.stderr).toBe(0);
  });
});
