// Issue 10, defects 9, 11, 13, 17, 18, 19: authority comes from the record, every user decides
// with a password only they know, the auditor changes nothing, and the station's secrets resist
// guessing and tampered parameters. Real CLI processes and real sqlite3 edits where it matters.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hash } from '@node-rs/argon2';
import { afterEach, describe, expect, it } from 'vitest';
import { addCliUser, hasCommand, sqlite, station } from '../support/cli.ts';
import { ADMIN_PASSWORD, PASSPHRASE as PASSPHRASE_TS, createTestStation, firstPassword, type TestStation } from '../support/testStation.ts';
import { deriveKey, type KdfParams } from '../../electron/core/keys/kdf.ts';
import { wrapKey } from '../../electron/core/vault/keyWrap.ts';
import { handlers } from '../../electron/api/index.ts';

const haveSqlite = hasCommand('sqlite3');
const PASSPHRASE = 'evidence room passphrase';
let dirs: string[] = [];
let stations: TestStation[] = [];

afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  for (const t of stations) t.cleanup();
  dirs = [];
  stations = [];
});

/** A station made by the real CLI, with the admin's environment for further commands. */
function cliStation(): { dir: string; db: string; admin: Record<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), 'station-authority-'));
  dirs.push(dir);
  const admin = { STATION_DATA: dir, STATION_PASSPHRASE: PASSPHRASE, STATION_USER: 'admin', STATION_PASSWORD: 'admin-password' };
  const init = station(['init', '--agency-code', 'ZY01', '--agency-name', '中阳县公安局', '--admin', 'admin'], admin);
  expect(init.code, init.stderr).toBe(0);
  return { dir, db: join(dir, 'station.db'), admin };
}

function ledgerRows(db: string, action: string): { actor: string; subject: string; details: Record<string, unknown> }[] {
  const r = sqlite(db, `SELECT json_object('actor', actor, 'subject', subject, 'details', json(details)) FROM ledger WHERE action = '${action}' ORDER BY seq`);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { actor: string; subject: string; details: Record<string, unknown> });
}

