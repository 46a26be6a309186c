// Issue 13 item 4: proofs that name the witness, on the copies themselves. A real PostgreSQL
// (tests/support/postgres.ts), the real `station central serve` in a child process, one enrolled
// station driven through the `station` CLI: an approved export carries the witness's cosigned
// checkpoint and one c2sp.org/tlog-proof per recording; `station disc verify --policy` checks them
// against a c2sp.org/tlog-policy file; verify.html lists the cosigners; a tampered proof fails; with
// the witness down the copy is still written and says it carries no cosignature.
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATION_BIN, addCliUser, hasCommand, station, type CliResult } from '../support/cli.ts';
import { nameAt, randomMp4, shanghaiNow } from '../support/recorderFiles.ts';
import { postgresUnavailable, startPostgres, type TestPostgres } from '../support/postgres.ts';
import { parseVerifierKey, rawPublicKey, verifierKey } from '../../electron/core/ledger/checkpoint.ts';
import { cosignerVerifierKey, findCosignature, parseCosignerVerifierKey, splitNote } from '../../electron/core/witness/cosignature.ts';
import { parseTlogProof } from '../../electron/core/witness/proof.ts';

const unavailable = postgresUnavailable() ?? (hasCommand('sqlite3') ? null : 'sqlite3 missing: skipping the witness package tests');
if (unavailable) console.warn(unavailable);

const PASS = 'central witness passphrase';
const root = mkdtempSync(join(tmpdir(), 'station-witness-package-'));
const centralDir = join(root, 'central');
const data = join(root, 'station');
let pgServer: TestPostgres | null = null;
let centralProc: ChildProcess | null = null;
let witnessUrl = '';
let witnessVkey = '';
let stationVkey = '';
let counter = 0;

const base = { STATION_DATA: data, STATION_PASSPHRASE: 'evidence room passphrase', STATION_LANG: 'en' };
const as = (user: string) => ({ ...base, STATION_USER: user, STATION_PASSWORD: `${user}-password` });

function ok(r: CliResult): string {
  expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
  return r.stdout;
}

function central(args: string[]): CliResult {
  return station(['central', ...args, '--dir', centralDir, '--db', pgServer?.url ?? '', '--lang', 'en'], { CENTRAL_PASSPHRASE: PASS });
}

async function startCentral(): Promise<void> {
  const child = spawn(process.execPath, [STATION_BIN, 'central', 'serve', '--dir', centralDir, '--db', pgServer?.url ?? '', '--listen', '127.0.0.1:0', '--lang', 'en'], {
    env: { ...process.env, CENTRAL_PASSPHRASE: PASS },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  centralProc = child;
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`central serve did not start: ${out}`)), 60_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /serving at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        witnessUrl = m[1] as string;
        resolve();
      }
    });
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`central serve exited ${code}: ${out}`));
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

/** Ingests one recording, has it requested, approved and exported; returns the package folder. */
function approvedExport(): string {
  counter += 1;
  const src = join(root, `sync-${counter}`);
  mkdirSync(src);
  writeFileSync(join(src, nameAt(shanghaiNow(-3_600_000), { sequence: counter })), randomMp4());
  ok(station(['ingest', src, '--json'], as('keeper')));
  const list = JSON.parse(ok(station(['recordings', 'list', '--json'], as('keeper')))) as { items: { id: string }[] };
  const id = list.items.map((i) => i.id).sort().pop() as string;
  const req = JSON.parse(ok(station(['request', 'create', '--kind', 'copy', '--recordings', id, '--purpose', '移送检察院', '--json'], as('li')))) as { id: string };
  ok(station(['request', 'approve', req.id, '--note', '同意'], as('wang')));
  const out = join(root, `export-${counter}`);
  mkdirSync(out);
  return (JSON.parse(ok(station(['export', req.id, '--to', out, '--json'], as('li')))) as { path: string }).path;
}

function policyFile(name: string, text: string): string {
  const p = join(root, name);
  writeFileSync(p, text);
  return p;
}

