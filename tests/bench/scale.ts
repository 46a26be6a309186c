// At scale (issue 16, target 6): a catalogue of BENCH_SCALE_RECORDINGS recordings (default 1,000,000) and a ledger of
// BENCH_SCALE_LEDGER entries (default 10,000,000), generated through the station's own code — the ingest service's
// catalogue insert (interruption and lateness judged as at a dock, the search index filled by its triggers), the
// ledger's append (hash chain, Merkle accumulator, signed checkpoints), the registry, cases and explanations — in
// transactions of one dock each. Then the screens' queries through the api as the CLI calls it (ApiServer/ApiClient,
// logged in), each p95 of BENCH_SCALE_RUNS runs against its target.
//
// Generating takes long, so the result is kept under tests/bench/data/ and reused: keyed by the generator's version,
// the sizes and the migrations it was generated with. A later migration (an index) is applied to a working copy at
// each run, as on a station upgraded in place, and its time is reported.
//
// BENCH_SCALE_GENERATE_SECONDS bounds the generating of one run (at a dock's end): the queries are then measured on the
// catalogue as far as it got, and the title says its size — the next run goes on from there. 0 measures what is there.
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ManualClock } from '../../electron/core/clock.ts';
import { Station } from '../../electron/core/station.ts';
import { ApiServer } from '../../electron/api/server.ts';
import { type IngestSourceSpec } from '../../electron/core/ingest/service.ts';
import { fileFacts } from '../../electron/core/ingest/metadata.ts';
import type { FileToCatalogue } from '../../electron/core/ingest/catalogueWrite.ts';
import { probeReader } from '../../electron/core/media/probe.ts';
import type { MediaProbe } from '../../electron/core/media/probe.ts';
import { mp4AroundPayload, recorderFileName } from '../fixtures/mediaFixtures.ts';
import type { BenchReport, BenchRow } from './report.ts';
import { ftsPhrase, substringRowids } from '../../electron/core/recordings/textSearch.ts';

/** Bump when what is generated changes: the cached catalogue is then made again. */
const GENERATOR_VERSION = 1;
const PASSPHRASE = 'benchmark passphrase';
const ADMIN_PASSWORD = 'admin-password';
const OFFICERS = 300;
const OBJECT_POOL = 64;
const DOCK = 1000;
const START = Date.parse('2024-01-01T00:00:00Z');
/** A recording every 63 s, day and night: a million in two years, as a large agency's evidence room. */
const DT_MS = 63_072;

const root = fileURLToPath(new URL('../../', import.meta.url));
const migrationsDir = join(root, 'electron/core/db/migrations');

function migrationHashes(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(migrationsDir).filter((n) => n.endsWith('.sql')).sort()) out[f] = createHash('sha256').update(readFileSync(join(migrationsDir, f))).digest('hex');
  return out;
}

type Manifest = { version: number; ratio: number; recordings: number; migrations: Record<string, string>; seconds: number; ledgerSize: number; extraCounter: number; extraDue: number };

function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function dirBytes(path: string): number {
  let n = 0;
  for (const e of readdirSync(path, { withFileTypes: true })) {
    const p = join(path, e.name);
    n += e.isDirectory() ? dirBytes(p) : statSync(p).size;
  }
  return n;
}

const badgeOf = (i: number) => String(100000 + i);
const serialOf = (i: number) => String(3000000 + i);
const caseNumberOf = (n: number) => `2024-${String(n).padStart(5, '0')}`;

async function probeMp4(durationSeconds: number): Promise<MediaProbe> {
  const { before, after } = mp4AroundPayload({ mdatBytes: 4096, durationSeconds });
  const bytes = Buffer.concat([before, Buffer.alloc(4096, 7), after]);
  return probeReader({ size: bytes.length, read: async (offset: number, length: number) => bytes.subarray(offset, Math.min(bytes.length, offset + length)) } as never);
}

type GenState = { recordings: number; extraCounter: number; extraDue: number };

/**
 * Builds the catalogue and the ledger in `dataDir` through the station's code, dock by dock, from recording
 * `state.recordings` up to `to`. Recording i is recorded at START + i × DT_MS whatever the size, so a smaller
 * catalogue is the first months of a larger one and a cached one can be extended.
 */
