// Issue 10 defect 7: a source file's identity is its raw name bytes. Two names that render alike — the
// bytes FF FE (not UTF-8, shown as "\xff\xfe") and a name that literally is the text "\xff\xfe" — are two
// files; both must be stored, and "already ingested" must only ever mean the same bytes of the same name.
// Linux (ext4 here) allows any bytes but '/' and NUL in a name. exFAT cannot hold either name (checked with
// exfat-fuse on a loop device: FF FE is refused with EILSEQ, a backslash is not a legal exFAT character), so
// a recorder's own card cannot produce the pair; a folder a vendor tool synced to the station's disk can.
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { addCliUser, sqlite, station } from '../support/cli.ts';
import { randomMp4, sha256 } from '../support/recorderFiles.ts';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('source names are raw bytes', () => {
  it('defect 7: two names that render alike are two recordings, and neither is "already ingested" by the other', () => {
    dir = mkdtempSync(join(tmpdir(), 'station-names-'));
    const env = { STATION_DATA: join(dir, 'data'), STATION_PASSPHRASE: 'evidence room passphrase', STATION_LANG: 'en', STATION_USER: 'keeper', STATION_PASSWORD: 'keeper-password' };
    const admin = { ...env, STATION_USER: 'admin', STATION_PASSWORD: 'admin-password' };
    expect(station(['init', '--agency-code', 'SX01', '--agency-name', '测试局', '--admin', 'admin'], admin).code).toBe(0);
    expect(addCliUser(admin, 'keeper', 'custodian', 'keeper-password').code).toBe(0);

    const src = join(dir, 'sync');
    mkdirSync(src);
    const rawName = Buffer.concat([Buffer.from(`${src}/`), Buffer.from([0xff, 0xfe]), Buffer.from('_x.MP4')]);
    const textName = join(src, '\\xff\\xfe_x.MP4');
    const a = randomMp4();
    const b = randomMp4();
    expect(b.length).toBe(a.length);
    writeFileSync(rawName, a);
    writeFileSync(textName, b);
    // Same size and the same time: only the name bytes tell them apart.
    const when = new Date('2026-11-30T08:00:00Z');
    utimesSync(rawName, when, when);
    utimesSync(textName, when, when);

    const first = station(['ingest', src, '--json'], env);
    expect(first.code, first.stderr).toBe(0);
    const db = join(dir, 'data', 'station.db');
    const stored = sqlite(db, 'SELECT sha256 FROM recordings ORDER BY sha256').stdout.trim().split('\n');
    expect(stored).toEqual([sha256(a), sha256(b)].sort());

    const again = station(['ingest', src, '--json'], env);
    expect(again.code, again.stderr).toBe(0);
    const outcomes = (JSON.parse(again.stdout) as { files: { outcome: string }[] }).files.map((f) => f.outcome);
    expect(outcomes).toEqual(['already_ingested', 'already_ingested']);
    expect(sqlite(db, 'SELECT COUNT(*) FROM recordings').stdout.trim()).toBe('2');
  }, 120_000);
});