const verify = (pkg: string, policy?: string): CliResult => station(['disc', 'verify', pkg, ...(policy ? ['--policy', policy] : []), '--lang', 'en'], {});

type Manifest = { station: { verifierKey: string }; files: { path: string; ingestSeq: number }[]; witness?: { cosigned: boolean; witnessKey: string; checkpoint?: string; proofs?: { path: string }[] } };
const manifestOf = (pkg: string) => JSON.parse(readFileSync(join(pkg, 'MANIFEST.json'), 'utf8')) as Manifest;

const VERIFY_HTML = fileURLToPath(new URL('../../resources/templates/verify.html', import.meta.url));

/**
 * verify.html's checker (the page every disc carries), taken out of the page and run in a bare
 * context as electron/core/discs/verifyHtml.test.ts does, over the package's files.
 */
async function verifyHtmlWitness(pkg: string): Promise<{ state: string; cosigners?: { name: string; keyId: string }[] }> {
  const page = readFileSync(VERIFY_HTML, 'utf8');
  const script = (id: string) => (new RegExp(`<script id="${id}">([\\s\\S]*?)</script>`).exec(page) as RegExpExecArray)[1] as string;
  const context = vm.createContext({ TextDecoder, TextEncoder, atob, Uint8Array, Int32Array, Math, JSON, Object, Array, Promise });
  vm.runInContext(`${script('es-sha256')}\n${script('es-check')}\nthis.ES_CHECK = ES_CHECK;`, context);
  const files: Record<string, { size: number; slice: (s: number, e: number) => Promise<Uint8Array> }> = {};
  for (const e of readdirSync(pkg, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const bytes = readFileSync(join(e.parentPath, e.name));
    files[join(e.parentPath, e.name).slice(pkg.length + 1)] = { size: bytes.length, slice: async (s, end) => new Uint8Array(bytes.subarray(s, end)) };
  }
  const check = (context as unknown as { ES_CHECK: { run: (f: unknown, o: unknown) => Promise<{ ok: boolean; witness: { state: string; cosigners?: { name: string; keyId: string }[] } }> } }).ES_CHECK;
  const result = await check.run(files, {});
  expect(result.ok).toBe(true);
  return result.witness;
}

describe.skipIf(unavailable !== null)('proofs that name the witness, on exports (PostgreSQL-backed witness)', () => {
  let pkg = '';

  beforeAll(async () => {
    pgServer = await startPostgres();
    const init = central(['init', '--name', 'witness.example/central']);
    expect(init.code, init.stderr).toBe(0);
    witnessVkey = (/\n(witness\.example\/central\+[0-9a-f]{8}\+\S+)/.exec(init.stdout) ?? [])[1] ?? '';
    await startCentral();
    ok(station(['init', '--agency-code', 'ZY01', '--agency-name', '中阳县市场监督管理局', '--admin', 'admin'], as('admin')));
    for (const [name, role] of [['keeper', 'custodian'], ['wang', 'approver'], ['li', 'clerk']] as const) ok(addCliUser(as('admin'), name, role, `${name}-password`));
    stationVkey = (JSON.parse(ok(station(['status', '--json'], { STATION_DATA: data }))) as { verifierKey: string }).verifierKey;
    ok(central(['enrol', '--origin', parseVerifierKey(stationVkey).keyName, '--station-key', stationVkey]));
    ok(station(['witness', 'enrol', '--url', witnessUrl, '--witness-key', witnessVkey, '--trusted-network'], as('admin')));
    pkg = approvedExport();
  }, 240_000);

  afterAll(async () => {
    await stopCentral();
    pgServer?.remove();
    rmSync(root, { recursive: true, force: true });
  });

  it('the export carries the cosigned checkpoint and one tlog-proof per recording, listed in MANIFEST and SHA256SUMS', () => {
    const m = manifestOf(pkg);
    expect(m.witness).toMatchObject({ cosigned: true, witnessKey: witnessVkey, checkpoint: 'LEDGER/checkpoint.cosigned.txt' });
    const proofPath = `PROOFS/${(m.files[0]?.path ?? '').split('/').pop()}.tlog-proof`;
    expect(m.witness?.proofs).toEqual([{ recordingId: expect.any(String), path: proofPath }]);
    const sums = readFileSync(join(pkg, 'SHA256SUMS'), 'utf8');
    for (const p of [proofPath, 'LEDGER/checkpoint.cosigned.txt']) {
      const hash = crypto.createHash('sha256').update(readFileSync(join(pkg, p))).digest('hex');
      expect(sums).toContain(`${hash}  ${p}\n`);
    }
    // The cosigned checkpoint covers the package's own checkpoint and verifies under the witness key.
    const cosigned = readFileSync(join(pkg, 'LEDGER/checkpoint.cosigned.txt'), 'utf8');
    const parts = splitNote(cosigned) as { body: string; signatures: string };
    expect(findCosignature(parts.body, parts.signatures, parseCosignerVerifierKey(witnessVkey))).not.toBeNull();
    const own = Number(readFileSync(join(pkg, 'LEDGER/checkpoint.txt'), 'utf8').split('\n')[1]);
    expect(Number(cosigned.split('\n')[1])).toBeGreaterThanOrEqual(own);
    const proof = parseTlogProof(readFileSync(join(pkg, proofPath), 'utf8'));
    expect(proof.index).toBe((m.files[0]?.ingestSeq ?? 0) - 1);
    expect(proof.checkpoint).toBe(cosigned);
    expect(readFileSync(join(pkg, 'README.txt'), 'utf8')).toContain('PROOFS/ and LEDGER/checkpoint.cosigned.txt');
  });

  it('disc verify without a policy passes and says the proofs were not checked against a policy', () => {
    const r = verify(pkg);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Cosignatures present: witness.example/central');
    expect(r.stdout).toContain('NOT checked against a trust policy');
  });

  it('disc verify --policy: the quorum met names the witness (exit 0)', () => {
    const policy = policyFile('met.policy', `log ${stationVkey}\nwitness central ${witnessVkey}\nquorum central\n`);
    const r = verify(pkg, policy);
    expect(r.code, `${r.stdout}${r.stderr}`).toBe(0);
    expect(r.stdout).toContain('Witnesses of the policy that vouched: central');
    expect(r.stdout).toContain("The policy's witness quorum is met.");
    const json = JSON.parse(ok(station(['disc', 'verify', pkg, '--policy', policy, '--json'], {}))) as { witness: { policy: { vouched: string[]; quorumMet: boolean } } };
    expect(json.witness.policy).toEqual({ vouched: ['central'], quorumMet: true });
  });

  it('disc verify --policy: a policy requiring a witness that did not sign fails (exit 1) with a clear message', () => {
    const other = cosignerVerifierKey('witness.example/other', rawPublicKey(crypto.generateKeyPairSync('ed25519').privateKey));
    const both = policyFile('both.policy', `log ${stationVkey}\nwitness central ${witnessVkey}\nwitness other ${other}\ngroup both all central other\nquorum both\n`);
    const r = verify(pkg, both);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("the trust policy's witness quorum is NOT met; witnesses of the policy that vouched");
    expect(r.stdout).toContain('central');
    // A policy that does not name this station's key trusts none of its proofs.
    const stranger = policyFile('stranger.policy', `log ${verifierKey('other.example/station', rawPublicKey(crypto.generateKeyPairSync('ed25519').privateKey))}\nquorum none\n`);
    expect(verify(pkg, stranger).code).not.toBe(0);
  });

  it('verify.html lists the cosigners it finds on the checkpoint and says it has no policy', async () => {
    const w = await verifyHtmlWitness(pkg);
    expect(w.state).toBe('cosigned');
    expect(w.cosigners).toEqual([{ name: 'witness.example/central', keyId: parseCosignerVerifierKey(witnessVkey).keyId.toString('hex') }]);
    const page = readFileSync(VERIFY_HTML, 'utf8');
    expect(page).toContain('本页面没有信任策略');
    expect(page).toContain('This page has no trust policy');
  });

  it('a tampered proof file fails, even with SHA256SUMS rewritten to match', () => {
    const copy = join(root, 'tampered');
    rmSync(copy, { recursive: true, force: true });
    mkdirSync(copy);
    for (const e of readdirSync(pkg, { recursive: true, withFileTypes: true })) {
      if (!e.isFile()) continue;
      const rel = join(e.parentPath, e.name).slice(pkg.length + 1);
      mkdirSync(join(copy, rel, '..'), { recursive: true });
      writeFileSync(join(copy, rel), readFileSync(join(pkg, rel)));
    }
    const proofPath = manifestOf(copy).witness?.proofs?.[0]?.path as string;
    const text = readFileSync(join(copy, proofPath), 'utf8');
    // The index moved by one: the proof now claims another entry.
    const changed = text.replace(/\nindex (\d+)\n/, (_, n: string) => `\nindex ${Number(n) + 1}\n`);
    expect(changed).not.toBe(text);
    writeFileSync(join(copy, proofPath), changed);
    const plain = verify(copy);
    expect(plain.code).toBe(1);
    const newHash = crypto.createHash('sha256').update(changed).digest('hex');
    const sums = readFileSync(join(copy, 'SHA256SUMS'), 'utf8').replace(new RegExp(`^[0-9a-f]{64}  ${proofPath.replace(/[.]/g, '\\.')}$`, 'm'), `${newHash}  ${proofPath}`);
    writeFileSync(join(copy, 'SHA256SUMS'), sums);
    const r = verify(copy);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('witness proof invalid');
    expect(r.stdout).toContain(proofPath);
  });

  it.skipIf(!hasCommand('xorriso'))('a disc burned to an ISO (stdio: pseudo-drive) carries them too; disc verify --policy reads them from the image', () => {
    const list = JSON.parse(ok(station(['recordings', 'list', '--json'], as('keeper')))) as { items: { id: string }[] };
    const id = list.items.map((i) => i.id).sort()[0] as string;
    const req = JSON.parse(ok(station(['request', 'create', '--kind', 'burn', '--recordings', id, '--purpose', '刻录光盘附卷', '--case', 'AJ-2026-001', '--json'], as('li')))) as { id: string };
    ok(station(['request', 'approve', req.id, '--note', '同意刻录'], as('wang')));
    const iso = join(root, 'disc.iso');
    ok(station(['burn', req.id, '--target', `iso:${iso}`, '--media', 'cd', '--json'], as('li')));
    const r = verify(iso, policyFile('disc.policy', `log ${stationVkey}\nwitness central ${witnessVkey}\nquorum central\n`));
    expect(r.code, `${r.stdout}${r.stderr}`).toBe(0);
    expect(r.stdout).toContain('1 tlog-proof files valid');
    expect(r.stdout).toContain('Witnesses of the policy that vouched: central');
  }, 120_000);

  it('witness unreachable: the copy is still written, without cosignature, and its README and MANIFEST say so', async () => {
    await stopCentral();
    const offline = approvedExport();
    const m = manifestOf(offline);
    expect(m.witness).toEqual({ witnessKey: witnessVkey, cosigned: false });
    expect(readdirSync(offline)).not.toContain('PROOFS');
    expect(readFileSync(join(offline, 'README.txt'), 'utf8')).toContain('This copy carries NO cosignature of the central witness');
    expect(readFileSync(join(offline, 'README.txt'), 'utf8')).toContain('本副本未附中心见证服务的联署');
    const r = verify(offline);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Central witness: NOT cosigned');
    const withPolicy = verify(offline, policyFile('met2.policy', `log ${stationVkey}\nwitness central ${witnessVkey}\nquorum central\n`));
    expect(withPolicy.code).toBe(1);
    expect(withPolicy.stdout).toContain('the trust policy requires witnesses, but this copy carries no witness cosignature');
    expect((await verifyHtmlWitness(offline)).state).toBe('not_cosigned');
  }, 120_000);
});
