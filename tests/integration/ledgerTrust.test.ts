// Issue 10, defects 2, 3 and 10, through the real `station` CLI in child processes: a station.db
// put back from a copy, a ledger rewritten with the sqlite3 shell (hashes recomputed, checkpoints
// deleted), a deleted tail, and a system clock set back three days with faketime.
// Rules: "the station never signs a history inconsistent with one it signed before" and "time in
// the ledger never runs backwards" (electron/core/ledger/README.md); 000_f52585dae22cddca.txt
// 第三十九条 asks that the record of evidence not be altered.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { STATION_BIN, addCliUser, hasCommand, sqlite, station, type CliResult } from '../support/cli.ts';
import { nameAt, randomMp4, shanghaiNow } from '../support/recorderFiles.ts';
import { entryBytes, leafHash } from '../../electron/core/ledger/entryHash.ts';
import { parseVerifierKey, verifyCheckpoint } from '../../electron/core/ledger/checkpoint.ts';
import { verifyConsistency } from '../../electron/core/ledger/merkle.ts';
import { HEAD_FILE } from '../../electron/core/ledger/head.ts';

const haveSqlite = hasCommand('sqlite3');
const haveFaketime = hasCommand('faketime');
const haveXorriso = hasCommand('xorriso');
let dir = '';
const data = () => join(dir, 'data');
const dbPath = () => join(data(), 'station.db');
const base = () => ({ STATION_DATA: data(), STATION_PASSPHRASE: 'evidence room passphrase' });
const as = (user: string) => ({ ...base(), STATION_USER: user, STATION_PASSWORD: `${user}-password` });

afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = '';
});

function ok(r: CliResult): CliResult {
  expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
  return r;
}

/** A station with an admin, a custodian, an approver and a clerk. */
function freshStation(): void {
  dir = mkdtempSync(join(tmpdir(), 'station-trust-'));
  ok(station(['init', '--agency-code', 'ZY01', '--agency-name', '中阳县市场监督管理局', '--admin', 'admin'], as('admin')));
  for (const [name, role] of [['keeper', 'custodian'], ['wang', 'approver'], ['li', 'clerk']] as const) {
    ok(addCliUser(as('admin'), name, role, `${name}-password`));
  }
}

function ingestOne(sequence: number, agoMs = 3_600_000): string {
  const src = join(dir, `sync-${sequence}`);
  mkdirSync(src);
  writeFileSync(join(src, nameAt(shanghaiNow(-agoMs), { sequence })), randomMp4());
  const r = ok(station(['ingest', src, '--json'], as('keeper')));
  return (JSON.parse(r.stdout) as { session: { counts: { ingested: number } } }).session.counts.ingested === 1 ? src : '';
}

function rows(sql: string): Record<string, string | number>[] {
  const r = spawnSync('sqlite3', ['-json', dbPath(), sql], { encoding: 'utf8' });
  return r.stdout.trim() ? (JSON.parse(r.stdout) as Record<string, string | number>[]) : [];
}

const count = (sql: string): number => Number(Object.values(rows(sql)[0] ?? { n: 0 })[0]);