async function generate(dataDir: string, state: GenState, to: number, ratio: number, deadline: number, log: (s: string) => void): Promise<GenState> {
  const fresh = state.recordings === 0;
  const clock = new ManualClock(new Date(START - 86_400_000));
  const station = Station.open({ dataDir, clock });
  if (fresh) {
    await station.init({ agencyCode: 'BENCH', agencyName: '基准测试执法局', passphrase: PASSPHRASE, admin: { username: 'admin', displayName: '管理员', password: ADMIN_PASSWORD } });
  } else {
    // Where the ledger left off, so the clock never trails it (which would be ledgered as an anomaly).
    const last = station.db.prepare('SELECT time FROM ledger ORDER BY seq DESC LIMIT 1').get() as { time: string };
    clock.set(last.time);
    await station.unlock(PASSPHRASE);
  }
  // Generating only: a cache large enough for the catalogue's indexes, so a million inserts are not a million page misses.
  station.db.exec('PRAGMA cache_size = -1048576');
  // Generating only: commits reach the WAL without an fsync each (the WAL is still fsync'd at its checkpoints). This is
  // bench data that is made again if lost, not evidence; every ledger entry is still hashed, chained, put in the Merkle
  // tree and checkpointed by the ledger's own append, and the head record is still written (and fsync'd) by it.
  station.db.exec('PRAGMA synchronous = NORMAL');
  const svc = station.ingest;
  const cases = station.cases;
  if (fresh) {
    await station.users.add('admin', { username: 'keeper', displayName: '保管员', roles: ['custodian'], password: 'keeper-password' });
    await station.users.add('admin', { username: 'auditor1', displayName: '审计员', roles: ['auditor'], password: 'auditor-password' });
    for (let i = 0; i < OFFICERS; i++) {
      svc.registry.addOfficer('keeper', { badge: badgeOf(i), name: `警员${i}`, unitCode: `U${i % 12}`, unitName: `第${i % 12}中队` });
      svc.registry.addRecorder('keeper', { serial: serialOf(i), officerBadge: badgeOf(i), registeredVia: 'custodian', vendor: 'bench', model: 'DSJ-BENCH' });
    }
    // The vault's own put for every object would cost an fsync'd file each (an hour for a million): the catalogue rows
    // point at a pool of real objects instead; no query measured here reads an object.
    for (let i = 0; i < OBJECT_POOL; i++) {
      const { before, after } = mp4AroundPayload({ mdatBytes: 4096, durationSeconds: 600 });
      const body = Buffer.alloc(4096, i);
      await station.vault.put((async function* () { yield Buffer.concat([before, body, after]); })());
    }
  }
  const pool = (station.db.prepare('SELECT id FROM vault_objects ORDER BY rowid LIMIT ?').all(OBJECT_POOL) as { id: string }[]).map((r) => station.vault.get(r.id));
  const emptyRoot = join(dataDir, '..', 'empty-source');
  mkdirSync(emptyRoot, { recursive: true });
  const probes = new Map<number, MediaProbe>();
  const probeOf = async (d: number) => {
    let p = probes.get(d);
    if (!p) probes.set(d, (p = await probeMp4(d)));
    return p;
  };
  const dt = DT_MS;
  // The same recorder's next segment comes OFFICERS recordings later; now and then a segment ends a minute before it,
  // which the ingest judges an interruption (000 第九条).
  const sameRecorderGap = (OFFICERS * dt) / 1000;
  const settings = station.settings;
  const timeZone = settings.get('agency.timeZone');
  const tolerance = settings.get('time.toleranceSeconds');
  const rules = station.ingest.namingRules.rules();
  const insert = (ctx: unknown, seq: number, entry: unknown, src: unknown, read: unknown, facts: unknown, object: { id: string; sha256: string; size: number }, duplicateOf: string | null) =>
    svc.catalogue.insertRecording({ ctx, seq, entry, src, read, facts } as FileToCatalogue, object, duplicateOf);
  const target = Math.round(to * ratio);
  let { extraDue, extraCounter } = state;
  const t0 = process.hrtime.bigint();
  const ledger = station.ledger;
  let reached = state.recordings;
  for (let first = state.recordings; first < to; first += DOCK) {
    // Out of time: stop between docks, so the cache is whole and the next run goes on from here.
    if (Date.now() > deadline) break;
    const last = Math.min(to, first + DOCK) - 1;
    const dock = first / DOCK;
    // Most docks within hours of the last recording; every 40th a day and a half later (late hand-overs).
    const delayMs = dock % 40 === 39 ? 36 * 3_600_000 : 2 * 3_600_000;
    const storedAt = START + (last + 1) * dt + delayMs;
    if (storedAt > clock.now().getTime()) clock.set(new Date(storedAt));
    const source: IngestSourceSpec = { kind: 'folder', root: emptyRoot, sourceKey: `folder:dock-${dock}`, device: null, fsType: null, label: null, recorder: null, vendorInfo: null };
    const { session } = await svc.ingest(source, 'keeper');
    const ctx = { sessionId: session.id, source, actor: 'keeper', signal: new AbortController().signal, clearAfter: false, rootDev: 0, clockDrift: null };
    const remaining = to - first;
    const facts: { i: number; fileName: string; mtime: Date; probe: MediaProbe }[] = [];
    for (let i = first; i <= last; i++) {
      const at = START + i * dt;
      const rec = i % OFFICERS;
      const duration = i % 211 === 5 ? Math.round(sameRecorderGap - 60) : 600;
      const fileName = recorderFileName({
        deviceSerial: serialOf(rec),
        officerId: badgeOf(rec),
        localTime: new Date(at + 8 * 3_600_000),
        sequence: (i % 9999) + 1,
        important: i % 97 === 0,
        ...(i % 20 === 0 ? { caseNumber: `XZCF${caseNumberOf(Math.floor(i / 20) % 50_000).replace('-', '')}` } : {}),
      });
      facts.push({ i, fileName, mtime: new Date(at + duration * 1000), probe: await probeOf(duration) });
    }
    // A transaction per 100 files: the ledger proves each checkpoint against the head record of the last commit, so
    // one huge transaction would re-read an ever longer tail at every checkpoint (a real ingest commits per file).
    for (let part = 0; part < facts.length; part += 100) station.write(() => {
      for (const f of facts.slice(part, part + 100)) {
        const path = `DCIM/${serialOf(f.i % OFFICERS)}/${f.fileName}`;
        const entry = { path, segments: path.split('/').map((s) => Buffer.from(s)), type: 'file', size: 4096, mtimeMs: f.mtime.getTime(), dev: 0, ino: f.i };
        const ff = fileFacts({ fileName: f.fileName, probe: f.probe, mtime: f.mtime, timeZone, now: clock.now(), tolerance, nameRules: rules });
        const object = pool[f.i % pool.length]!;
        insert(ctx, f.i - first + 1, entry, { size: 4096, mtimeMs: f.mtime.getTime() }, { bytes: 4096, changed: false }, ff, { id: object.id, sha256: object.sha256, size: object.size }, null);
        // The rest of an evidence room's ledger, spread evenly: logins and logouts (most of a day's entries), spot
        // checks for the register, viewings ended.
        const left = remaining - (f.i - first);
        extraDue += (target - ledger.size - left) / left;
        while (extraDue >= 1) {
          extraDue -= 1;
          const k = extraCounter++;
          const user = k % 5 === 0 ? 'auditor1' : 'keeper';
          const subject = `recording:RC-${String(1 + (k % (f.i + 1))).padStart(6, '0')}`;
          if (k % 400 === 7) {
            ledger.append({ actor: 'auditor1', action: 'view.spot_check', subject, details: { requestId: null, purpose: '季度抽查', approvers: [], sha256: object.sha256 } });
          } else if (k % 10 < 6) {
            ledger.append({ actor: user, action: k % 2 === 0 ? 'auth.login' : 'auth.logout', subject: `user:${user}` });
          } else {
            ledger.append({ actor: user, action: 'view.ended', subject, details: { requestId: null, startedAt: clock.now().toISOString(), openSeconds: k % 900, watchedSeconds: k % 600 } });
          }
        }
      }
    });
    // Explanations of late hand-overs (free text the search finds), and cases with recordings linked as evidence.
    if (dock % 40 === 39) {
      const late = station.recordings.list({ sessionId: session.id, late: true, limit: 5 }).items;
      for (const r of late) station.recordings.explain('keeper', r.id, 'late_handover', `执法记录仪电量耗尽，次日补交，经${r.officerBadge}说明情况属实`);
    }
    if (dock % 2 === 0) {
      const c = cases.cases.create('keeper', {
        caseNumber: `〔2024〕${caseNumberOf(dock)}号`,
        title: `行政处罚案件${dock}`,
        enforcementType: 'penalty',
        party: { kind: 'person', name: `当事人${dock}` },
        officers: [{ badge: badgeOf(first % OFFICERS) }],
      } as never);
      cases.cases.link('keeper', c.id, [first + 1, first + 2, first + 3].map((n) => `RC-${String(n).padStart(6, '0')}`), `取证人员${badgeOf(first % OFFICERS)}，现场执法取证`);
    }
    reached = last + 1;
    if (dock % 20 === 0) log(`  scale: ${last + 1} recordings, ${ledger.size} ledger entries, ${seconds(t0).toFixed(0)} s`);
  }
  station.close();
  return { recordings: reached, extraDue, extraCounter };
}

