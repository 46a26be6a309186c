// The CLI does what the app does for a custodian's and an administrator's day (issue #14 item 12):
// correct a recording's officer, read and change the station settings — each ledgered, each
// refused to the wrong role.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCliUser, sqlite, station, hasCommand } from '../support/cli.ts';
import { nameAt, randomMp4, shanghaiNow } from '../support/recorderFiles.ts';

let dir: string;
const data = () => join(dir, 'data');
const as = (user: string, password: string) => ({ STATION_DATA: data(), STATION_PASSPHRASE: 'evidence room passphrase', STATION_USER: user, STATION_PASSWORD: password });
const admin = () => as('admin', 'admin-password');
const keeper = () => as('keeper', 'keeper-password');

describe('station CLI: corrections and settings', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'station-cli-daily-'));
    expect(station(['init', '--agency-code', 'ZY01', '--agency-name', '中阳县市场监督管理局', '--admin', 'admin'], admin()).code).toBe(0);
    expect(addCliUser(admin(), 'keeper', 'custodian', 'keeper-password').code).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a custodian corrects the officer of a recording', () => {
    expect(station(['officers', 'add', '010203', '--name', '张三'], keeper()).code).toBe(0);
    expect(station(['officers', 'add', '040506', '--name', '李四'], keeper()).code).toBe(0);
    const src = join(dir, 'sync');
    mkdirSync(src);
    writeFileSync(join(src, nameAt(shanghaiNow(-3_600_000), { sequence: 1 })), randomMp4());
    expect(station(['ingest', src], keeper()).code).toBe(0);
    const id = (JSON.parse(station(['recordings', 'list', '--json'], keeper()).stdout) as { items: { id: string }[] }).items[0]!.id;

    const r = station(['recordings', 'assign', id, '--officer', '040506'], keeper());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('040506');
    const shown = JSON.parse(station(['recordings', 'show', id, '--json'], keeper()).stdout) as { recording: { officerBadge: string; officerName: string }; history: { action: string; actor: string }[] };
    expect(shown.recording).toMatchObject({ officerBadge: '040506', officerName: '李四' });
    expect(shown.history.some((h) => h.action === 'recording.officer_assigned' && h.actor === 'keeper')).toBe(true);

    // The administrator is not the custodian: refused, and nothing changes.
    expect(station(['recordings', 'assign', id, '--officer', '010203'], admin()).code).toBe(1);
    expect(station(['recordings', 'assign', id], keeper()).code).toBe(2);
  });

  it('an administrator reads and changes the settings; a custodian may read but not change them', () => {
    const before = station(['settings', 'show'], keeper());
    expect(before.code, before.stderr).toBe(0);
    expect(before.stdout).toContain('移交时限：录制结束后 24 小时');
    expect(before.stdout).toContain('时区：Asia/Shanghai');

    const set = station(['settings', 'set', '--handover', '2wd', '--interruption-gap', '5-300', '--retention-years', '3'], admin());
    expect(set.code, set.stderr).toBe(0);
    const after = JSON.parse(station(['settings', 'show', '--json'], keeper()).stdout) as {
      ingest: { handoverDeadline: unknown; interruptionGapSeconds: unknown };
      retention: { retentionDefault: unknown };
    };
    expect(after.ingest.handoverDeadline).toEqual({ workingDays: 2 });
    expect(after.ingest.interruptionGapSeconds).toEqual({ min: 5, max: 300 });
    expect(after.retention.retentionDefault).toEqual({ years: 3 });
    if (hasCommand('sqlite3')) {
      const changed = sqlite(join(data(), 'station.db'), "SELECT count(*) FROM ledger WHERE action = 'setting.changed' AND actor = 'admin'");
      expect(Number(changed.stdout.trim())).toBeGreaterThanOrEqual(3);
    }

    expect(station(['settings', 'set', '--handover', '24h'], keeper()).code).toBe(1);
    const bad = station(['settings', 'set', '--interruption-gap', '300-5'], admin());
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('下限不能大于上限');
    expect(station(['settings', 'set', '--handover', 'tomorrow'], admin()).code).toBe(2);
  });
});
