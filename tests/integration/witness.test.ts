// Issue 13: a witness outside the station. A real PostgreSQL (initdb/pg_ctl on 127.0.0.1, in a
// temporary folder removed afterwards), the real `station central serve` in a child process, and
// two real stations driven through the `station` CLI: cosigning, offline then catch-up, a
// station.db replaced by an older copy (409 → alarm), a ledger rewritten and re-signed (422 →
// alarm), the mirror complete, and the bad inputs of the witness protocol.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStationApi } from '../../electron/api/server.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATION_BIN, addCliUser, hasCommand, sqlite, station } from '../support/cli.ts';
import { nameAt, randomMp4, shanghaiNow } from '../support/recorderFiles.ts';
import { postgresUnavailable, startPostgres, type TestPostgres } from '../support/postgres.ts';
import { parseVerifierKey, rawPublicKey, signCheckpoint, verifierKey, verifyCheckpoint } from '../../electron/core/ledger/checkpoint.ts';
import { entryLeafHash, leafHash, type LedgerEntryContent } from '../../electron/core/ledger/entryHash.ts';
import { MerkleTree, leavesFromArray } from '../../electron/core/ledger/merkle.ts';
import { cosignerVerifierKey, findCosignature, formatAddCheckpoint, parseCosignerVerifierKey, splitNote } from '../../electron/core/witness/cosignature.ts';

const unavailable = postgresUnavailable() ?? (hasCommand('sqlite3') ? null : 'sqlite3 missing: skipping the witness tests');
if (unavailable) console.warn(unavailable);

const PASS = 'central witness passphrase';
const root = mkdtempSync(join(tmpdir(), 'station-witness-'));
let pgServer: TestPostgres | null = null;
let centralProc: ChildProcess | null = null;
let witnessUrl = '';
let witnessVkey = '';
let port = 0;
const centralDir = join(root, 'central');

type St = { dir: string; origin: string; vkey: string };
const stations: Record<'a' | 'b', St> = { a: { dir: join(root, 'a'), origin: '', vkey: '' }, b: { dir: join(root, 'b'), origin: '', vkey: '' } };
const env = (s: St) => ({ STATION_DATA: s.dir, STATION_PASSPHRASE: 'evidence room passphrase', STATION_PASSWORD: 'admin-password', STATION_USER: 'admin', STATION_LANG: 'en' });

function ok(r: { code: number; stdout: string; stderr: string }): string {
  expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
  return r.stdout;
}

function central(args: string[], extraEnv: Record<string, string> = {}) {
  return station(['central', ...args, '--dir', centralDir, '--db', pgServer?.url ?? '', '--lang', 'en'], { CENTRAL_PASSPHRASE: PASS, ...extraEnv });
}

async function startCentral(): Promise<void> {
  const child = spawn(process.execPath, [STATION_BIN, 'central', 'serve', '--dir', centralDir, '--db', pgServer?.url ?? '', '--listen', `127.0.0.1:${port}`, '--lang', 'en'], {
    env: { ...process.env, CENTRAL_PASSPHRASE: PASS },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  centralProc = child;
  await new Promise<void>((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`central serve did not start: ${out}${err}`)), 60_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /serving at (http:\/\/127\.0\.0\.1:(\d+))/.exec(out);
      if (m) {
        clearTimeout(timer);
        witnessUrl = m[1] as string;
        port = Number(m[2]);
        resolve();
      }
    });
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`central serve exited ${code}: ${out}${err}`));
    });
  });
}

async function stopCentral(): Promise<void> {
  const child = centralProc;
  centralProc = null;
  if (!child || child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

async function q<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: pgServer?.url });
  await c.connect();
  try {
    return (await c.query<T>(sql, params)).rows;
  } finally {
    await c.end();
  }
}

function sync(s: St): { code: number; result: { state: string; size?: number; resynced?: boolean; mirrored?: number; kind?: string; witnessSize?: number } } {
  const r = station(['witness', 'sync', '--json'], env(s));
  return { code: r.code, result: JSON.parse(r.stdout || '{}') };
}

function status(s: St) {
  return JSON.parse(ok(station(['status', '--json'], { STATION_DATA: s.dir }))) as {
    ledgerSize: number;
    witness: { lastCosigned: { size: number } | null; pendingSize: number | null; alarm: { kind: string; witnessSize: number | null } | null } | null;
  };
}

function checkpointNow(s: St): number {
  ok(station(['ledger', 'checkpoint'], env(s)));
  return Number(sqlite(join(s.dir, 'station.db'), 'SELECT MAX(size) FROM checkpoints').stdout.trim());
}

