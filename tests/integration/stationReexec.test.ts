// Issue 10 defect 21 (first part): on a machine whose system Node is older than 22, `station` re-runs
// itself on the bundled Node. The PID the custodian (or a service manager) knows is the wrapper's; SIGTERM
// to it must stop the real `station watch` too, and the wrapper must end with the child.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { addCliUser, STATION_BIN, station } from '../support/cli.ts';

// A system Node older than 22, as on the stations that need the re-exec.
const oldNode = (spawnSync('sh', ['-c', 'which -a node'], { encoding: 'utf8' }).stdout ?? '')
  .split('\n')
  .filter(Boolean)
  .find((p) => Number(spawnSync(p, ['-p', 'process.versions.node.split(".")[0]'], { encoding: 'utf8' }).stdout.trim()) < 22);
if (!oldNode) console.warn('[stationReexec] SKIPPED: no Node older than 22 on PATH');

const alive = (pid: number): boolean => {
  try {
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
};
const childrenOf = (pid: number): number[] => {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
};

let dir: string | undefined;
const strays: number[] = [];
afterEach(() => {
  for (const pid of strays.splice(0)) if (alive(pid)) process.kill(pid, 'SIGKILL');
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe.skipIf(!oldNode)('station on an older system Node', () => {
  it('defect 21: SIGTERM to the wrapper PID stops the re-executed station watch, and the wrapper exits with it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'station-reexec-'));
    const mounts = join(dir, 'mounts');
    mkdirSync(mounts);
    const env = { STATION_DATA: join(dir, 'data'), STATION_PASSPHRASE: 'evidence room passphrase', STATION_LANG: 'en' };
    const admin = { ...env, STATION_USER: 'admin', STATION_PASSWORD: 'admin-password' };
    expect(station(['init', '--agency-code', 'SX01', '--agency-name', '测试局', '--admin', 'admin'], admin).code).toBe(0);
    expect(addCliUser(admin, 'keeper', 'custodian', 'keeper-password').code).toBe(0);

    const wrapper = spawn(oldNode!, [STATION_BIN, 'watch', '--mount-root', mounts], {
      env: { ...process.env, ...env, STATION_USER: 'keeper', STATION_PASSWORD: 'keeper-password' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    wrapper.stdout.on('data', (d: Buffer) => (out += d.toString()));
    wrapper.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<{ code: number | null; signal: string | null }>((r) => wrapper.once('exit', (code, signal) => r({ code, signal })));
    const end = Date.now() + 60_000;
    while (!/watching|值守|监视/i.test(out)) {
      if (Date.now() > end || wrapper.exitCode !== null) throw new Error(`station watch did not start:\n${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const [child] = childrenOf(wrapper.pid!);
    expect(child, 'the wrapper re-executed on the bundled Node').toBeDefined();
    strays.push(child!);
    expect(readFileSync(`/proc/${child}/cmdline`, 'utf8')).toContain('station.mjs');

    wrapper.kill('SIGTERM');
    await exited;
    // The wrapper ends only once the watcher has: by then it must be gone, not orphaned and still ingesting.
    expect(alive(child!), 'the watcher must not outlive the PID that was stopped').toBe(false);
    expect(out).toMatch(/SIGTERM/);
    expect(existsSync(join(dir, 'data', 'station.lock'))).toBe(false);
  }, 120_000);
});