describe.skipIf(!haveSqlite)('ledger trust through the real CLI', () => {
  it('defect 2: a station.db put back from an older copy is an alarm, not a pass — in verify, status, --against and signing', () => {
    freshStation();
    ingestOne(1);
    // The custodian's copy of the database, taken between two commands (nothing in the WAL).
    const copy = join(dir, 'station.db.copy');
    copyFileSync(dbPath(), copy);
    const sizeAtCopy = count('SELECT COUNT(*) AS n FROM ledger');

    ingestOne(2);
    const recordings = JSON.parse(ok(station(['recordings', 'list', '--json'], as('keeper'))).stdout) as { items: { id: string }[] };
    const id = recordings.items.map((i) => i.id).sort().pop() as string;
    const req = JSON.parse(ok(station(['request', 'create', '--kind', 'copy', '--recordings', id, '--purpose', '移送检察院', '--json'], as('li'))).stdout) as { id: string };
    ok(station(['request', 'approve', req.id, '--note', '同意'], as('wang')));
    const out = join(dir, 'export');
    mkdirSync(out);
    const exported = JSON.parse(ok(station(['export', req.id, '--to', out, '--json'], as('li'))).stdout) as { path: string };
    ok(station(['ledger', 'verify', '--against', exported.path], as('admin')));
    // The same package as a disc image, read straight from the ISO.
    const iso = join(dir, 'disc.iso');
    if (haveXorriso) {
      const mk = spawnSync('xorriso', ['-as', 'mkisofs', '-quiet', '-J', '-R', '-o', iso, exported.path], { encoding: 'utf8' });
      expect(mk.status, mk.stderr).toBe(0);
      ok(station(['ledger', 'verify', '--against', iso], as('admin')));
    }
    const sizeBefore = count('SELECT COUNT(*) AS n FROM ledger');
    expect(sizeBefore).toBeGreaterThan(sizeAtCopy);

    // Put the old database back, as an insider with a file manager would.
    for (const suffix of ['-wal', '-shm']) rmSync(dbPath() + suffix, { force: true });
    copyFileSync(copy, dbPath());

    // Before anyone unlocks, every user sees it (only the head's signed checkpoint is trusted then).
    const status = JSON.parse(ok(station(['status', '--json'], { STATION_DATA: data() })).stdout) as { ledgerAlarm: { kind: string; dbSize: number } | null };
    expect(status.ledgerAlarm).toMatchObject({ kind: 'rolled_back', dbSize: sizeAtCopy });
    expect(station(['status'], { STATION_DATA: data() }).stdout).toContain('数据库已被还原为旧副本');
    const locked = station(['ledger', 'verify', '--json'], { ...as('admin'), STATION_PASSPHRASE: undefined });
    expect(locked.code).toBe(1);
    expect(JSON.parse(locked.stdout)).toMatchObject({ ok: false, reason: 'rolled_back' });

    const verify = station(['ledger', 'verify', '--json'], as('admin'));
    expect(verify.code).toBe(1);
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: false, reason: 'rolled_back' });
    expect(station(['ledger', 'verify', '--lang', 'en'], as('admin')).stdout).toContain('replaced by an older copy');
    const against = station(['ledger', 'verify', '--against', exported.path], as('admin'));
    expect(against.code).toBe(1);
    expect(against.stdout).toContain('数据库已被还原为旧副本');
    if (haveXorriso) {
      const disc = station(['ledger', 'verify', '--against', iso, '--json'], as('admin'));
      expect(disc.code).toBe(1);
      expect(JSON.parse(disc.stdout)).toMatchObject({ ok: false, reason: 'rolled_back' });
    }

    // The alarm is in the ledger (once), and nothing is signed over the rolled-back tree.
    const alarms = rows("SELECT details FROM ledger WHERE action = 'ledger.rollback_detected'");
    expect(alarms).toHaveLength(1);
    const alarm = JSON.parse(alarms[0]!.details as string) as { kind: string; headSize: number };
    expect(alarm.kind).toBe('rolled_back');
    expect(alarm.headSize).toBeGreaterThanOrEqual(sizeBefore);
    const checkpointsBefore = count('SELECT COUNT(*) AS n FROM checkpoints');
    const sign = station(['ledger', 'checkpoint'], as('admin'));
    expect(sign.code).toBe(1);
    expect(sign.stderr).toContain('拒绝签发检查点');
    expect(count('SELECT COUNT(*) AS n FROM checkpoints')).toBe(checkpointsBefore);
    // vault verify is no pass either, and every other command warns its user.
    const vault = station(['vault', 'verify'], as('keeper'));
    expect(vault.code).toBe(1);
    expect(vault.stdout).toContain('不能视为校验通过');
    expect(vault.stderr).toContain('警告：【警报】数据库已被还原为旧副本');

    // Removing the head record as well does not make it a pass: once created, its absence is an alarm.
    rmSync(join(data(), HEAD_FILE));
    const headless = station(['ledger', 'verify', '--json'], as('admin'));
    expect(headless.code).toBe(1);
  });

  it('defect 3: a ledger rewritten with the sqlite3 shell (hashes recomputed, later checkpoints deleted) is refused, never signed over', () => {
    freshStation();
    ok(station(['ledger', 'checkpoint'], as('admin')));
    // A few more entries while unlocked, so the head record outside the database knows them.
    ok(station(['user', 'disable', 'li', '--reason', '调岗'], as('admin')));
    ok(station(['user', 'enable', 'li'], as('admin')));
    ok(station(['ledger', 'checkpoint'], as('admin')));
    ok(station(['user', 'roles', 'li', '--role', 'clerk'], as('admin')));
    const target = 6;
    const all = rows('SELECT * FROM ledger ORDER BY seq');
    expect(all.length).toBeGreaterThan(target + 3);

    // The forger: rewrite entry 6 and every later hash, delete the checkpoints at or above it.
    const sql = ['DROP TRIGGER ledger_no_update;', 'DROP TRIGGER checkpoints_no_delete;'];
    let prev = String(all[target - 2]!.leaf_hash);
    for (const row of all.slice(target - 1)) {
      const actor = row.seq === target ? 'mallory' : String(row.actor);
      const leaf = leafHash(
        entryBytes({ seq: Number(row.seq), time: String(row.time), actor, action: String(row.action), subject: String(row.subject), details: JSON.parse(String(row.details)), prev }),
      ).toString('hex');
      sql.push(`UPDATE ledger SET actor = '${actor}', prev_hash = '${prev}', leaf_hash = '${leaf}' WHERE seq = ${row.seq};`);
      prev = leaf;
    }
    sql.push(`DELETE FROM checkpoints WHERE size >= ${target};`);
    const edit = sqlite(dbPath(), sql.join('\n'));
    expect(edit.code, edit.stderr).toBe(0);
    const size = all.length;

    // Unlocked (head record authenticated) and locked (its signed checkpoint only): both refuse.
    const verify = station(['ledger', 'verify', '--json'], as('admin'));
    expect(verify.code).toBe(1);
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: false, reason: 'history_inconsistent' });
    expect(JSON.parse(verify.stdout).firstBadSeq).toBeLessThanOrEqual(target);
    const locked = station(['ledger', 'verify', '--json'], { ...as('admin'), STATION_PASSPHRASE: undefined });
    expect(locked.code).toBe(1);
    // The next unlocks' catch-up and an explicit request both refuse to sign over the forged tree.
    const sign = station(['ledger', 'checkpoint'], as('admin'));
    expect(sign.code).toBe(1);
    expect(sign.stderr).toContain('拒绝签发检查点');
    expect(count(`SELECT COUNT(*) AS n FROM checkpoints WHERE size >= ${target}`)).toBe(0);
    expect(rows("SELECT seq FROM ledger WHERE action = 'ledger.history_inconsistent'")).toHaveLength(1);
    expect(count('SELECT COUNT(*) AS n FROM ledger')).toBeGreaterThan(size);
  });

  it('defect 3: deleting the entries after the last checkpoint is caught by the head record', () => {
    freshStation();
    ok(station(['ledger', 'checkpoint'], as('admin')));
    const signed = count('SELECT MAX(size) AS n FROM checkpoints');
    // Entries after the checkpoint, written while unlocked (a disable and an enable).
    ok(station(['user', 'disable', 'li', '--reason', '调岗'], as('admin')));
    ok(station(['user', 'enable', 'li'], as('admin')));
    const size = count('SELECT COUNT(*) AS n FROM ledger');
    expect(size).toBeGreaterThan(signed + 2);
    const del = sqlite(dbPath(), `DROP TRIGGER ledger_no_delete; DELETE FROM ledger WHERE seq > ${signed};`);
    expect(del.code, del.stderr).toBe(0);
    const verify = station(['ledger', 'verify', '--json'], as('admin'));
    expect(verify.code).toBe(1);
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: false, reason: 'rolled_back', firstBadSeq: signed + 1 });
    expect(rows("SELECT seq FROM ledger WHERE action = 'ledger.rollback_detected'")).toHaveLength(1);
  });

  it('checkpoint coverage: a deleted checkpoint in the middle fails verify; an honest station with a locked period passes', () => {
    freshStation();
    // Entries appended while locked (logins without the passphrase), then signed at the next unlock.
    for (let i = 0; i < 3; i++) ok(station(['user', 'list'], { ...as('admin'), STATION_PASSPHRASE: undefined }));
    const settings = sqlite(dbPath(), `INSERT OR REPLACE INTO settings (key, value) VALUES ('ledger.checkpointEvery', '4');`);
    expect(settings.code, settings.stderr).toBe(0);
    ok(station(['ledger', 'checkpoint'], as('admin')));
    for (let i = 0; i < 5; i++) ok(station(['user', 'list'], as('admin')));
    ok(station(['ledger', 'verify'], as('admin')));
    const sizes = rows('SELECT size FROM checkpoints ORDER BY size').map((r) => Number(r.size));
    const head = Number(rows("SELECT seq FROM ledger WHERE action = 'ledger.head_created'")[0]!.seq);
    const multiples = sizes.filter((s) => s % 4 === 0 && s >= head);
    expect(multiples.length).toBeGreaterThan(1);
    const gone = multiples[0]!;
    expect(sqlite(dbPath(), `DROP TRIGGER checkpoints_no_delete; DELETE FROM checkpoints WHERE size = ${gone};`).code).toBe(0);
    const verify = station(['ledger', 'verify', '--json'], { ...as('admin'), STATION_PASSPHRASE: undefined });
    expect(verify.code).toBe(1);
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: false, reason: 'checkpoint_coverage', firstBadSeq: gone });
  });

  it('consistency proofs: `ledger consistency OLD NEW` prints base64 lines that verify between two signed checkpoints', () => {
    freshStation();
    ok(station(['ledger', 'checkpoint'], as('admin')));
    ok(station(['user', 'disable', 'li', '--reason', '调岗'], as('admin')));
    ok(station(['ledger', 'checkpoint'], as('admin')));
    const cps = rows('SELECT size, note FROM checkpoints ORDER BY size');
    const [a, b] = [cps[cps.length - 2]!, cps[cps.length - 1]!];
    const status = JSON.parse(ok(station(['status', '--json'], { STATION_DATA: data() })).stdout) as { verifierKey: string };
    const vkey = parseVerifierKey(status.verifierKey);
    const oldCp = verifyCheckpoint(String(a.note), vkey.publicKey, vkey.keyName);
    const newCp = verifyCheckpoint(String(b.note), vkey.publicKey, vkey.keyName);
    const r = ok(station(['ledger', 'consistency', String(a.size), String(b.size)], as('admin')));
    const [first, ...rest] = r.stdout.trimEnd().split('\n');
    expect(first).toBe(`old ${a.size}`);
    const proofLines = rest.slice(0, rest.indexOf('') === -1 ? rest.length : rest.indexOf(''));
    const proof = proofLines.map((l) => Buffer.from(l, 'base64'));
    expect(verifyConsistency(oldCp.size, newCp.size, proof, oldCp.root, newCp.root)).toBe(true);
    expect(r.stdout).toContain(String(b.note).trimEnd());
    const json = JSON.parse(ok(station(['ledger', 'consistency', String(a.size), String(b.size), '--json'], as('admin'))).stdout) as { proof: string[] };
    expect(json.proof).toEqual(proofLines);
    // From the empty tree there is nothing to prove; beyond the ledger there is nothing to prove either.
    expect(station(['ledger', 'consistency', '0', String(b.size)], as('admin')).code).toBe(2);
    expect(station(['ledger', 'consistency', '1', '99999'], as('admin')).code).toBe(2);
    expect(station(['ledger', 'verify', '--against', join(dir, 'nowhere')], as('admin')).code).toBe(2);
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    const notPackage = station(['ledger', 'verify', '--against', empty], as('admin'));
    expect(notPackage.code).toBe(2);
    expect(notPackage.stderr).toContain('LEDGER/checkpoint.txt');
    expect(existsSync(join(data(), HEAD_FILE))).toBe(true);
  });
});

