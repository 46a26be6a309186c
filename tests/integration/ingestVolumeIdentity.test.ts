// Issue 10 defect 14: an unregistered recorder's storage is one source wherever it is mounted. Ingested at
// one mount point, docked again at another, its files are "already ingested", not catalogued a second time.
// A real exFAT volume on a loop device through FUSE, ingested with the real `station ingest`.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loopExfatCapability, Volumes, type LoopVolume } from '../support/loopVolumes.ts';
import { addCliUser, hasCommand, sqlite, station } from '../support/cli.ts';
import { nameAt, randomMp4 } from '../support/recorderFiles.ts';

const cap = loopExfatCapability();
const ok = cap.ok && hasCommand('sqlite3') && hasCommand('blkid');
if (!ok) console.warn(`[ingestVolumeIdentity] SKIPPED: ${cap.ok ? 'sqlite3 or blkid missing' : cap.reason}`);

describe.skipIf(!ok)('recorder identity is not the mount point', () => {
  let vols: Volumes;
  let vol: LoopVolume;
  let dir: string;
  const env = () => ({ STATION_DATA: join(dir, 'data'), STATION_PASSPHRASE: 'evidence room passphrase', STATION_USER: 'keeper', STATION_PASSWORD: 'keeper-password', STATION_LANG: 'en' });

  beforeAll(() => {
    vols = new Volumes();
    dir = mkdtempSync(join(tmpdir(), 'station-volid-'));
    const admin = { ...env(), STATION_USER: 'admin', STATION_PASSWORD: 'admin-password' };
    expect(station(['init', '--agency-code', 'SX01', '--agency-name', '测试局', '--admin', 'admin'], admin).code).toBe(0);
    expect(addCliUser(admin, 'keeper', 'custodian', 'keeper-password').code).toBe(0);
  });

  afterAll(async () => {
    await vol?.unmount().catch(() => {});
    vols?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('defect 14: the same unregistered recorder docked at another mount point is not catalogued again', async () => {
    vol = vols.exfat({ sizeMiB: 32, name: 'rec', label: 'ZFY' });
    vol.prepare((root) => {
      mkdirSync(join(root, 'DCIM'));
      // A serial no one registered: nothing but the storage itself says which recorder this is.
      writeFileSync(join(root, 'DCIM', nameAt({ y: 2026, mo: 11, d: 30, h: 9, mi: 0, s: 0 }, { deviceSerial: '9990001', sequence: 1 })), randomMp4());
      writeFileSync(join(root, 'DCIM', nameAt({ y: 2026, mo: 11, d: 30, h: 9, mi: 10, s: 0 }, { deviceSerial: '9990001', sequence: 2 })), randomMp4());
    });
    const db = join(dir, 'data', 'station.db');
    const first = join(vols.mountRoot, 'first');
    vol.mount(first);
    let r = station(['ingest', first, '--json'], env());
    expect(r.code, r.stderr).toBe(0);
    expect(sqlite(db, 'SELECT COUNT(*) FROM recordings').stdout.trim()).toBe('2');
    await vol.unmount();

    const second = join(vols.mountRoot, 'second');
    vol.mount(second);
    r = station(['ingest', second, '--json'], env());
    expect(r.code, r.stderr).toBe(0);
    const outcomes = (JSON.parse(r.stdout) as { files: { outcome: string }[] }).files.filter((f) => f.outcome !== 'skipped').map((f) => f.outcome);
    expect(outcomes).toEqual(['already_ingested', 'already_ingested']);
    expect(sqlite(db, 'SELECT COUNT(*) FROM recordings').stdout.trim()).toBe('2');
    expect(sqlite(db, 'SELECT COUNT(DISTINCT source_key) FROM ingest_sessions').stdout.trim()).toBe('1');
  }, 180_000);
});
