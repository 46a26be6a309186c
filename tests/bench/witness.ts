// The central witness under load (issue 13): add-checkpoint round trips per second with 100
// simulated stations, each stepping its tree by 1,000 entries (a real consistency proof checked
// by the service, a cosignature persisted in PostgreSQL before the answer); mirrored entries per
// second; the resident memory of the `station central serve` process afterwards. Everything runs
// on 127.0.0.1: a PostgreSQL started here (tests/support/postgres.ts) and the real service.
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { rawPublicKey, signCheckpoint, verifierKey } from '../../electron/core/ledger/checkpoint.ts';
import { entryLeafHash, type LedgerEntryContent } from '../../electron/core/ledger/entryHash.ts';
import { MerkleTree, leavesFromArray } from '../../electron/core/ledger/merkle.ts';
import { formatAddCheckpoint } from '../../electron/core/witness/cosignature.ts';
import { CentralService } from '../../electron/central/service.ts';
import { openWitnessKey } from '../../electron/central/keyFile.ts';
import { STATION_BIN } from '../support/cli.ts';
import { postgresUnavailable, startPostgres } from '../support/postgres.ts';
import type { BenchReport } from './report.ts';

const STATIONS = 100;
const STEP = 1000;
const ROUNDS = 5;
const IN_FLIGHT = 8;
const MIRROR_ENTRIES = 10_000;
const PASS = 'bench witness passphrase';

async function pool<T>(items: T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) await fn(items[next++] as T);
  }));
}