describe.skipIf(!haveSqlite || !haveFaketime)('time never runs backwards (faketime)', () => {
  /** The real CLI under libfaketime: the whole process sees the shifted clock. */
  function stationAt(offset: string, args: string[], env: Record<string, string | undefined>): CliResult {
    const r = spawnSync('faketime', ['-f', offset, process.execPath, STATION_BIN, ...args], {
      encoding: 'utf8',
      env: { ...process.env, STATION_LANG: undefined, STATION_NEW_PASSWORD: undefined, ...env },
      input: '',
      timeout: 60_000,
    });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  }

  it('defect 10: with the clock set back 3 days, a late hand-over is still late, stored_at never precedes recorded_at, ledger times never run backwards, and the anomaly is ledgered and shown', () => {
    freshStation();
    // Sanity: faketime really shifts the station's clock.
    const probe = stationAt('-3d', ['status', '--json'], { STATION_DATA: data() });
    expect(probe.code, probe.stderr).toBe(0);

    const src = join(dir, 'sync');
    mkdirSync(src);
    // Recorded two days ago (real time): late under the 24-hour rule.
    writeFileSync(join(src, nameAt(shanghaiNow(-2 * 86_400_000), { sequence: 1 })), randomMp4());
    const ingest = stationAt('-3d', ['ingest', src, '--json'], as('keeper'));
    expect(ingest.code, ingest.stderr).toBe(0);
    // Every user is told, in status and beside every command; the ledger verifies.
    const status = JSON.parse(stationAt('-3d', ['status', '--json'], { STATION_DATA: data() }).stdout) as { clockAnomaly: { behindMs: number } | null };
    expect(status.clockAnomaly?.behindMs).toBeGreaterThan(2.9 * 86_400_000);
    const shown = stationAt('-3d', ['recordings', 'list'], as('keeper'));
    expect(shown.stderr).toContain('时钟异常');
    ok(stationAt('-3d', ['ledger', 'verify'], as('admin')));
    // One jump, one entry, however many commands ran meanwhile.
    const anomalies = rows("SELECT details FROM ledger WHERE action = 'clock.anomaly'");
    expect(anomalies).toHaveLength(1);
    expect(JSON.parse(String(anomalies[0]!.details)).behindMs).toBeGreaterThan(2.9 * 86_400_000);

    const late = JSON.parse(ok(station(['recordings', 'list', '--late', '--json'], as('keeper'))).stdout) as { total: number; items: { recordedAt: string; storedAt: string }[] };
    expect(late.total).toBe(1);
    expect(Date.parse(late.items[0]!.storedAt)).toBeGreaterThanOrEqual(Date.parse(late.items[0]!.recordedAt));
    const times = rows('SELECT time FROM ledger ORDER BY seq').map((r) => Date.parse(String(r.time)));
    for (let i = 1; i < times.length; i++) expect(times[i]!).toBeGreaterThanOrEqual(times[i - 1]!);
    // Back on time: no anomaly any more.
    expect(JSON.parse(ok(station(['status', '--json'], { STATION_DATA: data() })).stdout).clockAnomaly).toBeNull();
  });
});