/** How many recordings a station database holds, read without opening (or migrating) the station. */
function catalogueSize(dbFile: string): number {
  const db = new Database(dbFile, { readonly: true });
  try {
    return (db.prepare('SELECT COALESCE(MAX(number), 0) AS n FROM recordings').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] as number;
}

export async function benchScale(options: { recordings: number; ledgerEntries: number; runs: number; log?: (s: string) => void }): Promise<BenchReport> {
  const log = options.log ?? ((s: string) => process.stderr.write(`${s}\n`));
  // BENCH_SCALE_DATA: a cache made elsewhere (another checkout's tests/bench/data), reused where it was made.
  const dataRoot = process.env.BENCH_SCALE_DATA ?? join(root, 'tests/bench/data');
  const current = migrationHashes();
  if (options.recordings % DOCK !== 0) throw new Error(`BENCH_SCALE_RECORDINGS must be a multiple of ${DOCK}`);
  const ratio = options.ledgerEntries / options.recordings;
  // A cache stays valid while every migration it was made with is unchanged (newer ones are applied to the copy
  // measured); one of the same ledger-to-catalogue ratio and at most this size is extended to it.
  const dirs = existsSync(dataRoot) ? readdirSync(dataRoot).filter((d) => d.startsWith('scale-')) : [];
  let cacheDir: string | null = null;
  let manifest: Manifest | null = null;
  for (const d of dirs) {
    const file = join(dataRoot, d, 'manifest.json');
    if (!existsSync(file)) continue;
    const m = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
    const usable = m.version === GENERATOR_VERSION && m.ratio === ratio && m.recordings <= options.recordings && Object.entries(m.migrations).every(([f, h]) => current[f] === h);
    if (usable && (!manifest || m.recordings > manifest.recordings)) {
      cacheDir = join(dataRoot, d);
      manifest = m;
    }
  }
  if (!cacheDir || !manifest) {
    const key = createHash('sha256').update(JSON.stringify({ version: GENERATOR_VERSION, ratio, migrations: current, at: options.recordings })).digest('hex').slice(0, 16);
    cacheDir = join(dataRoot, `scale-${key}`);
    rmSync(cacheDir, { recursive: true, force: true });
    mkdirSync(cacheDir, { recursive: true });
    manifest = { version: GENERATOR_VERSION, ratio, recordings: 0, ledgerSize: 0, migrations: current, seconds: 0, extraCounter: 0, extraDue: 0 };
  }
  // A generation killed in the middle of a step left more in the cache than its manifest says: it is measured as it
  // is, never extended (the generator would number from the manifest).
  const stationDir = join(cacheDir, 'station');
  const held = existsSync(join(stationDir, 'station.db')) ? catalogueSize(join(stationDir, 'station.db')) : 0;
  const whole = held === manifest.recordings;
  if (!whole) log(`scale: ${cacheDir} holds ${held} recordings, its manifest ${manifest.recordings} (an interrupted generation): measured as it is, not extended`);
  const budget = Number(process.env.BENCH_SCALE_GENERATE_SECONDS ?? 'Infinity');
  const deadline = Date.now() + budget * 1000;
  // Extended in steps, the manifest written after each, so an interrupted generation keeps what it made.
  while (whole && manifest.recordings < options.recordings && Date.now() < deadline) {
    const to = Math.min(options.recordings, manifest.recordings + 100_000);
    log(`scale: generating recordings ${manifest.recordings}–${to} (ledger ${ratio} entries per recording) in ${cacheDir}`);
    const g0 = process.hrtime.bigint();
    const state = await generate(stationDir, manifest, to, ratio, deadline, log);
    const probe = Station.open({ dataDir: join(cacheDir, 'station') });
    const ledgerSize = (probe.db.prepare('SELECT MAX(seq) AS n FROM ledger').get() as { n: number }).n;
    probe.close();
    const stepSeconds = seconds(g0);
    log(`scale: ${state.recordings} recordings, ${ledgerSize} ledger entries; this step ${((ledgerSize - manifest.ledgerSize) / stepSeconds).toFixed(0)} entries/s`);
    manifest = { ...manifest, ...state, ledgerSize, migrations: current, seconds: manifest.seconds + stepSeconds };
    writeFileSync(join(cacheDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  }
  if (manifest.recordings === 0) throw new Error(`scale: nothing generated yet in ${cacheDir} (BENCH_SCALE_GENERATE_SECONDS=${budget})`);
  const rows: BenchRow[] = [];
  rows.push({
    name: 'generation (once, then reused)',
    seconds: manifest.seconds,
    perSecond: manifest.ledgerSize / manifest.seconds,
    note: `${manifest.recordings} recordings, ${manifest.ledgerSize} ledger entries${manifest.recordings < options.recordings ? ` of ${options.recordings} / ${Math.round(options.recordings * ratio)} asked (out of time)` : ''}; per second: ledger entries`,
  });
  // A working copy: later migrations and the station's own writes (logins) must not change the cache.
  const work = join(cacheDir, `work-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  execFileSync('cp', ['-a', '--reflink=auto', join(cacheDir, 'station'), work]);
  try {
    // The migrations the copy has yet to apply (by its schema version: a generation that reopened the station picked
    // up the migrations on disk then, whatever the manifest says it was made with).
    const version = (() => {
      const db = new Database(join(work, 'station.db'), { readonly: true });
      try {
        return db.pragma('user_version', { simple: true }) as number;
      } finally {
        db.close();
      }
    })();
    const pending = Object.keys(current).filter((f) => Number(f.slice(0, 4)) > version);
    const m0 = process.hrtime.bigint();
    const station = Station.open({ dataDir: work });
    const migrateSeconds = seconds(m0);
    if (pending.length > 0) rows.push({ name: `migrations applied to the existing catalogue (${pending.join(', ')})`, seconds: migrateSeconds });
    const server = new ApiServer(station);
    const client = server.connect();
    const u0 = process.hrtime.bigint();
    await client.invoke('station.unlock', { passphrase: PASSPHRASE });
    // Every CLI command opens the station (the ledger's running root is rebuilt from every leaf) and unlocks it.
    rows.push({ name: 'station open + unlock (as every CLI command does)', seconds: migrateSeconds + seconds(u0), note: `open ${migrateSeconds.toFixed(2)} s${pending.length > 0 ? ' including the migrations above' : ''}` });
    await client.invoke('auth.login', { username: 'admin', password: ADMIN_PASSWORD });
    const size = dirBytes(work);
    const dbBytes = readdirSync(work).filter((f) => f.includes('.db') || f.includes('.sqlite')).reduce((n, f) => n + statSync(join(work, f)).size, 0);
    // What the copy holds (more than the manifest after an interrupted generation): the queries range over it.
    const n = catalogueSize(join(work, 'station.db'));
    const ledgerSize = (station.db.prepare('SELECT MAX(seq) AS n FROM ledger').get() as { n: number }).n;
    const month = new Date(START + n * DT_MS - 45 * 86_400_000);
    const monthStart = new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth(), 1));
    const monthEnd = new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth() + 1, 1));
    type Q = { name: string; target: number; run: (k: number) => Promise<unknown> };
    const day = 86_400_000;
    const days = Math.max(1, Math.floor((n * DT_MS) / day) - 31);
    const iso = (t: number) => new Date(t).toISOString();
    // A recorder, its officer and a month of its file names: "3000017_100017_202401".
    const fileNameText = (k: number) => `${serialOf((k * 17) % OFFICERS)}_${badgeOf((k * 17) % OFFICERS)}_${iso(START + 8 * 3_600_000 + ((k * 13) % days) * day).slice(0, 7).replace('-', '')}`;
    const queries: Q[] = [
      { name: 'recordings list, first page (100)', target: 50, run: () => client.invoke('recording.list', {} as never) },
      { name: 'recordings list, page 50 (offset 4,900)', target: 50, run: () => client.invoke('recording.list', { offset: 4900 } as never) },
      { name: 'filter by officer', target: 50, run: (k) => client.invoke('recording.list', { officer: badgeOf((k * 37) % OFFICERS) } as never) },
      { name: 'filter by recorded date (one week)', target: 50, run: (k) => client.invoke('recording.list', { from: iso(START + ((k * 13) % days) * day), to: iso(START + (((k * 13) % days) + 7) * day) } as never) },
      { name: 'filter by flag: late', target: 50, run: () => client.invoke('recording.list', { late: true } as never) },
      { name: 'filter by flag: needs explanation', target: 50, run: () => client.invoke('recording.list', { needsExplanation: true } as never) },
      { name: 'filter by flag: interruption', target: 50, run: () => client.invoke('recording.list', { interruption: true } as never) },
      { name: 'filter by flag: important', target: 50, run: () => client.invoke('recording.list', { important: true } as never) },
      { name: 'officer + month + late', target: 50, run: (k) => client.invoke('recording.list', { officer: badgeOf((k * 37) % OFFICERS), from: iso(START + ((k * 31) % days) * day), to: iso(START + (((k * 31) % days) + 30) * day), late: true } as never) },
      { name: 'search by 案号 (linked case)', target: 50, run: (k) => client.invoke('recording.list', { caseNumber: caseNumberOf(2 * ((k * 7) % Math.max(1, Math.floor(n / DOCK / 2)))) } as never) },
      { name: 'search by 案号 in the file name', target: 50, run: (k) => client.invoke('recording.list', { caseNumber: `XZCF2024${String((k * 11) % Math.max(1, n / 20)).padStart(5, '0')}` } as never) },
      { name: 'search by text (Chinese, an explanation)', target: 50, run: () => client.invoke('recording.list', { text: '电量耗尽' } as never) },
      { name: 'search by text (part of a file name)', target: 50, run: (k) => client.invoke('recording.list', { text: fileNameText(k) } as never) },
      { name: 'one recording with its history', target: 50, run: (k) => client.invoke('recording.get', { id: `RC-${String(1 + ((k * 7919) % n)).padStart(6, '0')}` }) },
      { name: 'ledger, first page (100)', target: 50, run: () => client.invoke('ledger.list', {} as never) },
      { name: 'ledger, page 50 (offset 4,900)', target: 50, run: () => client.invoke('ledger.list', { offset: 4900 } as never) },
      { name: 'ledger, one actor', target: 50, run: () => client.invoke('ledger.list', { actor: 'auditor1' } as never) },
      { name: "the month's register", target: 200, run: () => client.invoke('register.list', { from: monthStart.toISOString(), to: monthEnd.toISOString() }) },
    ];
    const only = process.env.BENCH_SCALE_QUERIES;
    const rss0 = process.memoryUsage().rss;
    let peakRss = rss0;
    for (const q of queries) {
      if (only && !only.split(',').some((s) => q.name.includes(s))) continue;
      await q.run(0);
      const times: number[] = [];
      // CPU of this process per call (the api server runs in it): what a call costs whatever else the machine is doing.
      const cpu: number[] = [];
      let result: unknown;
      for (let k = 0; k < options.runs; k++) {
        const c0 = process.cpuUsage();
        const t0 = process.hrtime.bigint();
        result = await q.run(k + 1);
        times.push(seconds(t0) * 1000);
        const c = process.cpuUsage(c0);
        cpu.push((c.user + c.system) / 1000);
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
      }
      const p95 = percentile(times, 95);
      const r = result as { total?: number; items?: unknown[]; entries?: unknown[]; history?: unknown[] } | unknown[];
      const shown = Array.isArray(r) ? `${r.length} rows` : r.items ? `${r.items.length} of ${r.total}` : r.entries ? `${r.entries.length} of ${r.total}` : r.history ? `${r.history.length} history entries` : '';
      // The slowest call's own CPU says whether it waited (for the disk, a core) or worked (a plan, a fallback).
      const worst = times.indexOf(Math.max(...times));
      rows.push({ name: q.name, seconds: p95 / 1000, ratio: { [`of the ${q.target} ms target (p95)`]: p95 / q.target }, note: `p95 ${p95.toFixed(1)} ms, median ${percentile(times, 50).toFixed(1)} ms of ${options.runs} (CPU median ${percentile(cpu, 50).toFixed(1)} ms; slowest ${times[worst]!.toFixed(1)} ms, its CPU ${cpu[worst]!.toFixed(1)} ms); ${shown}` });
    }
    // The search step alone, against the way it was done before in the same run: the whole typed text as one FTS5
    // trigram phrase, and through its uncommon stretches checked in code (recordings/textSearch.ts), on the texts the
    // file-name search above typed. Both must find the same rows.
    if (!only || only.split(',').some((s) => 'text search step'.includes(s))) {
      const texts = Array.from({ length: options.runs }, (_, k) => fileNameText(k + 1));
      const phraseStmt = station.db.prepare('SELECT rowid FROM recording_search WHERE recording_search MATCH ?').pluck();
      const step = (f: (t: string) => number[]) => {
        f(texts[0]!);
        const times: number[] = [];
        const cpu: number[] = [];
        const found: number[][] = [];
        for (const t of texts) {
          const c0 = process.cpuUsage();
          const t0 = process.hrtime.bigint();
          found.push(f(t).sort((a, b) => a - b));
          times.push(seconds(t0) * 1000);
          const c = process.cpuUsage(c0);
          cpu.push((c.user + c.system) / 1000);
        }
        return { p95: percentile(times, 95), median: percentile(times, 50), cpu: percentile(cpu, 50), found };
      };
      const phrase = step((t) => phraseStmt.all(ftsPhrase(t)) as number[]);
      const stretches = step((t) => substringRowids(station.db, t, 'all') ?? (phraseStmt.all(ftsPhrase(t)) as number[]));
      if (JSON.stringify(phrase.found) !== JSON.stringify(stretches.found)) throw new Error('scale: the text search through stretches found other rows than the phrase');
      const describe = (r: typeof phrase) => `p95 ${r.p95.toFixed(1)} ms, median ${r.median.toFixed(1)} ms (CPU median ${r.cpu.toFixed(1)} ms)`;
      rows.push({ name: 'text search step: the whole text as one trigram phrase (as before; baseline)', seconds: phrase.p95 / 1000, note: describe(phrase) });
      rows.push({
        name: 'text search step: uncommon stretches, checked in code',
        seconds: stretches.p95 / 1000,
        ratio: { 'vs the phrase (p95)': stretches.p95 / phrase.p95, 'vs the phrase (CPU median)': stretches.cpu / phrase.cpu },
        note: `${describe(stretches)}; same rows found for all ${texts.length} texts`,
      });
    }
    rows.push({ name: 'database and data folder size', seconds: 0, note: `database ${(dbBytes / 2 ** 30).toFixed(2)} GiB, data folder ${(size / 2 ** 30).toFixed(2)} GiB (${(dbBytes / n).toFixed(0)} B per recording incl. its share of the ledger)` });
    rows.push({ name: 'process memory during the queries', seconds: 0, note: `RSS ${(rss0 / 2 ** 20).toFixed(0)} MiB at start, peak ${(peakRss / 2 ** 20).toFixed(0)} MiB; heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB` });
    server.close();
    return { title: `At scale: ${n.toLocaleString('en')} recordings, ${ledgerSize.toLocaleString('en')} ledger entries, through the api (p95 of ${options.runs})`, rows };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