describe.skipIf(!haveSqlite)('authority comes from the record', () => {
  it('defect 9: roles, disabled flags and password hashes edited with sqlite3 are refused and alarmed, not obeyed', () => {
    const s = cliStation();
    expect(addCliUser(s.admin, 'li', 'clerk', 'li-password-1').code).toBe(0);
    expect(addCliUser(s.admin, 'zhou', 'clerk', 'zhou-password-1').code).toBe(0);
    const li = { STATION_DATA: s.dir, STATION_USER: 'li', STATION_PASSWORD: 'li-password-1', STATION_LANG: 'en' };
    // A clerk may not list users; made an auditor in the row, they could.
    expect(station(['user', 'list'], li).code).toBe(1);
    expect(sqlite(s.db, `UPDATE users SET roles = '["auditor"]' WHERE username = 'li'`).code).toBe(0);
    const promoted = station(['user', 'list'], li);
    expect(promoted.code).toBe(1);
    expect(promoted.stderr).toMatch(/does not match the ledger/);
    expect(promoted.stdout).not.toContain('zhou');
    const alarms = ledgerRows(s.db, 'user.authority_mismatch');
    expect(alarms.at(-1)).toMatchObject({ actor: 'system', subject: 'user:li', details: { field: 'roles', row: '["auditor"]', ledger: '["clerk"]' } });
    // The ledger itself still verifies: the alarm is in it, for the auditor to see.
    expect(station(['ledger', 'verify'], s.admin).code).toBe(0);

    // A disabled user re-enabled in the row stays disabled.
    expect(station(['user', 'disable', 'zhou', '--reason', '调岗'], s.admin).code).toBe(0);
    expect(sqlite(s.db, `UPDATE users SET disabled = 0 WHERE username = 'zhou'`).code).toBe(0);
    const zhou = station(['ledger', 'verify'], { STATION_DATA: s.dir, STATION_USER: 'zhou', STATION_PASSWORD: 'zhou-password-1', STATION_LANG: 'en' });
    expect(zhou.code).toBe(1);
    expect(ledgerRows(s.db, 'user.authority_mismatch').at(-1)).toMatchObject({ subject: 'user:zhou', details: { field: 'disabled' } });

    // A password "reset" by copying a known hash into the row is not a reset.
    expect(sqlite(s.db, `UPDATE users SET roles = '["clerk"]', password_hash = (SELECT password_hash FROM users WHERE username = 'admin') WHERE username = 'li'`).code).toBe(0);
    const borrowed = station(['ledger', 'verify'], { ...li, STATION_PASSWORD: 'admin-password' });
    expect(borrowed.code).toBe(1);
    expect(ledgerRows(s.db, 'user.authority_mismatch').at(-1)).toMatchObject({ subject: 'user:li', details: { field: 'password' } });
    // A user row the ledger never added is nobody.
    expect(sqlite(s.db, `INSERT INTO users (username, display_name, password_hash, roles, created_at) SELECT 'ghost', 'ghost', password_hash, '["admin"]', created_at FROM users WHERE username = 'admin'`).code).toBe(0);
    expect(station(['user', 'list'], { STATION_DATA: s.dir, STATION_USER: 'ghost', STATION_PASSWORD: 'admin-password' }).code).toBe(1);
    expect(ledgerRows(s.db, 'user.authority_mismatch').at(-1)).toMatchObject({ subject: 'user:ghost', details: { field: 'unknown' } });
  }, 120_000);

  it('defect 9: a signed-in session loses authority the moment its row stops matching the ledger', async () => {
    const t = await createTestStation();
    stations.push(t);
    const clerk = await t.addUser('clerk1', ['clerk']);
    await expect(clerk.invoke('user.list', {})).rejects.toMatchObject({ code: 'auth.forbidden' });
    expect(sqlite(join(t.dir, 'station.db'), `UPDATE users SET roles = '["clerk","auditor"]' WHERE username = 'clerk1'`).code).toBe(0);
    await expect(clerk.invoke('user.list', {})).rejects.toMatchObject({ code: 'auth.authority_mismatch' });
    expect(clerk.user).toBeNull();
  });

  it('defect 19: a planted weak argon2id hash (m=8 KiB, t=1) is refused before it is tried', async () => {
    const s = cliStation();
    expect(addCliUser(s.admin, 'wang', 'approver', 'wang-password-1').code).toBe(0);
    const weak = await hash('planted-password', { memoryCost: 8, timeCost: 1, parallelism: 1 });
    expect(weak).toMatch(/\$m=8,t=1,p=1\$/);
    expect(sqlite(s.db, `UPDATE users SET password_hash = '${weak}' WHERE username = 'wang'`).code).toBe(0);
    const r = station(['request', 'list'], { STATION_DATA: s.dir, STATION_USER: 'wang', STATION_PASSWORD: 'planted-password', STATION_LANG: 'en' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/weaker than the station's minimum/);
    expect(ledgerRows(s.db, 'user.authority_mismatch').at(-1)).toMatchObject({ subject: 'user:wang', details: { field: 'password_hash_floor', memoryKiB: 8, iterations: 1 } });
  }, 60_000);
});

describe('every user decides with a password only they know', () => {
  it('defect 11: an account the admin created or reset can do nothing but set its own password (CLI)', () => {
    const s = cliStation();
    // The admin creates an approver with a password the admin chose…
    expect(station(['user', 'add', 'wang', '--role', 'approver'], { ...s.admin, STATION_NEW_PASSWORD: 'chosen-by-admin' }).code).toBe(0);
    const asWang = { STATION_DATA: s.dir, STATION_USER: 'wang', STATION_PASSWORD: 'chosen-by-admin' };
    // …and cannot act as them: every command but `station password` refuses, saying what to run.
    const refused = station(['request', 'list'], asWang);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('station password');
    expect(station(['request', 'list'], { ...asWang, STATION_LANG: 'en' }).stderr).toMatch(/run `station password`/);
    // Keeping the admin's password is not setting one's own.
    const same = station(['password'], { ...asWang, STATION_NEW_PASSWORD: 'chosen-by-admin' });
    expect(same.code).toBe(2);
    const set = station(['password'], { ...asWang, STATION_NEW_PASSWORD: 'only-wang-knows' });
    expect(set.code, set.stderr).toBe(0);
    expect(station(['request', 'list'], { ...asWang, STATION_PASSWORD: 'only-wang-knows' }).code).toBe(0);
    expect(station(['request', 'list'], asWang).code).toBe(1); // the admin's password no longer works
    // A reset by the admin puts the account back behind the password change.
    expect(station(['user', 'passwd', 'wang'], { ...s.admin, STATION_NEW_PASSWORD: 'reset-by-admin' }).code).toBe(0);
    const afterReset = station(['request', 'list'], { ...asWang, STATION_PASSWORD: 'reset-by-admin' });
    expect(afterReset.code).toBe(1);
    expect(afterReset.stderr).toContain('station password');
    // The first admin chose their own password at `station init`: not forced.
    expect(station(['user', 'list'], s.admin).code).toBe(0);
  }, 120_000);

  it('defect 11: over the api the session is limited to changing the password until it is changed', async () => {
    const t = await createTestStation();
    stations.push(t);
    await t.admin.invoke('user.add', { username: 'head', displayName: '刘洋', roles: ['approver'], password: firstPassword('head-password') });
    const head = await t.login('head', firstPassword('head-password'));
    expect(head.user?.mustChangePassword).toBe(true);
    await expect(head.invoke('request.list', {})).rejects.toMatchObject({ code: 'auth.password_change_required' });
    await expect(head.invoke('auth.whoami', {})).resolves.toMatchObject({ user: { username: 'head', mustChangePassword: true } });
    await head.invoke('auth.changePassword', { oldPassword: firstPassword('head-password'), newPassword: 'head-password' });
    await expect(head.invoke('request.list', {})).resolves.toEqual([]);
    expect(t.station.users.get('head').mustChangePassword).toBe(false);
    // A row edited to drop the requirement does not drop it: it is derived from the ledger.
    await t.admin.invoke('user.resetPassword', { username: 'head', newPassword: 'reset-password' });
    const again = await t.login('head', 'reset-password');
    await expect(again.invoke('request.list', {})).rejects.toMatchObject({ code: 'auth.password_change_required' });
  });
});

describe('the auditor reads everything and changes nothing', () => {
  // Spot-checks are the auditor's one action, ledgered; verifying and signing a checkpoint change no record,
  // and neither does asking the witness to cosign what the station has already signed (witness.sync).
  const AUDITOR_MAY = new Set(['auth.logout', 'auth.changePassword', 'playback.open', 'playback.close', 'ledger.checkpoint', 'ledger.prove', 'vault.verify', 'witness.sync']);

  it('defect 13: no mutating command admits the auditor except spot-checks', async () => {
    const open = Object.entries(handlers)
      .filter(([, h]) => h.mutates && h.access.kind === 'session' && (h.access.roles === 'any' || h.access.roles.includes('auditor')))
      .map(([name]) => name)
      .filter((name) => !AUDITOR_MAY.has(name));
    expect(open).toEqual([]);
    // The renderer's side: renderer/src/roles.test.ts.

    const t = await createTestStation();
    stations.push(t);
    const auditor = await t.addUser('auditor1', ['auditor']);
    for (const [channel, payload] of [
      ['request.create', { kind: 'copy', recordingIds: ['R1'], purpose: '抽查复制' }],
      ['request.withdraw', { id: 'REQ-1' }],
      ['case.request', { id: 'C1', kind: 'view', purpose: '查看' }],
      ['retention.requestExtension', { recordingIds: ['R1'], until: 'permanent', purpose: '长期保存' }],
      ['retention.applyExtension', { requestId: 'REQ-1' }],
    ] as const) {
      await expect(auditor.invoke(channel, payload as never), channel).rejects.toMatchObject({ code: 'auth.forbidden' });
    }
    // The spot-check path stays open to them (refused here only because the recording does not exist).
    await expect(auditor.invoke('playback.open', { recordingId: 'NOPE', reason: '抽查' })).rejects.not.toMatchObject({ code: 'auth.forbidden' });
  });
});

describe('the station passphrase and its key header', () => {
  it('defect 17: wrong passphrases back off across processes and are ledgered with count and times', async () => {
    const s = cliStation();
    const wrong = { ...s.admin, STATION_PASSPHRASE: 'not the passphrase at all', STATION_LANG: 'en' };
    for (let i = 1; i <= 2; i++) expect(station(['vault', 'verify'], wrong).stderr).toMatch(/Wrong station passphrase/);
    const third = station(['vault', 'verify'], wrong);
    expect(third.code).toBe(1);
    expect(third.stderr).toMatch(/try again in 5 seconds/);
    // A fourth process is refused before any key derivation, even with the right passphrase.
    const throttled = station(['vault', 'verify'], { ...s.admin, STATION_LANG: 'en' });
    expect(throttled.code).toBe(1);
    expect(throttled.stderr).toMatch(/Too many wrong station passphrases/);
    const failed = ledgerRows(s.db, 'station.unlock_failed');
    expect(failed.map((f) => f.details.failures)).toEqual([1, 2, 3]);
    expect(failed.every((f) => f.actor === 'anonymous')).toBe(true);
    const retryAt = new Date(String(failed[2]!.details.retryAt)).getTime();
    await new Promise((r) => setTimeout(r, Math.max(0, retryAt - Date.now()) + 200));
    const ok = station(['vault', 'verify'], s.admin);
    expect(ok.code, ok.stderr).toBe(0);
    const cleared = ledgerRows(s.db, 'station.unlock_failures_cleared');
    expect(cleared).toHaveLength(1);
    expect(cleared[0]!.details).toMatchObject({ failures: 3 });
    expect(cleared[0]!.details.times).toHaveLength(3);
    // The count starts again after a success.
    expect(station(['vault', 'verify'], wrong).stderr).toMatch(/Wrong station passphrase; nothing was changed\.\s*$/);
  }, 120_000);

  it('defect 18: KDF parameters above the ceiling are refused before running, and the parameters are bound to the wrapped key', () => {
    const s = cliStation();
    const kdf = JSON.parse(sqlite(s.db, 'SELECT kdf FROM station_keys').stdout) as Record<string, unknown>;
    expect(kdf.binding).toBe('params-v2');
    const edit = (k: Record<string, unknown>) => expect(sqlite(s.db, `UPDATE station_keys SET kdf = '${JSON.stringify(k)}'`).code).toBe(0);
    edit({ ...kdf, memoryKiB: 8 * 1024 * 1024 });
    const started = Date.now();
    const huge = station(['vault', 'verify'], { ...s.admin, STATION_LANG: 'en' });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(huge.code).toBe(1);
    expect(huge.stderr).toMatch(/exceed the allowed maximum.*refused without running/);
    // Dropping the binding (back to the old wrap's associated data) fails authentication.
    const { binding: _drop, ...unbound } = kdf;
    edit(unbound);
    expect(station(['vault', 'verify'], { ...s.admin, STATION_LANG: 'en' }).code).toBe(1);
    edit(kdf);
    expect(station(['vault', 'verify'], s.admin).code).toBe(0);
  }, 60_000);
});

describe('stations set up before these checks', () => {
  it('defects 9 and 18 on an upgraded station: the first unlock baselines old users and re-wraps the master key, ledgered', async () => {
    const t = await createTestStation();
    stations.push(t);
    // What the old code left: a user whose `user.added` carries no fingerprint, and a v1 wrap.
    const oldHash = await hash('old-user-password', { memoryCost: 19_456, timeCost: 2, parallelism: 1 });
    t.station.write(() => {
      t.station.db.prepare(`INSERT INTO users (username, display_name, password_hash, roles, created_at) VALUES ('old', 'old', ?, '["clerk"]', ?)`).run(oldHash, new Date().toISOString());
      t.station.ledger.append({ actor: 'admin', action: 'user.added', subject: 'user:old', details: { displayName: 'old', roles: ['clerk'] } });
      t.station.ledger.append({ actor: 'old', action: 'user.password_changed', subject: 'user:old' });
    });
    const row = t.station.db.prepare('SELECT kdf FROM station_keys').get() as { kdf: string };
    const { binding: _b, ...v1 } = JSON.parse(row.kdf) as KdfParams;
    const kek = await deriveKey(PASSPHRASE_TS, v1);
    const v1Wrap = wrapKey(kek, t.station.requireUnlocked().masterKey, Buffer.from('evidence-station/master-key/v1'));
    t.station.db.prepare('UPDATE station_keys SET kdf = ?, wrapped_master_key = ?').run(JSON.stringify(v1), v1Wrap);

    await t.reopen();
    const actions = (t.station.db.prepare("SELECT action, subject, details FROM ledger WHERE actor = 'system' ORDER BY seq").all() as { action: string; subject: string; details: string }[]).map((r) => [r.action, r.subject]);
    expect(actions).toContainEqual(['user.baseline', 'user:old']);
    expect(actions).toContainEqual(['station.key_wrap_upgraded', 'station']);
    expect(actions.filter(([a]) => a === 'user.baseline')).toHaveLength(1); // only the user without a fingerprint
    expect((JSON.parse((t.station.db.prepare('SELECT kdf FROM station_keys').get() as { kdf: string }).kdf) as KdfParams).binding).toBe('params-v2');
    await t.reopen(); // the re-made wrap opens, and nothing is baselined twice
    expect(t.station.db.prepare("SELECT COUNT(*) AS n FROM ledger WHERE action IN ('user.baseline', 'station.key_wrap_upgraded')").get()).toEqual({ n: 2 });
    await expect(t.login('old', 'old-user-password')).resolves.toBeTruthy();
    // From the baseline on, a swapped hash is refused.
    expect(sqlite(join(t.dir, 'station.db'), `UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE username = 'admin') WHERE username = 'old'`).code).toBe(0);
    await expect(t.login('old', ADMIN_PASSWORD)).rejects.toMatchObject({ code: 'auth.authority_mismatch' });
  });
});
