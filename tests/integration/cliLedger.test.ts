import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCliUser, hasCommand, sqlite, station } from '../support/cli.ts';
import { verifyCheckpoint, parseVerifierKey } from '../../electron/core/ledger/checkpoint.ts';
import { verifyProofBundle } from '../../electron/core/ledger/proofBundle.ts';

const haveSqlite = hasCommand('sqlite3');
let dir: string;
// Every station a test made, not only the last: the tampering cases each start a fresh one.
const made: string[] = [];
const removeAll = () => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
};
const env = () => ({ STATION_DATA: dir, STATION_PASSPHRASE: 'evidence room passphrase', STATION_PASSWORD: 'admin-password', STATION_USER: 'admin' });

function freshStation(): void {
  dir = mkdtempSync(join(tmpdir(), 'station-cli-'));
  made.push(dir);
  const init = station(['init', '--agency-code', 'ZY01', '--agency-name', '中阳县市场监督管理局', '--admin', 'admin', '--admin-name', '张三'], env());
  expect(init.code, init.stderr).toBe(0);
  for (const [name, role] of [['li', 'clerk'], ['wang', 'approver'], ['zhao', 'auditor']] as const) {
    const r = addCliUser(env(), name, role, `${name}-password`);
    expect(r.code, r.stderr).toBe(0);
  }
}