/** The newest stored receipt: the station's signed note and the witness's cosignature line. */
function receipt(s: St): { note: string; line: string } {
  const hex = sqlite(join(s.dir, 'station.db'), 'SELECT hex(note), hex(cosignature) FROM witness_cosignatures ORDER BY size DESC LIMIT 1').stdout.trim().split('|');
  return { note: Buffer.from(hex[0] ?? '', 'hex').toString('utf8'), line: Buffer.from(hex[1] ?? '', 'hex').toString('utf8') };
}

/** Copies what an attacker restores: the database and the head record, as they are now. */
function snapshot(s: St, to: string): void {
  rmSync(to, { recursive: true, force: true });
  spawnSync('mkdir', ['-p', to]);
  for (const f of readdirSync(s.dir)) if (f.startsWith('station.db') || f === 'ledger-head.json') copyFileSync(join(s.dir, f), join(to, f));
}

function restore(s: St, from: string): void {
  for (const f of readdirSync(s.dir)) if (f.startsWith('station.db') || f === 'ledger-head.json') rmSync(join(s.dir, f));
  for (const f of readdirSync(from)) copyFileSync(join(from, f), join(s.dir, f));
}

/** A small log of our own, signed in the test, for the raw protocol checks. */
const testLog = (() => {
  const { privateKey } = crypto.generateKeyPairSync('ed25519');
  const origin = 'test.example/raw-log';
  const leaves = Array.from({ length: 40 }, (_, i) => leafHash(Buffer.from(`entry ${i}`)));
  const tree = new MerkleTree(leavesFromArray(leaves));
  const note = (size: number, rootOverride?: Buffer) => signCheckpoint({ origin, size, root: rootOverride ?? tree.root(size) }, privateKey, origin);
  return { origin, vkey: verifierKey(origin, rawPublicKey(privateKey)), tree, note };
})();