export async function benchWitness(options: { workDir: string }): Promise<BenchReport> {
  const title = 'Central witness (PostgreSQL, station central serve)';
  const why = postgresUnavailable();
  if (why) return { title, rows: [{ name: 'skipped', seconds: 0, note: why }] };
  const dir = mkdtempSync(join(options.workDir, 'bench-witness-'));
  const pg = await startPostgres({ fsync: true });
  let child: ReturnType<typeof spawn> | null = null;
  try {
    const init = spawnSync(process.execPath, [STATION_BIN, 'central', 'init', '--dir', dir, '--name', 'bench.example/witness', '--db', pg.url, '--lang', 'en'], { env: { ...process.env, CENTRAL_PASSPHRASE: PASS }, encoding: 'utf8' });
    if (init.status !== 0) throw new Error(init.stderr);
    // Enrolment is not what is measured: done in-process, through the service's own code.
    const enrolService = new CentralService(pg.url, await openWitnessKey(dir, PASS));
    const leaves = Array.from({ length: STEP * (ROUNDS + 1) }, (_, i) => crypto.createHash('sha256').update(`leaf ${i}`).digest());
    const tree = new MerkleTree(leavesFromArray(leaves));
    const logs = [];
    for (let i = 0; i < STATIONS; i++) {
      const key = crypto.generateKeyPairSync('ed25519').privateKey;
      const origin = `bench.example/station-${String(i).padStart(3, '0')}`;
      await enrolService.enrol(origin, verifierKey(origin, rawPublicKey(key)), 'bench');
      logs.push({ origin, key });
    }
    const entries: LedgerEntryContent[] = [];
    let prev = '0'.repeat(64);
    for (let seq = 1; seq <= MIRROR_ENTRIES; seq++) {
      const e = { seq, time: new Date(Date.UTC(2026, 11, 1) + seq * 1000).toISOString(), actor: 'keeper', action: 'recording.ingested', subject: `recording:RC-${seq}`, details: { officer: '010203', recorder: '1234567', bytes: seq * 1024 }, prev };
      prev = entryLeafHash(e).toString('hex');
      entries.push(e);
    }
    const mirrorTree = new MerkleTree(leavesFromArray(entries.map((e) => entryLeafHash(e))));
    const mirrorKey = crypto.generateKeyPairSync('ed25519').privateKey;
    const mirrorOrigin = 'bench.example/mirror';
    await enrolService.enrol(mirrorOrigin, verifierKey(mirrorOrigin, rawPublicKey(mirrorKey)), 'bench');
    await enrolService.close();

    child = spawn(process.execPath, [STATION_BIN, 'central', 'serve', '--dir', dir, '--db', pg.url, '--listen', '127.0.0.1:0', '--lang', 'en'], { env: { ...process.env, CENTRAL_PASSPHRASE: PASS }, stdio: ['ignore', 'pipe', 'inherit'] });
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child?.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /serving at (\S+)/.exec(out);
        if (m) resolve(m[1] as string);
      });
      child?.once('exit', (code) => reject(new Error(`serve exited ${code}`)));
    });
    const post = async (path: string, body: string): Promise<void> => {
      const res = await fetch(`${url}${path}`, { method: 'POST', body });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${text}`);
    };

    // The first checkpoint of each station (old 0, no proof) is setup, not measured.
    await pool(logs, IN_FLIGHT, (l) => post('/add-checkpoint', formatAddCheckpoint({ oldSize: 0, proof: [], note: signCheckpoint({ origin: l.origin, size: STEP, root: tree.root(STEP) }, l.key, l.origin) })));
    const requests: string[] = [];
    for (let r = 1; r <= ROUNDS; r++) {
      for (const l of logs) {
        const size = STEP * (r + 1);
        requests.push(formatAddCheckpoint({ oldSize: STEP * r, proof: tree.consistencyProof(STEP * r, size), note: signCheckpoint({ origin: l.origin, size, root: tree.root(size) }, l.key, l.origin) }));
      }
    }
    // Rounds in order, stations in parallel within a round: each station's steps stay sequential.
    let t0 = performance.now();
    for (let r = 0; r < ROUNDS; r++) await pool(requests.slice(r * STATIONS, (r + 1) * STATIONS), IN_FLIGHT, (body) => post('/add-checkpoint', body));
    const cosignSeconds = (performance.now() - t0) / 1000;
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const rssMiB = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
    const hwmMiB = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;

    await post('/add-checkpoint', formatAddCheckpoint({ oldSize: 0, proof: [], note: signCheckpoint({ origin: mirrorOrigin, size: MIRROR_ENTRIES, root: mirrorTree.root() }, mirrorKey, mirrorOrigin) }));
    t0 = performance.now();
    for (let have = 0; have < MIRROR_ENTRIES; have += 1000) {
      const end = have + 1000;
      const proof = end === MIRROR_ENTRIES ? [] : mirrorTree.consistencyProof(end, MIRROR_ENTRIES).map((b) => b.toString('base64'));
      await post('/mirror/add-entries', JSON.stringify({ origin: mirrorOrigin, entries: entries.slice(have, end), proof }));
    }
    const mirrorSeconds = (performance.now() - t0) / 1000;
    return {
      title,
      rows: [
        { name: `add-checkpoint, ${STATIONS} stations × ${ROUNDS} steps of ${STEP} entries (${IN_FLIGHT} in flight)`, seconds: cosignSeconds, perSecond: (STATIONS * ROUNDS) / cosignSeconds, note: 'proof verified, cosignature committed to PostgreSQL before each answer' },
        { name: `mirror ${MIRROR_ENTRIES} entries in batches of 1,000`, seconds: mirrorSeconds, perSecond: MIRROR_ENTRIES / mirrorSeconds, note: 'chain, leaf hashes and a consistency proof to the cosigned root per batch' },
        { name: `service memory with ${STATIONS} stations`, seconds: 0, note: `RSS ${rssMiB.toFixed(0)} MiB (peak ${hwmMiB.toFixed(0)} MiB), Node process only; PostgreSQL separate` },
      ],
    };
  } finally {
    if (child && child.exitCode === null) {
      const c = child;
      await new Promise<void>((resolve) => {
        c.once('exit', () => resolve());
        c.kill('SIGTERM');
      });
    }
    pg.remove();
    rmSync(dir, { recursive: true, force: true });
  }
}