describe('station CLI: foundation commands', () => {
  beforeAll(freshStation);
  afterAll(removeAll);

  it('prints status as text and JSON without logging in', () => {
    const r = station(['status', '--json'], { STATION_DATA: dir });
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s).toMatchObject({ initialized: true, agency: { code: 'ZY01', name: '中阳县市场监督管理局' } });
    expect(station(['status'], { STATION_DATA: dir }).stdout).toContain('中阳县市场监督管理局');
  });

  it('uses exit codes 0 / 1 / 2 and one-line translated errors, never a stack trace', () => {
    const denied = station(['user', 'add', 'x', '--role', 'clerk'], { ...env(), STATION_USER: 'li', STATION_PASSWORD: 'li-password', STATION_NEW_PASSWORD: 'whatever1' });
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/^错误：您的角色无权执行此操作/);
    const wrong = station(['user', 'list', '--lang', 'en'], { ...env(), STATION_PASSWORD: 'nope' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr.trim()).toBe('Error: Wrong username or password.');
    const usage = station(['user', 'add'], env());
    expect(usage.code).toBe(2);
    const unknownOption = station(['ledger', 'verify', '--frobnicate'], env());
    expect(unknownOption.code).toBe(2);
    const badRole = station(['user', 'add', 'y', '--role', 'king'], { ...env(), STATION_NEW_PASSWORD: 'password12' });
    expect(badRole.code).toBe(2);
    for (const r of [denied, wrong, usage, unknownOption, badRole]) expect(r.stderr).not.toMatch(/\n\s+at /);
    const adminApprover = station(['user', 'roles', 'admin', '--role', 'admin,approver'], env());
    expect(adminApprover.code).toBe(1);
    expect(adminApprover.stderr).toContain('职责分离');
  });

  it('never takes secrets from the command line: without env or a terminal it refuses', () => {
    const r = station(['user', 'list'], { STATION_DATA: dir, STATION_USER: 'admin' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('STATION_PASSWORD');
  });

  it('user list / disable / enable / passwd', () => {
    const list = JSON.parse(station(['user', 'list', '--json'], env()).stdout) as { username: string; roles: string[] }[];
    expect(list.map((u) => u.username)).toEqual(['admin', 'li', 'wang', 'zhao']);
    expect(station(['user', 'disable', 'li', '--reason', '调岗'], env()).code).toBe(0);
    expect(station(['ledger', 'show'], { ...env(), STATION_USER: 'li', STATION_PASSWORD: 'li-password' }).code).toBe(1);
    expect(station(['user', 'enable', 'li'], env()).code).toBe(0);
    expect(station(['user', 'passwd', 'li'], { ...env(), STATION_NEW_PASSWORD: 'new-li-password' }).code).toBe(0);
    // The admin chose that password: li must replace it before anything else.
    expect(station(['ledger', 'show'], { ...env(), STATION_USER: 'li', STATION_PASSWORD: 'new-li-password' }).code).toBe(1);
    expect(station(['user', 'passwd', 'li'], { ...env(), STATION_USER: 'li', STATION_PASSWORD: 'new-li-password', STATION_NEW_PASSWORD: 'li-password' }).code).toBe(0);
    expect(station(['ledger', 'show'], { ...env(), STATION_USER: 'li', STATION_PASSWORD: 'li-password' }).code).toBe(0);
  });

  it('checkpoint and proof verify with nothing but the public key; modified ones do not', () => {
    const cpFile = join(dir, 'cp.txt');
    expect(station(['ledger', 'checkpoint', '--out', cpFile], env()).code).toBe(0);
    const status = JSON.parse(station(['status', '--json'], { STATION_DATA: dir }).stdout) as { verifierKey: string };
    const vkey = parseVerifierKey(status.verifierKey);
    const note = readFileSync(cpFile, 'utf8');
    const cp = verifyCheckpoint(note, vkey.publicKey, vkey.keyName);
    expect(cp.size).toBeGreaterThan(5);
    const tampered = note.replace(`\n${cp.size}\n`, `\n${cp.size + 1}\n`);
    expect(() => verifyCheckpoint(tampered, vkey.publicKey, vkey.keyName)).toThrow();

    const proof = JSON.parse(station(['ledger', 'prove', '3', '--json'], env()).stdout);
    expect(verifyProofBundle(proof, { publicKey: vkey.publicKey })).toMatchObject({ ok: true });
    const badProof = structuredClone(proof);
    badProof.entries[0].proof[0] = badProof.entries[0].proof[0].replace(/^./, (c: string) => (c === '0' ? '1' : '0'));
    expect(verifyProofBundle(badProof, { publicKey: vkey.publicKey }).ok).toBe(false);
    const badEntry = structuredClone(proof);
    badEntry.entries[0].entry.actor = 'someone-else';
    expect(verifyProofBundle(badEntry, { publicKey: vkey.publicKey }).ok).toBe(false);
  });
});

describe.skipIf(!haveSqlite)('ledger tampering through the sqlite3 shell', () => {
  beforeAll(freshStation);
  afterAll(removeAll);
  const db = () => join(dir, 'station.db');

  it('UPDATE and DELETE are aborted by the triggers', () => {
    const upd = sqlite(db(), "UPDATE ledger SET actor = 'mallory' WHERE seq = 2;");
    expect(upd.code).not.toBe(0);
    expect(upd.stderr).toContain('append-only');
    const del = sqlite(db(), 'DELETE FROM ledger WHERE seq = 2;');
    expect(del.code).not.toBe(0);
    expect(sqlite(db(), "SELECT actor FROM ledger WHERE seq = 2;").stdout.trim()).toBe('system');
    expect(station(['ledger', 'verify'], env()).code).toBe(0);
  });

  it.each([
    ['an edited row', 'UPDATE ledger SET details = \'{"displayName":"冒名","roles":["admin"]}\' WHERE seq = 4;', 4],
    ['a deleted row', 'DELETE FROM ledger WHERE seq = 5;', 5],
    ['two reordered rows', 'UPDATE ledger SET seq = -1 WHERE seq = 3; UPDATE ledger SET seq = 3 WHERE seq = 4; UPDATE ledger SET seq = 4 WHERE seq = -1;', 3],
  ])('with the triggers dropped, %s → verify exits 1 naming the first bad seq', (_name, sql, badSeq) => {
    freshStation();
    const before = station(['ledger', 'verify', '--json'], env());
    expect(before.code).toBe(0);
    const r = sqlite(db(), `DROP TRIGGER ledger_no_update; DROP TRIGGER ledger_no_delete; ${sql}`);
    expect(r.code, r.stderr).toBe(0);
    const verify = station(['ledger', 'verify', '--json'], env());
    expect(verify.code).toBe(1);
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: false, firstBadSeq: badSeq });
    const human = station(['ledger', 'verify', '--lang', 'en'], env());
    expect(human.stdout).toContain(`entry ${badSeq} onwards cannot be trusted`);
  });

  it('an edited row whose hashes and chain were recomputed is caught by the signed checkpoint', async () => {
    freshStation();
    expect(station(['ledger', 'checkpoint'], env()).code).toBe(0);
    const { default: Database } = await import('better-sqlite3');
    const { entryBytes, leafHash } = await import('../../electron/core/ledger/entryHash.ts');
    const handle = new Database(db());
    handle.exec('DROP TRIGGER ledger_no_update;');
    handle.prepare("UPDATE ledger SET actor = 'mallory' WHERE seq = 6").run();
    // A capable forger rewrites every later hash so the chain itself looks perfect.
    let prev = (handle.prepare('SELECT leaf_hash FROM ledger WHERE seq = 5').get() as { leaf_hash: string }).leaf_hash;
    for (const row of handle.prepare('SELECT * FROM ledger WHERE seq >= 6 ORDER BY seq').all() as Record<string, string | number>[]) {
      const leaf = leafHash(entryBytes({ seq: row.seq as number, time: row.time as string, actor: row.actor as string, action: row.action as string, subject: row.subject as string, details: JSON.parse(row.details as string), prev })).toString('hex');
      handle.prepare('UPDATE ledger SET prev_hash = ?, leaf_hash = ? WHERE seq = ?').run(prev, leaf, row.seq);
      prev = leaf;
    }
    handle.close();
    const verify = station(['ledger', 'verify', '--json'], env());
    expect(verify.code).toBe(1);
    const result = JSON.parse(verify.stdout);
    expect(result).toMatchObject({ ok: false, reason: 'checkpoint_root_mismatch' });
    // The signed root pins the whole prefix; the report names the first entry after the last checkpoint that still holds.
    expect(result.firstBadSeq).toBeLessThanOrEqual(6);
  });
});
