// Issue 10 defect 12: the station's data disk almost full, then completely full (a real small ext4 loop
// file system). Every command answers with the translated disk-full error or works; none says
// "Internal error", none dies of a signal (SIGBUS from a memory-mapped file on a full disk).
import { readdirSync, rmSync, statfsSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { loopExfatCapability, Volumes, type LoopVolume } from '../support/loopVolumes.ts';
import { addCliUser, hasCommand, STATION_BIN, station, type CliResult } from '../support/cli.ts';
import { spawn } from 'node:child_process';

const cap = loopExfatCapability();
const ok = cap.ok && hasCommand('mkfs.ext4');
if (!ok) console.warn(`[diskFullEverywhere] SKIPPED: ${cap.ok ? 'mkfs.ext4 missing' : cap.reason}`);

/** Fills the file system to the last byte the caller may write: one big file, then 4 KiB, then 1 byte at a time. */
function fillUp(path: string, leaveBytes: number): void {
  const st = statfsSync(join(path, '..'));
  writeFileSync(path, Buffer.alloc(Math.max(0, st.bavail * st.bsize - leaveBytes - 64 * 1024)));
  const fd = openSync(path, 'a');
  try {
    for (const size of [4096, 1]) {
      const block = Buffer.alloc(size);
      for (;;) {
        const free = statfsSync(join(path, '..'));
        if (free.bavail * free.bsize <= leaveBytes) break;
        try {
          writeSync(fd, block);
        } catch {
          break;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
}

describe.skipIf(!ok)('data disk full: every command', () => {
  let vols: Volumes;
  let fs: LoopVolume;
  let dataDir: string;
  const env = (user = 'keeper') => ({ STATION_DATA: dataDir, STATION_PASSPHRASE: 'evidence room passphrase', STATION_USER: user, STATION_PASSWORD: `${user}-password`, STATION_LANG: 'en' });
  const noCrash = (r: CliResult, what: string) => {
    expect(r.code, `${what} must exit, not die of a signal:\n${r.stderr}`).toBeGreaterThanOrEqual(0);
    expect(r.stderr, what).not.toMatch(/Internal error|api\.internal|give the log|\n\s+at /i);
  };

  beforeAll(() => {
    vols = new Volumes();
    fs = vols.ext4({ sizeMiB: 24, name: 'datafs' });
    fs.mount();
    dataDir = join(fs.mountPoint, 'data');
    const admin = env('admin');
    let r = station(['init', '--agency-code', 'PJ01', '--agency-name', '盘锦市自然资源局', '--admin', 'admin'], admin);
    expect(r.code, r.stderr).toBe(0);
    r = addCliUser(admin, 'keeper', 'custodian', 'keeper-password');
    expect(r.code, r.stderr).toBe(0);
  });

  afterAll(async () => {
    await fs?.unmount().catch(() => {});
    vols?.cleanup();
  });

  it('defect 12: almost full and completely full give the translated disk-full error, never an internal error or a crash', () => {
    const ballast = join(fs.mountPoint, 'ballast.bin');
    onTestFinished(() => rmSync(ballast, { force: true }));
    for (const leave of [2048, 0]) {
      fillUp(ballast, leave);
      for (const args of [['ledger', 'verify'], ['recordings', 'list'], ['vault', 'verify'], ['status']]) {
        const r = station(args, env(args[0] === 'ledger' || args[0] === 'vault' ? 'admin' : 'keeper'));
        noCrash(r, `${args.join(' ')} with ${leave} bytes free`);
        if (r.code !== 0) expect(r.stderr, args.join(' ')).toMatch(/disk is full/i);
      }
      const zh = station(['ledger', 'verify'], { ...env('admin'), STATION_LANG: 'zh-CN' });
      noCrash(zh, 'ledger verify (zh-CN)');
      if (zh.code !== 0) expect(zh.stderr).toMatch(/磁盘空间不足/);
    }
    rmSync(ballast);
    const after = station(['ledger', 'verify'], env('admin'));
    expect(after.code, after.stderr).toBe(0);
    expect(readdirSync(dataDir)).toContain('station.db');
  }, 300_000);

  it('defect 12: with `station watch` holding the database open, a full disk still gives the translated error, and the watcher survives', async () => {
    const mounts = join(fs.mountPoint, 'mounts');
    const watch = spawn(process.execPath, [STATION_BIN, 'watch', '--mount-root', mounts], { env: { ...process.env, ...env() }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    watch.stdout.on('data', (d: Buffer) => (out += d.toString()));
    watch.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<{ code: number | null; signal: string | null }>((r) => watch.once('exit', (code, signal) => r({ code, signal })));
    try {
      const end = Date.now() + 60_000;
      while (!out.includes('Watching')) {
        if (Date.now() > end || watch.exitCode !== null) throw new Error(`watch did not start:\n${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const ballast = join(fs.mountPoint, 'ballast.bin');
      fillUp(ballast, 0);
      for (const args of [['ledger', 'verify'], ['recordings', 'list'], ['status']]) {
        const r = station(args, env(args[0] === 'ledger' ? 'admin' : 'keeper'));
        noCrash(r, `${args.join(' ')} beside a running watch`);
        if (r.code !== 0) expect(r.stderr, args.join(' ')).toMatch(/disk is full/i);
      }
      expect(watch.exitCode, out).toBeNull();
      rmSync(ballast);
    } finally {
      watch.kill('SIGTERM');
    }
    const end = await exited;
    expect(end.signal, out).toBeNull();
  }, 300_000);
});