async function addCheckpoint(body: string | Buffer): Promise<{ status: number; type: string; text: string }> {
  const res = await fetch(`${witnessUrl}/add-checkpoint`, { method: 'POST', body });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

describe.skipIf(unavailable !== null)('the central witness on PostgreSQL, with two stations', () => {
  beforeAll(async () => {
    pgServer = await startPostgres();
    const init = central(['init', '--name', 'witness.example/central']);
    expect(init.code, init.stderr).toBe(0);
    witnessVkey = (/\n(witness\.example\/central\+[0-9a-f]{8}\+\S+)/.exec(init.stdout) ?? [])[1] ?? '';
    expect(parseCosignerVerifierKey(witnessVkey).name).toBe('witness.example/central');
    await startCentral();
    for (const [name, s] of Object.entries(stations)) {
      ok(station(['init', '--agency-code', name === 'a' ? 'ZY01' : 'ZY02', '--agency-name', `测试局 ${name}`, '--admin', 'admin', '--admin-name', '管理员'], env(s)));
      s.vkey = JSON.parse(ok(station(['status', '--json'], { STATION_DATA: s.dir }))).verifierKey;
      s.origin = parseVerifierKey(s.vkey).keyName;
      ok(central(['enrol', '--origin', s.origin, '--station-key', s.vkey]));
    }
  }, 180_000);

  afterAll(async () => {
    await stopCentral();
    pgServer?.remove();
    rmSync(root, { recursive: true, force: true });
  });

  it('enrolment: plain http is refused unless the network is declared trusted; the enrolment is ledgered', () => {
    const plain = station(['witness', 'enrol', '--url', witnessUrl, '--witness-key', witnessVkey], env(stations.a));
    expect(plain.code).toBe(2);
    expect(plain.stderr).toContain('unencrypted http');
    const badKey = station(['witness', 'enrol', '--url', witnessUrl, '--witness-key', stations.b.vkey, '--trusted-network'], env(stations.a));
    expect(badKey.code, 'a log key (type 0x01) is not a cosigner key').toBe(2);
    for (const s of Object.values(stations)) ok(station(['witness', 'enrol', '--url', witnessUrl, '--witness-key', witnessVkey, '--trusted-network'], env(s)));
    const entry = sqlite(join(stations.a.dir, 'station.db'), "SELECT actor, details FROM ledger WHERE action = 'witness.enrolled'").stdout;
    expect(entry).toContain('admin|');
    expect(entry).toContain(witnessVkey);
  }, 180_000);

  it('a second station claiming an enrolled origin is refused', () => {
    const r = central(['enrol', '--origin', stations.a.origin, '--station-key', verifierKey(stations.a.origin, rawPublicKey(crypto.generateKeyPairSync('ed25519').privateKey))]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('already enrolled with another key');
  }, 180_000);

  it('cosign: the checkpoint comes back cosigned, verifiable, stored, and the mirror holds every entry', async () => {
    for (const s of Object.values(stations)) {
      const size = checkpointNow(s);
      // The command that signed the checkpoint handed it to the witness by itself, entries included.
      expect(status(s).witness).toMatchObject({ lastCosigned: { size }, pendingSize: null });
      expect((await q<{ n: string }>('SELECT COUNT(*) AS n FROM central_entries WHERE origin = $1', [s.origin]))[0]?.n).toBe(String(size));
      // Submitting the same checkpoint again is answered (same size, same root), nothing left to mirror.
      const { code, result } = sync(s);
      expect(code).toBe(0);
      expect(result).toMatchObject({ state: 'cosigned', size, mirrored: 0 });
      const { note, line } = receipt(s);
      expect(verifyCheckpoint(note, parseVerifierKey(s.vkey).publicKey, s.origin).size).toBe(size);
      const parts = splitNote(note) as { body: string };
      expect(findCosignature(parts.body, line, parseCosignerVerifierKey(witnessVkey))).not.toBeNull();
      expect(status(s).witness).toMatchObject({ lastCosigned: { size }, pendingSize: null, alarm: null });
      // Mirror complete: the same leaves, in order, as the station's own table up to the cosigned size.
      const mirrored = await q<{ leaf: Buffer }>('SELECT leaf FROM central_entries WHERE origin = $1 ORDER BY seq', [s.origin]);
      const local = sqlite(join(s.dir, 'station.db'), `SELECT leaf_hash FROM ledger ORDER BY seq LIMIT ${size}`).stdout.trim().split('\n');
      expect(mirrored.map((r) => r.leaf.toString('hex'))).toEqual(local);
    }
    const human = station(['status', '--lang', 'en'], { STATION_DATA: stations.a.dir }).stdout;
    expect(human).toMatch(/last cosigned: size \d+, 0 minutes ago/);
  }, 180_000);

  it('supervision report: the central figures per station equal the station\'s own monthly report', () => {
    const s = stations.b;
    ok(addCliUser(env(s), 'keeper', 'custodian', 'keeper-password'));
    const keeper = { ...env(s), STATION_USER: 'keeper', STATION_PASSWORD: 'keeper-password' };
    ok(station(['officers', 'add', '010203', '--name', '张三'], keeper));
    ok(station(['recorders', 'add', '1234567'], keeper));
    ok(station(['officers', 'assign', '010203', '--recorder', '1234567'], keeper));
    const src = join(root, 'b-sync');
    spawnSync('mkdir', ['-p', src]);
    // One recent, one four days old (late under the 24 h default).
    writeFileSync(join(src, nameAt(shanghaiNow(-3_600_000), { sequence: 1 })), randomMp4());
    writeFileSync(join(src, nameAt(shanghaiNow(-4 * 86_400_000), { sequence: 2 })), randomMp4());
    ok(station(['ingest', src], keeper));
    const size = checkpointNow(s);
    expect(status(s).witness?.lastCosigned?.size).toBe(size);
    const month = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit' }).format(new Date()).slice(0, 7);
    const own = JSON.parse(ok(station(['report', 'monthly', '--month', month, '--json'], env(s)))) as { rows: Record<string, unknown>[] };
    const centre = JSON.parse(ok(central(['report', '--month', month, '--json']))) as { stations: { origin: string; silent: boolean; mirrorSize: number; total: Record<string, unknown> }[] };
    const row = centre.stations.find((x) => x.origin === s.origin);
    const total = own.rows.find((r) => r.group === 'total') as Record<string, unknown>;
    expect(total.recordings).toBe(2);
    expect(total.late).toBe(1);
    expect(row?.total).toEqual(total);
    expect(row).toMatchObject({ silent: false, mirrorSize: size });
    expect(centre.stations.map((x) => x.origin)).toEqual(expect.arrayContaining([stations.a.origin, s.origin]));
    const csv = central(['report', '--month', month, '--csv']).stdout;
    expect(csv.split('\r\n')[0]).toContain('Last cosigned size');

    // A tlog-proof per recording that names the witness, checked against a tlog-policy.
    const id = sqlite(join(s.dir, 'station.db'), "SELECT substr(subject, 11) FROM ledger WHERE action = 'recording.ingested' ORDER BY seq LIMIT 1").stdout.trim();
    const proofFile = join(root, 'b.tlog-proof');
    ok(station(['witness', 'proof', id, '--out', proofFile], keeper));
    const policy = join(root, 'policy.txt');
    writeFileSync(policy, `# station and central witness\nlog ${s.vkey}\nwitness central ${witnessVkey}\nquorum central\n`);
    const verified = station(['proof', 'verify', proofFile, '--policy', policy, '--json'], { STATION_DATA: s.dir });
    expect(verified.code, verified.stderr).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ origin: s.origin, cosigners: ['central'], quorumMet: true, entry: { action: 'recording.ingested', subject: `recording:${id}` } });
    // A policy that also wants a second witness is not met; a proof about another entry does not hold.
    const other = crypto.generateKeyPairSync('ed25519').privateKey;
    writeFileSync(policy, `log ${s.vkey}\nwitness central ${witnessVkey}\nwitness other ${cosignerVerifierKey('other.example/w', rawPublicKey(other))}\ngroup both all central other\nquorum both\n`);
    expect(station(['proof', 'verify', proofFile, '--policy', policy], { STATION_DATA: s.dir }).code).toBe(1);
    writeFileSync(proofFile, readFileSync(proofFile, 'utf8').replace(/^index (\d+)$/m, (_, n: string) => `index ${Number(n) + 1}`));
    const refused = station(['proof', 'verify', proofFile, '--policy', policy, '--lang', 'en'], { STATION_DATA: s.dir });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('The proof does not hold');
  }, 180_000);

  it('read-only supervision page: auditor login with argon2id and the station backoff; stations listed', async () => {
    ok(central(['user', 'add', 'shen', '--role', 'auditor'], { CENTRAL_NEW_PASSWORD: 'auditor-password' }));
    expect(central(['user', 'add', 'shen', '--role', 'auditor'], { CENTRAL_NEW_PASSWORD: 'auditor-password' }).code).toBe(2);
    const login = (password: string) => fetch(`${witnessUrl}/login`, { method: 'POST', body: new URLSearchParams({ username: 'shen', password }), redirect: 'manual' });
    expect((await fetch(`${witnessUrl}/stations`, { redirect: 'manual' })).headers.get('location')).toBe('/');
    for (let i = 0; i < 3; i++) expect((await login('wrong-password')).status).toBe(401);
    // After three failures the next attempt waits (2 s), even with the right password.
    const early = await login('auditor-password');
    expect(early.status).toBe(429);
    expect(Number(early.headers.get('retry-after'))).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 2100));
    const good = await login('auditor-password');
    expect(good.status).toBe(303);
    const cookie = (good.headers.get('set-cookie') ?? '').split(';')[0] as string;
    const page = await fetch(`${witnessUrl}/stations`, { headers: { cookie } });
    expect(page.status).toBe(200);
    const text = await page.text();
    for (const st of Object.values(stations)) expect(text).toContain(st.origin);
    expect(text).not.toMatch(/<form[^>]*action="\/(?!logout)/);
    const rows = await q<{ ok: boolean }>("SELECT ok FROM central_logins WHERE username = 'shen' ORDER BY id");
    expect(rows.map((r) => r.ok)).toEqual([false, false, false, true]);
  }, 60_000);

  it("independent check: Go's golang.org/x/mod/sumdb/note opens the cosigned checkpoint", () => {
    if (!hasCommand('go') || !existsSync('/usr/share/gocode/src/golang.org/x/mod/sumdb/note/note.go')) {
      console.warn('golang-go / golang-golang-x-mod-dev missing: skipping the Go check');
      return;
    }
    // sumdb/note has no verifier for cosignature/v1 (signature type 0x04), so the program gives
    // note.Open a note.Verifier of its own for the witness: key hash and signed message per
    // c2sp.org/tlog-cosignature, the Ed25519 check by Go's crypto/ed25519. The station's own
    // signature is checked by sumdb/note's built-in Ed25519 verifier, and note.Open does all the
    // parsing and key matching of both lines.
    const goDir = join(root, 'go');
    spawnSync('mkdir', ['-p', goDir]);
    writeFileSync(join(goDir, 'main.go'), GO_VERIFIER);
    const build = spawnSync('go', ['build', '-o', join(goDir, 'verify'), join(goDir, 'main.go')], {
      encoding: 'utf8',
      env: { ...process.env, GOPATH: '/usr/share/gocode', GO111MODULE: 'off', GOFLAGS: '-mod=mod', GOCACHE: join(goDir, 'cache'), HOME: goDir },
      timeout: 300_000,
    });
    expect(build.status, build.stderr).toBe(0);
    const s = stations.a;
    const { note, line } = receipt(s);
    // The witness's line joins the station's signature block: one note, two signatures.
    const cosigned = `${note}${line}`;
    const w = parseCosignerVerifierKey(witnessVkey);
    writeFileSync(join(goDir, 'note.txt'), cosigned);
    const run = spawnSync(join(goDir, 'verify'), [s.vkey, w.name, w.publicKey.toString('base64'), join(goDir, 'note.txt')], { encoding: 'utf8' });
    expect(run.stdout + run.stderr).toContain(`verified by ${s.origin} and witness.example/central`);
    expect(run.status).toBe(0);
    // The same program refuses a cosignature over another checkpoint body.
    writeFileSync(join(goDir, 'note.txt'), cosigned.replace(/\n(\d+)\n/, (_, n: string) => `\n${Number(n) + 1}\n`));
    expect(spawnSync(join(goDir, 'verify'), [s.vkey, w.name, w.publicKey.toString('base64'), join(goDir, 'note.txt')]).status).not.toBe(0);
  }, 300_000);

  it('offline then catch-up: checkpoints queue while the witness is down and are cosigned with a consistency proof later', async () => {
    const s = stations.a;
    const before = status(s).witness?.lastCosigned?.size as number;
    await stopCentral();
    const size = checkpointNow(s);
    const off = sync(s);
    expect(off.code).toBe(1);
    expect(off.result.state).toBe('offline');
    expect(status(s).witness).toMatchObject({ lastCosigned: { size: before }, pendingSize: size });
    await startCentral();
    const back = sync(s);
    expect(back.result).toMatchObject({ state: 'cosigned', size, resynced: false });
    expect(status(s).witness).toMatchObject({ lastCosigned: { size }, pendingSize: null });
  }, 180_000);

  it('409: a station that lost its receipts resyncs from the size the witness knows', () => {
    const s = stations.a;
    const size = checkpointNow(s);
    ok(sqlite(join(s.dir, 'station.db'), 'DELETE FROM witness_cosignatures'));
    const { result } = sync(s);
    expect(result).toMatchObject({ state: 'cosigned', size, resynced: true });
  }, 180_000);

  it('rollback refused: station.db (and its head record) replaced by an older copy → 409 from the witness, alarm ledgered and shown', async () => {
    const s = stations.b;
    const old = join(root, 'b-old');
    snapshot(s, old);
    for (let i = 0; i < 3; i++) ok(station(['user', 'list'], env(s)));
    const size = checkpointNow(s);
    expect(sync(s).result).toMatchObject({ state: 'cosigned', size });
    restore(s, old);
    const r = sync(s);
    expect(r.code).toBe(1);
    expect(r.result).toMatchObject({ state: 'alarm', kind: 'witness_ahead', witnessSize: size });
    const st = status(s);
    expect(st.witness?.alarm).toMatchObject({ kind: 'witness_ahead', witnessSize: size });
    const shown = station(['user', 'list', '--lang', 'en'], env(s));
    expect(shown.stderr).toContain('has cosigned a newer ledger than this database holds');
    expect(sqlite(join(s.dir, 'station.db'), "SELECT COUNT(*) FROM ledger WHERE action = 'witness.alarm'").stdout.trim()).toBe('1');
    const refusals = await q<{ status: number }>('SELECT status FROM central_refusals WHERE origin = $1', [s.origin]);
    expect(refusals.map((x) => x.status)).toContain(409);
    // The administrator is told on the dashboard and by a desktop notification (#14 item 17).
    const api = openStationApi({ dataDir: s.dir });
    try {
      await api.station.unlock(env(s).STATION_PASSPHRASE);
      const admin = api.connect();
      await admin.invoke('auth.login', { username: 'admin', password: env(s).STATION_PASSWORD });
      const items = await admin.invoke('attention.list', {});
      expect(items).toContainEqual(expect.objectContaining({ kind: 'witness_alarm', screen: 'ledger', severity: 'error', params: expect.objectContaining({ alarm: 'witness_ahead' }) }));
    } finally {
      api.close();
    }
  }, 180_000);

  it('fork refused: a ledger rewritten from an older copy and re-signed past the witness size → 422, alarm', async () => {
    const s = stations.a;
    const old = join(root, 'a-old');
    snapshot(s, old);
    for (let i = 0; i < 2; i++) ok(station(['user', 'list'], env(s)));
    const cosigned = checkpointNow(s);
    expect(sync(s).result).toMatchObject({ state: 'cosigned', size: cosigned });
    restore(s, old);
    // Another history, longer than the one the witness saw, signed with the station's own key.
    for (let i = 0; i < 6; i++) ok(station(['user', 'list'], env(s)));
    // Signing it hands it to the witness at once: refused, alarm ledgered; an explicit sync again.
    expect(checkpointNow(s)).toBeGreaterThan(cosigned);
    expect(sqlite(join(s.dir, 'station.db'), "SELECT COUNT(*) FROM ledger WHERE action = 'witness.alarm'").stdout.trim()).toBe('1');
    const r = sync(s);
    expect(r.result).toMatchObject({ state: 'alarm', kind: 'witness_refused', witnessSize: cosigned });
    expect(status(s).witness?.alarm).toMatchObject({ kind: 'witness_refused' });
    const refusals = await q<{ status: number; reason: string }>('SELECT status, reason FROM central_refusals WHERE origin = $1 AND status = 422', [s.origin]);
    expect(refusals.length).toBeGreaterThanOrEqual(1);
    // The witness still holds what it cosigned.
    const [state] = await q<{ size: string }>('SELECT size FROM central_log_state WHERE origin = $1', [s.origin]);
    expect(Number(state?.size)).toBe(cosigned);
  }, 180_000);

  describe('bad input to add-checkpoint', () => {
    beforeAll(() => ok(central(['enrol', '--origin', testLog.origin, '--station-key', testLog.vkey])));

    it('first cosignature, then the protocol answers: 409 with text/x.tlog.size, 422, 400, 404, 403, 413', async () => {
      const first = await addCheckpoint(formatAddCheckpoint({ oldSize: 0, proof: [], note: testLog.note(10) }));
      expect(first.status).toBe(200);
      expect(first.text).toMatch(/^\u2014 witness\.example\/central \S+\n$/);
      // Replayed old checkpoint: old 0 again → 409 naming the size the witness knows.
      const replay = await addCheckpoint(formatAddCheckpoint({ oldSize: 0, proof: [], note: testLog.note(10) }));
      expect([replay.status, replay.type, replay.text]).toEqual([409, 'text/x.tlog.size', '10\n']);
      // An older checkpoint with a correct old line: old > checkpoint size → 400.
      expect((await addCheckpoint(formatAddCheckpoint({ oldSize: 10, proof: [], note: testLog.note(5) }))).status).toBe(400);
      // Proof of the wrong length (one hash dropped) and a proof for other sizes → 422.
      const proof = testLog.tree.consistencyProof(10, 20);
      expect((await addCheckpoint(formatAddCheckpoint({ oldSize: 10, proof: proof.slice(1), note: testLog.note(20) }))).status).toBe(422);
      expect((await addCheckpoint(formatAddCheckpoint({ oldSize: 10, proof: testLog.tree.consistencyProof(9, 20), note: testLog.note(20) }))).status).toBe(422);
      // A fork at the same size → 409.
      expect((await addCheckpoint(formatAddCheckpoint({ oldSize: 10, proof: [], note: testLog.note(10, Buffer.alloc(32, 7)) }))).status).toBe(409);
      // The same tree again with a non-empty "proof" → 422 (only the empty proof links equal trees).
      expect((await addCheckpoint(formatAddCheckpoint({ oldSize: 10, proof: [Buffer.alloc(32)], note: testLog.note(10) }))).status).toBe(422);
      // More than 63 proof lines, a bad base64 line, no blank line, garbage → 400.
      expect((await addCheckpoint(formatAddCheckpoint({ oldSize: 10, proof: Array.from({ length: 64 }, () => Buffer.alloc(32)), note: testLog.note(20) }))).status).toBe(400);
      expect((await addCheckpoint(`old 10\nnot base64!\n\n${testLog.note(20)}`)).status).toBe(400);
      expect((await addCheckpoint(`old 10\n${testLog.note(20)}`)).status).toBe(400);
      expect((await addCheckpoint('old 01\n\nx\n')).status).toBe(400);
      expect((await addCheckpoint(formatAddCheckpoint({ oldSize: 10, proof, note: `${testLog.origin}\n20\nnot-a-root\n\n\u2014 x AAAA\n` }))).status).toBe(400);
      const [, sigLine] = testLog.note(20).split('\n\n');
      expect((await addCheckpoint(formatAddCheckpoint({ oldSize: 10, proof, note: `${testLog.origin}\n20\nnot-a-root\n\n${sigLine}` }))).status).toBe(403);
      // Unknown origin → 404; a checkpoint for an enrolled origin signed by another key → 403.
      const stranger = crypto.generateKeyPairSync('ed25519').privateKey;
      const unknown = signCheckpoint({ origin: 'nobody.example/log', size: 20, root: testLog.tree.root(20) }, stranger, 'nobody.example/log');
      expect((await addCheckpoint(formatAddCheckpoint({ oldSize: 0, proof: [], note: unknown }))).status).toBe(404);
      const claimed = signCheckpoint({ origin: testLog.origin, size: 20, root: testLog.tree.root(20) }, stranger, testLog.origin);
      expect((await addCheckpoint(formatAddCheckpoint({ oldSize: 10, proof, note: claimed }))).status).toBe(403);
      // Oversized body → 413 (the limit is 64 KiB).
      expect((await addCheckpoint(Buffer.alloc(200 * 1024, 0x41))).status).toBe(413);
      // None of it moved the witness.
      const [state] = await q<{ size: string }>('SELECT size FROM central_log_state WHERE origin = $1', [testLog.origin]);
      expect(Number(state?.size)).toBe(10);
      // And the honest next step is cosigned.
      expect((await addCheckpoint(formatAddCheckpoint({ oldSize: 10, proof, note: testLog.note(20) }))).status).toBe(200);
    });

    it('the mirror stores only entries that continue it and provably belong to the cosigned tree', async () => {
      const key = crypto.generateKeyPairSync('ed25519').privateKey;
      const origin = 'test.example/mirror-log';
      ok(central(['enrol', '--origin', origin, '--station-key', verifierKey(origin, rawPublicKey(key))]));
      const entries: LedgerEntryContent[] = [];
      for (let seq = 1, prev = '0'.repeat(64); seq <= 12; seq++) {
        const e = { seq, time: `2026-12-01T00:00:${String(seq).padStart(2, '0')}.000Z`, actor: 'keeper', action: 'recording.ingested', subject: `recording:RC-${seq}`, details: { n: seq }, prev };
        entries.push(e);
        prev = entryLeafHash(e).toString('hex');
      }
      const tree = new MerkleTree(leavesFromArray(entries.map(entryLeafHash)));
      expect((await addCheckpoint(formatAddCheckpoint({ oldSize: 0, proof: [], note: signCheckpoint({ origin, size: 12, root: tree.root() }, key, origin) }))).status).toBe(200);
      const push = async (batch: unknown[], proof: Buffer[]) => {
        const res = await fetch(`${witnessUrl}/mirror/add-entries`, { method: 'POST', body: JSON.stringify({ origin, entries: batch, proof: proof.map((b) => b.toString('base64')) }) });
        return { status: res.status, text: await res.text() };
      };
      // Not starting where the mirror ends → 409 with its size.
      expect(await push(entries.slice(1, 5), tree.consistencyProof(5, 12))).toEqual({ status: 409, text: '0\n' });
      // An edited entry (the chain and the proof no longer hold) → 422.
      expect((await push([{ ...entries[0], actor: 'someone-else' }, ...entries.slice(1, 5)], tree.consistencyProof(5, 12))).status).toBe(422);
      // The right entries with a proof for other sizes → 422; no proof → 422; garbage → 400.
      expect((await push(entries.slice(0, 5), tree.consistencyProof(4, 12))).status).toBe(422);
      expect((await push(entries.slice(0, 5), [])).status).toBe(422);
      expect((await push([{ seq: 'one' }], [])).status).toBe(400);
      // Beyond the cosigned size → 422.
      expect((await push([...entries, { ...entries[11], seq: 13, prev: entryLeafHash(entries[11] as LedgerEntryContent).toString('hex') }], [])).status).toBe(422);
      expect((await q('SELECT 1 FROM central_entries WHERE origin = $1', [origin])).length).toBe(0);
      // Honest batches, interrupted and resumed: 5, then the remaining 7.
      expect((await push(entries.slice(0, 5), tree.consistencyProof(5, 12))).status).toBe(200);
      expect((await push(entries.slice(5), [])).status).toBe(200);
      const stored = await q<{ leaf: Buffer }>('SELECT leaf FROM central_entries WHERE origin = $1 ORDER BY seq', [origin]);
      expect(stored.map((r) => r.leaf.toString('hex'))).toEqual(entries.map((e) => entryLeafHash(e).toString('hex')));
    });

    it('concurrent submissions from one log serialize: exactly one of two racing requests is cosigned', async () => {
      const body = formatAddCheckpoint({ oldSize: 20, proof: testLog.tree.consistencyProof(20, 30), note: testLog.note(30) });
      const other = formatAddCheckpoint({ oldSize: 20, proof: testLog.tree.consistencyProof(20, 25), note: testLog.note(25) });
      const answers = await Promise.all([addCheckpoint(body), addCheckpoint(other)]);
      expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
      const [state] = await q<{ size: string }>('SELECT size FROM central_log_state WHERE origin = $1', [testLog.origin]);
      expect([25, 30]).toContain(Number(state?.size));
    });

    it('history is append-only: the service role cannot UPDATE or DELETE, and triggers stop even the owner', async () => {
      const c = new pg.Client({ connectionString: pgServer?.url });
      await c.connect();
      try {
        await c.query('SET ROLE central_app');
        await expect(c.query('UPDATE central_entries SET action = $1', ['x'])).rejects.toThrow(/permission denied/);
        await expect(c.query('DELETE FROM central_cosigned')).rejects.toThrow(/permission denied/);
        await c.query('RESET ROLE');
        await expect(c.query('DELETE FROM central_entries')).rejects.toThrow(/append-only/);
        await expect(c.query('TRUNCATE central_cosigned')).rejects.toThrow(/append-only/);
      } finally {
        await c.end();
      }
    });

    it('PostgreSQL down → 503 and nothing cosigned; back up → the same request is cosigned', async () => {
      const [before] = await q<{ size: string }>('SELECT size FROM central_log_state WHERE origin = $1', [testLog.origin]);
      const from = Number(before?.size);
      const body = formatAddCheckpoint({ oldSize: from, proof: testLog.tree.consistencyProof(from, 40), note: testLog.note(40) });
      pgServer?.stop();
      try {
        const down = await addCheckpoint(body);
        expect(down.status).toBe(503);
        expect(down.text).not.toContain('\u2014');
      } finally {
        pgServer?.start();
      }
      const [after] = await q<{ size: string }>('SELECT size FROM central_log_state WHERE origin = $1', [testLog.origin]);
      expect(Number(after?.size)).toBe(from);
      expect((await addCheckpoint(body)).status).toBe(200);
    }, 60_000);
  });

  it('every cosignature the service stored verifies against the witness key and the station key', async () => {
    const rows = await q<{ origin: string; note: string; cosignature: string }>('SELECT origin, note, cosignature FROM central_cosigned WHERE origin IN ($1, $2)', [stations.a.origin, stations.b.origin]);
    expect(rows.length).toBeGreaterThan(4);
    const w = parseCosignerVerifierKey(witnessVkey);
    for (const r of rows) {
      const s = r.origin === stations.a.origin ? stations.a : stations.b;
      const k = parseVerifierKey(s.vkey);
      verifyCheckpoint(r.note, k.publicKey, k.keyName);
      expect(findCosignature((splitNote(r.note) as { body: string }).body, r.cosignature, w)).not.toBeNull();
    }
  });
});

