// `station recorder rules show|set` through the real CLI in child processes (issue 15 item 4): the
// rules in force are shown with their hash; `show --json` gives the document an admin edits and
// `set` takes back; a file whose example does not hold is refused with a translated message naming
// the example, and the station keeps its rules.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStation, ADMIN_PASSWORD, PASSPHRASE, type TestStation } from '../support/testStation.ts';
import { station } from '../support/cli.ts';

let t: TestStation;
let work: string;
const admin = () => ({ STATION_DATA: t.dir, STATION_USER: 'admin', STATION_PASSWORD: ADMIN_PASSWORD, STATION_PASSPHRASE: PASSPHRASE });

beforeAll(async () => {
  t = await createTestStation();
  await t.addUser('keeper', ['custodian'], 'keeper-password-1');
  t.station.close();
  work = mkdtempSync(join(tmpdir(), 'rules-cli-'));
}, 60_000);

afterAll(() => {
  t?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

const rule = (serial: string) => ({
  id: 'patrol-x',
  models: ['*'],
  layout: 'PX{serial}-{officer}-{time14}',
  verified: false,
  source: 'agency test',
  examples: [{ name: 'PXAB12-9911-20260301080000.mp4', expect: { deviceSerial: serial, officerId: '9911' } }],
});

describe('station recorder rules', () => {
  it('shows the shipped rules, sets an edited file with a reason, refuses a broken example by name', () => {
    const shown = station(['recorder', 'rules', 'show'], admin());
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain('随软件提供的命名规则');
    expect(shown.stdout).toContain('dcam-imp');
    const doc = JSON.parse(station(['recorder', 'rules', 'show', '--json'], admin()).stdout) as { sha256: string; document: { rules: unknown[] } };

    const broken = join(work, 'broken.json');
    writeFileSync(broken, JSON.stringify({ ...doc.document, rules: [...doc.document.rules, rule('AB13')] }));
    const refused = station(['recorder', 'rules', 'set', broken, '--reason', '新增巡逻记录仪格式'], admin());
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('patrol-x');
    expect(refused.stderr).toContain('PXAB12-9911-20260301080000.mp4');
    expect(refused.stderr).toContain('未作任何更改');
    const refusedEn = station(['recorder', 'rules', 'set', broken, '--reason', 'x1', '--lang', 'en'], admin());
    expect(refusedEn.stderr).toMatch(/reads deviceSerial of its example "PXAB12-9911-20260301080000\.mp4" as "AB12", but the example says "AB13"/);
    expect((JSON.parse(station(['recorder', 'rules', 'show', '--json'], admin()).stdout) as { sha256: string }).sha256).toBe(doc.sha256);

    const good = join(work, 'good.json');
    writeFileSync(good, JSON.stringify({ ...doc.document, rules: [...doc.document.rules, rule('AB12')] }));
    const notAdmin = station(['recorder', 'rules', 'set', good, '--reason', '新增'], { ...admin(), STATION_USER: 'keeper', STATION_PASSWORD: 'keeper-password-1' });
    expect(notAdmin.code).not.toBe(0);
    const set = station(['recorder', 'rules', 'set', good, '--reason', '新增巡逻记录仪格式'], admin());
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toContain('命名规则已保存');
    const after = station(['recorder', 'rules', 'show'], admin());
    expect(after.stdout).toContain('本站自定义的命名规则');
    expect(after.stdout).toContain('patrol-x');

    const missing = station(['recorder', 'rules', 'set', join(work, 'absent.json'), '--reason', '新增'], admin());
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('absent.json');
  });
});
