// One extension path, with its term, at the command line as in the app (issue #14 item 6):
// `request create --kind extend` made a request no command could ever apply. Now `retention extend`
// asks with the date, an approver approves it like any request, `retention apply` makes it effective
// (长期保存, 004_5e30f22f36db076d.txt 第十九条).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStation, type TestStation } from '../support/testStation.ts';
import { ingestFixtures } from '../support/caseFixtures.ts';
import { station as cli } from '../support/cli.ts';

let t: TestStation;
let ids: string[];
const as = (user: string) => ({ STATION_DATA: t.dir, STATION_USER: user, STATION_PASSWORD: `${user}-password` });

beforeAll(async () => {
  t = await createTestStation();
  const custodian = await t.addUser('cus', ['custodian']);
  await t.addUser('li', ['clerk']);
  await t.addUser('wang', ['approver']);
  ids = await ingestFixtures(custodian, [{ local: '2026-01-05T08:00:00' }, { local: '2026-01-05T09:00:00' }]);
}, 60_000);
afterAll(() => t?.cleanup());

describe('extensions at the command line', () => {
  it('refuses a term-less extend request and says which command to use', async () => {
    const r = cli(['request', 'create', '--kind', 'extend', '--recordings', ids[0]!, '--purpose', '涉诉案件需长期保存'], as('li'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('station retention extend');
    const li = await t.login('li', 'li-password');
    await expect(li.invoke('request.create', { kind: 'extend' as never, recordingIds: [ids[0]!], purpose: '涉诉案件需长期保存' })).rejects.toMatchObject({ code: 'api.invalid_input' });
    expect(t.station.db.prepare("SELECT count(*) AS n FROM requests WHERE kind = 'extend'").get()).toEqual({ n: 0 });
  });

  it('asks with the date, is approved, and is applied: the retention moves to that date', () => {
    const asked = cli(['retention', 'extend', '--recordings', ids.join(','), '--until', '2040-12-31', '--purpose', '涉诉案件需长期保存', '--json'], as('li'));
    expect(asked.code, asked.stderr).toBe(0);
    const x = JSON.parse(asked.stdout) as { request: { id: string; kind: string }; terms: { untilDate: string }[] };
    expect(x.request.kind).toBe('extend');
    expect(x.terms.map((term) => term.untilDate)).toEqual(['2040-12-31', '2040-12-31']);
    expect(cli(['retention', 'extend', '--recordings', ids[0]!, '--until', '2040-12-31', '--purpose', '涉诉案件需长期保存'], as('li')).stdout).toContain('station retention apply');

    // Not before an approver decides.
    expect(cli(['retention', 'apply', x.request.id], as('li')).code).not.toBe(0);
    const approved = cli(['request', 'approve', x.request.id], as('wang'));
    expect(approved.code, approved.stderr).toBe(0);
    const applied = cli(['retention', 'apply', x.request.id], as('li'));
    expect(applied.code, applied.stderr).toBe(0);

    const status = JSON.parse(cli(['retention', 'show', ids.join(','), '--json'], as('li')).stdout) as { untilDate: string | null }[];
    expect(status.map((s) => s.untilDate)).toEqual(['2040-12-31', '2040-12-31']);
    const extended = t.station.db.prepare("SELECT count(*) AS n FROM ledger WHERE action = 'retention.extended'").get() as { n: number };
    expect(extended.n).toBe(2);
  });
});
