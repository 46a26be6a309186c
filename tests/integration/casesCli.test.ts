// The case, retention, destroy and report commands of the real `station` CLI in child processes.
// The station is prepared in-process (users, recordings stored in June 2023 with a ManualClock),
// then closed: from there on only the CLI touches it, on the real clock, so the 2023 recordings
// are past the default 3 years and due.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../electron/core/clock.ts';
import { createTestStation, ADMIN_PASSWORD, PASSPHRASE, type TestStation } from '../support/testStation.ts';
import { ingestFixtures } from '../support/caseFixtures.ts';
import { station } from '../support/cli.ts';

let t: TestStation;
let ids: string[];
const as = (user: string, extra: Record<string, string> = {}) => ({ STATION_DATA: t.dir, STATION_USER: user, STATION_PASSWORD: `${user}-password-1`, STATION_PASSPHRASE: PASSPHRASE, ...extra });

beforeAll(async () => {
  t = await createTestStation({ clock: new ManualClock('2023-06-01T02:00:00Z') });
  const custodian = await t.addUser('cus', ['custodian'], 'cus-password-1');
  await t.addUser('clerk', ['clerk'], 'clerk-password-1');
  await t.addUser('head', ['approver'], 'head-password-1');
  await custodian.invoke('officer.add', { badge: '010203', name: '张警官' });
  ids = await ingestFixtures(custodian, [{ local: '2023-06-01T08:00:00' }, { local: '2023-06-01T08:30:00' }, { local: '2023-06-01T09:00:00' }]);
  t.station.close();
}, 60_000);

afterAll(() => t?.cleanup());

describe('station case / retention / destroy / report', () => {
  it('opens a case, links evidence, prints the summary, concludes it', () => {
    const created = station(
      ['case', 'create', '--number', '中市监罚〔2023〕7号', '--title', '销售过期食品', '--type', 'penalty', '--party', '某超市', '--party-kind', 'organisation', '--officers', '010203', '--json'],
      as('clerk'),
    );
    expect(created.code, created.stderr).toBe(0);
    const caseId = (JSON.parse(created.stdout) as { id: string }).id;
    const bad = station(['case', 'link', caseId, '--recordings', 'RC-999999', '--note', '取证人员张警官'], as('clerk'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^错误：/);
    const link = station(['case', 'link', caseId, '--recordings', ids[0]!, '--note', '取证人员：张警官；时间：2023-06-01；地点：某超市', '--lang', 'en'], as('clerk'));
    expect(link.code, link.stderr).toBe(0);
    expect(link.stdout).toContain('1 recording(s) linked');
    const summary = join(t.dir, 'summary.html');
    const show = station(['case', 'show', caseId, '--summary', summary], as('clerk'));
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toContain('办理中案件');
    expect(readFileSync(summary, 'utf8')).toContain('中市监罚〔2023〕7号');
    const close = station(['case', 'close', caseId, '--note', '已结案'], as('clerk'));
    expect(close.code, close.stderr).toBe(0);
    const list = station(['case', 'list', '--state', 'closed', '--lang', 'en'], as('clerk'));
    expect(list.stdout).toContain('concluded, to archive');
  });

  it('holds, proposes, approves and executes a destruction, writing the certificate', () => {
    const due = station(['retention', 'due', '--json'], as('cus'));
    expect(due.code, due.stderr).toBe(0);
    // Both fall due on the same day; their numbers follow the order two files in flight finished, so compare as sets.
    expect((JSON.parse(due.stdout) as { recordingId: string }[]).map((s) => s.recordingId).sort()).toEqual([ids[1]!, ids[2]!].sort());
    const hold = station(['retention', 'hold', '--recording', ids[2]!, '--reason', '复议期间保全', '--json'], as('cus'));
    expect(hold.code, hold.stderr).toBe(0);
    const proposeHeld = station(['destroy', 'propose', '--recordings', `${ids[1]},${ids[2]}`, '--reason', '到期集中销毁'], as('cus'));
    expect(proposeHeld.code).toBe(2);
    expect(proposeHeld.stderr).toContain(ids[2]);
    const release = station(['retention', 'release', (JSON.parse(hold.stdout) as { id: string }).id, '--reason', '复议结束'], as('head'));
    expect(release.code, release.stderr).toBe(0);

    const propose = station(['destroy', 'propose', '--all-due', '--reason', '到期集中销毁', '--json'], as('cus'));
    expect(propose.code, propose.stderr).toBe(0);
    const batch = JSON.parse(propose.stdout) as { id: string; items: unknown[] };
    expect(batch.items).toHaveLength(2);
    const approve = station(['destroy', 'approve', batch.id, '--note', '同意销毁'], as('head'));
    expect(approve.code, approve.stderr).toBe(0);
    const certificate = join(t.dir, 'certificate.html');
    const execute = station(['destroy', 'execute', batch.id, '--certificate', certificate, '--lang', 'en'], as('cus'));
    expect(execute.code, execute.stderr).toBe(0);
    expect(execute.stdout).toMatch(/2 recordings destroyed\. Certificate SHA-256 [0-9a-f]{64}/);
    expect(existsSync(certificate)).toBe(true);
    expect(readFileSync(certificate, 'utf8')).toContain(ids[1]);
    const verify = station(['ledger', 'verify'], { STATION_DATA: t.dir, STATION_USER: 'admin', STATION_PASSWORD: ADMIN_PASSWORD });
    expect(verify.code, verify.stderr).toBe(0);
  });

  it('prints the monthly report as CSV', () => {
    const r = station(['report', 'monthly', '--month', '2023-06', '--csv'], { ...as('admin'), STATION_PASSWORD: ADMIN_PASSWORD });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\uFEFF分组,编号,名称,音像记录/);
    expect(r.stdout).toContain('合计,,,3,');
  });
});
