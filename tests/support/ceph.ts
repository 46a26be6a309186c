// A real single-node Ceph for the replica tests: one monitor, one bluestore OSD on a sparse file,
// and radosgw (beast) on 127.0.0.1 — no cephadm, containers or systemd (facts in
// shared/notes/central-tier.md). Everything (config, keyrings, admin sockets, logs, data) lives in
// one temp folder; every daemon writes a pid file and is stopped by that PID; stop() removes the
// folder whatever happened. Start it once per test file: the bootstrap takes ~20–35 s.
import { execFile, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { S3Client } from '@aws-sdk/client-s3';

const exec = promisify(execFile);

/** Fixed keys of the test user: nothing secret, the store only ever listens on 127.0.0.1. */
export const TEST_ACCESS_KEY = 'STATIONTESTACCESSKEY';
export const TEST_SECRET_KEY = 'station-test-secret-key-0123456789abcdef';

const BINARIES = ['ceph-mon', 'ceph-osd', 'radosgw', 'radosgw-admin', 'ceph', 'ceph-authtool', 'monmaptool'];

/** Why the Ceph tests cannot run here, or null when they can. */
export function cephUnavailable(): string | null {
  if (process.platform !== 'linux') return `not Linux (${process.platform})`;
  const missing = BINARIES.filter((b) => spawnSync('sh', ['-c', `command -v ${b}`]).status !== 0);
  if (missing.length) return `missing ${missing.join(', ')} (apt-get install --no-install-recommends ceph-mon ceph-osd radosgw ceph-common)`;
  return null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export class CephCluster {
  readonly dir: string;
  readonly endpoint: string;
  private readonly conf: string;
  private readonly rgwPort: number;
  private constructor(dir: string, conf: string, rgwPort: number) {
    this.dir = dir;
    this.conf = conf;
    this.rgwPort = rgwPort;
    this.endpoint = `http://127.0.0.1:${rgwPort}`;
  }

  /** The storage administrator's client (the test user); checksums only when required, as RGW 16.2 needs. */
  adminClient(): S3Client {
    return new S3Client({
      endpoint: this.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: TEST_ACCESS_KEY, secretAccessKey: TEST_SECRET_KEY },
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  /** Bootstraps the whole cluster and the test user; on any failure everything started is stopped. */
  static async start(): Promise<CephCluster> {
    const dir = mkdtempSync(join(tmpdir(), 'station-ceph-'));
    const [monPort, rgwPort] = [await freePort(), await freePort()];
    const conf = join(dir, 'ceph.conf');
    const cluster = new CephCluster(dir, conf, rgwPort);
    try {
      await cluster.bootstrap(monPort);
      return cluster;
    } catch (e) {
      const log = cluster.logTail();
      await cluster.stop();
      throw new Error(`${(e as Error).message}\n${log}`, { cause: e });
    }
  }

  private async ceph(cmd: string, args: string[]): Promise<string> {
    const { stdout } = await exec(cmd, ['-c', this.conf, ...args], { encoding: 'utf8', timeout: 60_000 });
    return stdout;
  }

  private async bootstrap(monPort: number): Promise<void> {
    const d = this.dir;
    const fsid = randomUUID();
    for (const sub of ['run', 'log', 'mon', 'osd', 'rgw']) mkdirSync(join(d, sub));
    writeFileSync(
      this.conf,
      [
        '[global]',
        `fsid = ${fsid}`,
        `mon host = [v2:127.0.0.1:${monPort}]`,
        `keyring = ${d}/admin.keyring`,
        `run dir = ${d}/run`,
        `admin socket = ${d}/run/$name.asok`,
        `log file = ${d}/log/$name.log`,
        `pid file = ${d}/run/$name.pid`,
        'ms bind ipv4 = true',
        'ms bind ipv6 = false',
        'osd pool default size = 1',
        'osd pool default min size = 1',
        'osd crush chooseleaf type = 0',
        'osd pool default pg num = 8',
        'osd pool default pgp num = 8',
        'osd pool default pg autoscale mode = off',
        'mon max pg per osd = 1000',
        'mon allow pool size one = true',
        'mon warn on pool no redundancy = false',
        // The monitor shuts itself down at 5 % free disk by default; a CI disk may be that full.
        'mon data avail crit = 0',
        'mon data avail warn = 0',
        'osd memory target = 943718400',
        '[mon.a]',
        `mon data = ${d}/mon`,
        `public addr = 127.0.0.1`,
        '[osd.0]',
        `osd data = ${d}/osd`,
        `keyring = ${d}/osd/keyring`,
        'osd objectstore = bluestore',
        // Sparse: takes only what is written.
        'bluestore block size = 10737418240',
        '[client.rgw.a]',
        `keyring = ${d}/rgw.keyring`,
        `rgw frontends = beast endpoint=127.0.0.1:${this.rgwPort}`,
        `rgw data = ${d}/rgw`,
        // Quotas (the "store full" test) are judged on fresh bucket stats, not a 10-minute cache.
        'rgw bucket quota ttl = 0',
        '',
      ].join('\n'),
    );
    await exec('ceph-authtool', ['--create-keyring', `${d}/mon.keyring`, '--gen-key', '-n', 'mon.', '--cap', 'mon', 'allow *']);
    await exec('ceph-authtool', ['--create-keyring', `${d}/admin.keyring`, '--gen-key', '-n', 'client.admin', '--cap', 'mon', 'allow *', '--cap', 'osd', 'allow *', '--cap', 'mgr', 'allow *']);
    await exec('ceph-authtool', [`${d}/mon.keyring`, '--import-keyring', `${d}/admin.keyring`]);
    await exec('monmaptool', ['--create', '--addv', 'a', `[v2:127.0.0.1:${monPort}]`, '--fsid', fsid, `${d}/monmap`]);
    await this.ceph('ceph-mon', ['--mkfs', '-i', 'a', '--monmap', `${d}/monmap`, '--keyring', `${d}/mon.keyring`]);
    await this.ceph('ceph-mon', ['-i', 'a']);
    await this.waitFor(async () => (await this.ceph('ceph', ['--connect-timeout', '5', 'mon', 'stat'])).length > 0, 20_000, 'monitor');

    const osdUuid = randomUUID();
    const id = (await this.ceph('ceph', ['osd', 'new', osdUuid])).trim();
    if (id !== '0') throw new Error(`unexpected osd id ${id}`);
    await this.ceph('ceph', ['auth', 'get-or-create', 'osd.0', 'mon', 'allow profile osd', 'mgr', 'allow profile osd', 'osd', 'allow *', '-o', `${d}/osd/keyring`]);
    await this.ceph('ceph-osd', ['-i', '0', '--mkfs', '--osd-uuid', osdUuid]);
    await this.ceph('ceph-osd', ['-i', '0']);
    await this.waitFor(async () => /1 up/.test(await this.ceph('ceph', ['osd', 'stat'])), 60_000, 'OSD');

    await this.ceph('ceph', ['auth', 'get-or-create', 'client.rgw.a', 'mon', 'allow rw', 'osd', 'allow rwx', '-o', `${d}/rgw.keyring`]);
    await this.startRgw();
    await this.ceph('radosgw-admin', ['-n', 'client.admin', 'user', 'create', '--uid', 'station', '--display-name', 'station test', '--access-key', TEST_ACCESS_KEY, '--secret', TEST_SECRET_KEY]);
  }

  private async waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
    const until = Date.now() + timeoutMs;
    let last: unknown = null;
    while (Date.now() < until) {
      try {
        if (await check()) return;
      } catch (e) {
        last = e;
      }
      await sleep(300);
    }
    throw new Error(`Ceph ${what} did not come up in ${timeoutMs} ms${last ? `: ${(last as Error).message.split('\n')[0]}` : ''}`);
  }

  /** Starts (or restarts) the gateway and waits until it answers HTTP. */
  async startRgw(): Promise<void> {
    await this.ceph('radosgw', ['-n', 'client.rgw.a']);
    await this.waitFor(async () => (await fetch(this.endpoint)).status > 0, 90_000, 'radosgw');
  }

  /** radosgw-admin as the cluster's administrator (a test sets and lifts bucket quotas with it). */
  async rgwAdmin(args: string[]): Promise<string> {
    return this.ceph('radosgw-admin', ['-n', 'client.admin', ...args]);
  }

  /** Stops the gateway (the store becomes unreachable; the cluster keeps its data); `kill` = SIGKILL, as a crash. */
  async stopRgw(options: { kill?: boolean } = {}): Promise<void> {
    await this.stopDaemon('client.rgw.a', options.kill ? 'SIGKILL' : 'SIGTERM');
  }

  /** CPU seconds the three daemons have used so far (Linux clock ticks of 1/100 s, user + system). */
  private cpuSeconds(): number {
    let ticks = 0;
    for (const name of ['client.rgw.a', 'osd.0', 'mon.a']) {
      const pid = this.pidOf(name);
      if (pid === null) continue;
      try {
        // The command name may hold spaces: the fields start after its closing parenthesis.
        const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
        ticks += Number(fields[11]) + Number(fields[12]);
      } catch {
        // A daemon that just ended uses nothing more.
      }
    }
    return ticks / 100;
  }

  /**
   * Waits until the daemons have used under 5 % of a core for a whole second (the OSD flushing what
   * it was sent, the gateway's own housekeeping), at most `maxMs`, so that a benchmark step does
   * not pay for the step before it. Returns how long it waited.
   */
  async settle(maxMs = 20_000): Promise<number> {
    const t0 = Date.now();
    let last = this.cpuSeconds();
    while (Date.now() - t0 < maxMs) {
      await sleep(1000);
      const now = this.cpuSeconds();
      if (now - last < 0.05) break;
      last = now;
    }
    return Date.now() - t0;
  }

  private pidOf(name: string): number | null {
    const file = join(this.dir, 'run', `${name}.pid`);
    if (!existsSync(file)) return null;
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  }

  private async stopDaemon(name: string, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const pid = this.pidOf(name);
    if (pid === null) return;
    try {
      process.kill(pid, signal);
    } catch {
      return;
    }
    for (let i = 0; i < 40 && alive(pid); i++) await sleep(100);
    if (alive(pid)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
      for (let i = 0; i < 50 && alive(pid); i++) await sleep(100);
    }
    rmSync(join(this.dir, 'run', `${name}.pid`), { force: true });
  }

  /** Recent log lines, for a failure message. */
  logTail(): string {
    const out: string[] = [];
    for (const name of ['mon.a', 'osd.0', 'client.rgw.a']) {
      const file = join(this.dir, 'log', `${name}.log`);
      if (existsSync(file)) out.push(`--- ${name}`, ...readFileSync(file, 'utf8').split('\n').slice(-15));
    }
    return out.join('\n');
  }

  async stop(): Promise<void> {
    try {
      for (const name of ['client.rgw.a', 'osd.0', 'mon.a']) await this.stopDaemon(name);
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}
