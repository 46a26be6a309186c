// The ingest commands of the `station` CLI as a custodian uses them: registry, ingest by path,
// catalogue, explanations; text in Chinese by default, --json for scripts, exit codes.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCliUser, station } from '../support/cli.ts';
import { nameAt, randomMp4, shanghaiNow } from '../support/recorderFiles.ts';

let dir: string;
const env = () => ({ STATION_DATA: join(dir, 'data'), STATION_PASSPHRASE: 'evidence room passphrase', STATION_USER: 'keeper', STATION_PASSWORD: 'keeper-password' });

describe('station CLI: dock and ingest commands', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'station-cli-ingest-'));
    const admin = { ...env(), STATION_USER: 'admin', STATION_PASSWORD: 'admin-password' };
    expect(station(['init', '--agency-code', 'SY01', '--agency-name', '山阴县民族宗教事务局', '--admin', 'admin'], admin).code).toBe(0);
    expect(addCliUser(admin, 'keeper', 'custodian', 'keeper-password').code).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('registers, ingests, lists, shows and explains', () => {
    let r = station(['officers', 'add', '010203', '--name', '张三', '--unit-name', '执法一队'], env());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('已登记执法人员 010203（张三）');
    r = station(['recorders', 'add', '1234567'], env());
    expect(r.code, r.stderr).toBe(0);
    r = station(['officers', 'assign', '010203', '--recorder', '1234567'], env());
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(station(['recorders', 'list', '--json'], env()).stdout)[0]).toMatchObject({ serial: '1234567', officerBadge: '010203', officerName: '张三' });
    const officers = station(['officers', 'list'], env()).stdout;
    expect(officers).toContain('执法一队');
    // The column of names is headed 姓名, not the file-name header of the recordings table.
    expect(officers.split('\n')[0]).toMatch(/警号\s+姓名\s+单位/);
    expect(station(['officers', 'list', '--lang', 'en'], env()).stdout.split('\n')[0]).toMatch(/Badge\s+Name\s+Unit/);

    const src = join(dir, 'sync');
    mkdirSync(src);
    // One recent, one four days old (late under the 24 h default); both name officer 010203.
    writeFileSync(join(src, nameAt(shanghaiNow(-3_600_000), { sequence: 1 })), randomMp4());
    writeFileSync(join(src, nameAt(shanghaiNow(-4 * 86_400_000), { sequence: 2, important: true })), randomMp4());
    r = station(['ingest', src], env());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/已入库 {2}\S+_0001\.MP4 → RC-00000[12]/);
    expect(r.stdout).toContain('逾期移交');
    expect(r.stdout).toContain('入库已完成：已入库 2');

    const late = JSON.parse(station(['recordings', 'list', '--late', '--json'], env()).stdout);
    expect(late.total).toBe(1);
    const lateId = late.items[0].id as string;
    expect(late.items[0]).toMatchObject({ important: true, officerBadge: '010203', recorderSerial: '1234567' });
    expect(JSON.parse(station(['recordings', 'list', '--important', '--json'], env()).stdout).total).toBe(1);
    expect(JSON.parse(station(['recordings', 'list', '--officer', '010203', '--kind', 'video', '--json'], env()).stdout).total).toBe(2);
    expect(JSON.parse(station(['recordings', 'list', '--needs-explanation', '--json'], env()).stdout).total).toBe(1);

    r = station(['explain', lateId.replace('RC-0000', ''), '--text', '异地执法，返回单位后当日移交。'], env());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('逾期移交');
    expect(JSON.parse(station(['recordings', 'list', '--needs-explanation', '--json'], env()).stdout).total).toBe(0);

    r = station(['recordings', 'show', lateId, '--lang', 'en'], env());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Recorded at: ');
    expect(r.stdout).toContain('(from file name)');
    expect(r.stdout).toContain('Explanation (late hand-over) by keeper');
    expect(r.stdout).toMatch(/recording\.ingested[\s\S]*recording\.explained/);

    // Errors are one translated line with the right exit code.
    r = station(['explain', lateId, '--text', '再说明', '--kind', 'interruption'], env());
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^错误：记录 RC-\d+ 既未逾期移交/);
    r = station(['recordings', 'show', 'RC-999999'], env());
    expect(r.code).toBe(2);
    r = station(['ingest', join(dir, 'missing')], env());
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/^错误：/);
    // Ingesting again: nothing new.
    r = station(['ingest', src, '--json'], env());
    expect(JSON.parse(r.stdout).session.counts).toMatchObject({ already_ingested: 2, ingested: 0 });
  });
});