const GO_VERIFIER = `package main

// Independent check of a cosigned checkpoint, written for the station's tests: golang.org/x/mod/sumdb/note
// parses the note and checks the station's Ed25519 signature; the witness's cosignature/v1 line is
// checked by a note.Verifier implemented here after c2sp.org/tlog-cosignature with crypto/ed25519.

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"os"
	"strconv"

	"golang.org/x/mod/sumdb/note"
)

type cosigV1 struct {
	name string
	key  ed25519.PublicKey
	hash uint32
}

func (v cosigV1) Name() string    { return v.name }
func (v cosigV1) KeyHash() uint32 { return v.hash }
func (v cosigV1) Verify(msg, sig []byte) bool {
	if len(sig) != 8+ed25519.SignatureSize {
		return false
	}
	t := binary.BigEndian.Uint64(sig[:8])
	signed := append([]byte("cosignature/v1\\ntime "+strconv.FormatUint(t, 10)+"\\n"), msg...)
	return ed25519.Verify(v.key, signed, sig[8:])
}

func main() {
	station, err := note.NewVerifier(os.Args[1])
	if err != nil {
		fmt.Println("station key:", err)
		os.Exit(2)
	}
	pub, err := base64.StdEncoding.DecodeString(os.Args[3])
	if err != nil || len(pub) != ed25519.PublicKeySize {
		fmt.Println("witness key")
		os.Exit(2)
	}
	h := sha256.Sum256(append(append([]byte(os.Args[2]+"\\n"), 0x04), pub...))
	witness := cosigV1{name: os.Args[2], key: ed25519.PublicKey(pub), hash: binary.BigEndian.Uint32(h[:4])}
	msg, err := os.ReadFile(os.Args[4])
	if err != nil {
		fmt.Println(err)
		os.Exit(2)
	}
	n, err := note.Open(msg, note.VerifierList(station, witness))
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(1)
	}
	if len(n.Sigs) != 2 {
		fmt.Println("expected two verified signatures, got", len(n.Sigs))
		os.Exit(1)
	}
	fmt.Printf("verified by %s and %s\\n", n.Sigs[0].Name, n.Sigs[1].Name)
}
`;
