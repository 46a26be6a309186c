// The monthly supervision report (002 第二十六条): its recording figures equal the totals of
// `recordings list` with the filter each column names (issue #14 item 4), and its events (decisions,
// destructions) counts derived here, independently, from the ledger table with plain SQL; months in
// Beijing time (month bounds written out as UTC instants by hand).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStation, ADMIN_PASSWORD, type TestStation } from '../support/testStation.ts';
import { ingestFixtures } from '../support/caseFixtures.ts';
import { station as cli } from '../support/cli.ts';
import type { ApiClient } from '../../electron/api/server.ts';
import type { ReportRow } from '../../electron/api/index.ts';
import { COLUMN_FILTERS } from '../../electron/core/reports/monthly.ts';

let t: TestStation;
let custodian: ApiClient;
let clerk: ApiClient;
let head: ApiClient;
let deputy: ApiClient;
let auditor: ApiClient;
let ids: string[];

const JAN_2026 = { from: '2025-12-31T16:00:00.000Z', to: '2026-01-31T16:00:00.000Z' };
const FEB_2028 = { from: '2028-01-31T16:00:00.000Z', to: '2028-02-29T16:00:00.000Z' };

async function signIn(): Promise<void> {
  custodian = await t.login('cus', 'cus-password-1');
  clerk = await t.login('clerk', 'clerk-password-1');
  head = await t.login('head', 'head-password-1');
  deputy = await t.login('deputy', 'deputy-password-1');
  auditor = await t.login('aud', 'aud-password-1');
}

beforeAll(async () => {
  t = await createTestStation(); // 2026-01-05 10:00 Beijing
  for (const [name, roles] of [
    ['cus', ['custodian']],
    ['clerk', ['clerk']],
    ['head', ['approver']],
    ['deputy', ['approver']],
    ['aud', ['auditor']],
  ] as const) {
    await t.addUser(name, [...roles], `${name}-password-1`);
  }
  await signIn();
  await custodian.invoke('officer.add', { badge: '010203', name: '张警官' });
  await custodian.invoke('officer.add', { badge: '040506', name: '李警官' });
  ids = await ingestFixtures(custodian, [
    { local: '2026-01-05T08:00:00', officer: '010203', serial: '1234567' }, // on time
    { local: '2026-01-05T08:00:30', officer: '010203', serial: '1234567' }, // on time; right after the previous segment
    { local: '2026-01-02T09:00:00', officer: '010203', serial: '1234567' }, // late
    { local: '2026-01-01T09:00:00', officer: '040506', serial: '7654321' }, // late
    { local: '2026-01-05T09:00:00', officer: '040506', serial: '7654321' }, // on time
    { local: '2026-01-03T09:00:00', officer: '070809', serial: '1234567' }, // late, officer not registered
    { local: '2026-01-03T09:00:00', officer: '070809', serial: '1234567', nameSuffix: '_COPY', fill: 6 }, // duplicate of the previous: not a hand-over
  ]);
  // A segment handed over later that ends 1 s before ids[1] starts: ids[1] was no interruption after
  // all, and the station withdraws its flag (recording.unflagged); this one follows ids[0] by 9 s.
  ids.push(...(await ingestFixtures(custodian, [{ local: '2026-01-05T08:00:19', officer: '010203', serial: '1234567', sequence: 9, fill: 9 }])));
  // Explanations, requests approved and denied, one classified request needing two approvals.
  await custodian.invoke('recording.explain', { id: ids[2]!, kind: 'late_handover', text: '外出执法，次日返回' });
  await custodian.invoke('recording.explain', { id: ids[3]!, kind: 'late_handover', text: '元旦假期' });
  // A second explanation of the same recording: one recording explained, not two.
  await custodian.invoke('recording.explain', { id: ids[3]!, kind: 'late_handover', text: '补充：元旦假期后首个工作日移交' });
  await custodian.invoke('recording.classify', { recordingId: ids[4]!, classification: 'privacy', note: '涉及个人隐私' });
  const r1 = await clerk.invoke('request.create', { kind: 'view', recordingIds: [ids[0]!, ids[3]!], purpose: '案件审查' });
  await head.invoke('request.approve', { id: r1.id, password: 'head-password-1' });
  const r2 = await clerk.invoke('request.create', { kind: 'copy', recordingIds: [ids[4]!], purpose: '复制给复议机关' });
  await head.invoke('request.approve', { id: r2.id, password: 'head-password-1' });
  await deputy.invoke('request.approve', { id: r2.id, password: 'deputy-password-1' });
  const r3 = await clerk.invoke('request.create', { kind: 'copy', recordingIds: [ids[5]!], purpose: '私人用途' });
  await head.invoke('request.deny', { id: r3.id, password: 'head-password-1', reason: '事由不充分' });
  // The agency keeps recordings 2 years (004 第十九条); in February 2028 destroy what is due.
  await t.admin.invoke('retention.setSettings', { retentionDefault: { years: 2 } });
  t.clock.set('2028-02-10T02:00:00Z');
  await signIn();
  const batch = await custodian.invoke('destroy.propose', { recordingIds: [ids[0]!, ids[3]!, ids[5]!], reason: '到期集中销毁' });
  await head.invoke('destroy.approve', { id: batch.id, password: 'head-password-1' });
  await custodian.invoke('destroy.execute', { id: batch.id });
}, 60_000);

afterAll(() => t?.cleanup());

type Counts = Map<string | null, number>;

/** Counts from the ledger alone: entries of `action` in the range, grouped by the ingest entry's officer or recorder. */
function fromLedger(group: 'officer' | 'recorder', range: { from: string; to: string }, action: string, extra = ''): Counts {
  const rows = t.station.db
    .prepare(
      `SELECT json_extract(i.details, '$.${group}') AS k, COUNT(*) AS n
       FROM ledger e JOIN ledger i ON i.subject = e.subject AND i.action = 'recording.ingested'
       WHERE e.action = ? AND e.time >= ? AND e.time < ? ${extra} GROUP BY k`,
    )
    .all(action, range.from, range.to) as { k: string | null; n: number }[];
  return new Map(rows.map((r) => [r.k, r.n]));
}

/** Request decisions: one per request per officer/recorder among its recordings. */
function requestsFromLedger(group: 'officer' | 'recorder', range: { from: string; to: string }, action: string, extra = ''): Counts {
  const rows = t.station.db
    .prepare(
      `SELECT k, COUNT(*) AS n FROM (
         SELECT DISTINCT e.seq, json_extract(i.details, '$.${group}') AS k
         FROM ledger e, json_each(e.details, '$.recordings') r JOIN ledger i ON i.subject = 'recording:' || r.value AND i.action = 'recording.ingested'
         WHERE e.action = ? AND e.time >= ? AND e.time < ? ${extra})
       GROUP BY k`,
    )
    .all(action, range.from, range.to) as { k: string | null; n: number }[];
  return new Map(rows.map((r) => [r.k, r.n]));
}

function column(rows: ReportRow[], group: 'officer' | 'recorder', field: keyof ReportRow): Counts {
  return new Map(rows.filter((r) => r.group === group && (r[field] as number) > 0).map((r) => [r.key, r[field] as number]));
}

describe('monthly supervision report', () => {
  it('January 2026: every recording figure is the total of `recordings list` with its filter; decisions equal the ledger', async () => {
    const report = await auditor.invoke('report.monthly', { month: '2026-01' });
    expect(report).toMatchObject({ from: JAN_2026.from, to: JAN_2026.to, timeZone: 'Asia/Shanghai' });
    expect(report.recordingFilter).toEqual({ storedFrom: JAN_2026.from, storedTo: JAN_2026.to, includeDuplicates: false });
    const listed = async (filter: Record<string, unknown>) => (await auditor.invoke('recording.list', { ...report.recordingFilter, ...filter, limit: 1 } as never)).total;
    for (const [column, narrower] of Object.entries(COLUMN_FILTERS)) {
      const field = column as keyof ReportRow;
      expect(report.rows.find((r) => r.group === 'total')![field], `total ${column}`).toBe(await listed(narrower));
      for (const row of report.rows.filter((r) => r.group !== 'total' && r.key !== null)) {
        expect(row[field], `${row.group} ${row.key} ${column}`).toBe(await listed({ ...narrower, [row.group]: row.key }));
      }
    }
    for (const g of ['officer', 'recorder'] as const) {
      expect(column(report.rows, g, 'requestsApproved')).toEqual(requestsFromLedger(g, JAN_2026, 'request.approved', "AND json_extract(e.details, '$.complete') = 1"));
      expect(column(report.rows, g, 'requestsDenied')).toEqual(requestsFromLedger(g, JAN_2026, 'request.denied'));
      expect(column(report.rows, g, 'destructions')).toEqual(new Map());
    }
    // The figures the fixtures were built to give, so the comparison is not vacuous: the withdrawn
    // interruption is not counted (the ledger still names two: at ingest, or flagged when the segment before it was
    // catalogued after it — a session catalogues its files as their read-back ends, not in name order), and the
    // recording explained twice counts once.
    const ledgerInterruptions = t.station.db
      .prepare(
        "SELECT count(*) AS n FROM ledger WHERE (action = 'recording.ingested' AND json_extract(details, '$.interruption') IS NOT NULL) OR (action = 'recording.flagged' AND json_extract(details, '$.flag') = 'interruption')",
      )
      .get() as { n: number };
    expect(ledgerInterruptions.n).toBe(2);
    const total = report.rows.find((r) => r.group === 'total')!;
    expect(total).toMatchObject({ recordings: 7, late: 3, onTime: 4, interruptions: 1, lateExplanations: 2, requestsApproved: 2, requestsDenied: 1 });
    expect(total.timelinessRate).toBeCloseTo(4 / 7);
    const zhang = report.rows.find((r) => r.group === 'officer' && r.key === '010203')!;
    expect(zhang).toMatchObject({ name: '张警官', recordings: 4, late: 1, onTime: 3, interruptions: 1, requestsApproved: 1 });
    expect(zhang.timelinessRate).toBeCloseTo(3 / 4);
    // The unregistered officer has a row under their badge, without a name.
    expect(report.rows.find((r) => r.group === 'officer' && r.key === '070809')).toMatchObject({ name: null, recordings: 1, requestsDenied: 1 });
  });

  it('February 2028: destructions per officer and recorder equal the ledger', async () => {
    const report = await auditor.invoke('report.monthly', { month: '2028-02' });
    for (const g of ['officer', 'recorder'] as const) {
      expect(column(report.rows, g, 'destructions')).toEqual(fromLedger(g, FEB_2028, 'recording.destroyed'));
      expect(column(report.rows, g, 'recordings')).toEqual(new Map());
    }
    expect(report.rows.find((r) => r.group === 'total')).toMatchObject({ destructions: 3 });
  });

  it('destroyed recordings are marked 已销毁 and can be filtered, in the api and the CLI (issue #14 item 5)', async () => {
    const destroyedIds = [ids[0]!, ids[3]!, ids[5]!].sort();
    const gone = await auditor.invoke('recording.list', { destroyed: true, limit: 100 });
    expect(gone.items.map((r) => r.id).sort()).toEqual(destroyedIds);
    for (const r of gone.items) {
      expect(r.flags).toContain('destroyed');
      expect(r.destroyed).toMatchObject({ by: 'cus' });
      expect(r.destroyed!.batchId).toMatch(/\S/);
    }
    const kept = await auditor.invoke('recording.list', { destroyed: false, limit: 100 });
    expect(kept.items.some((r) => destroyedIds.includes(r.id))).toBe(false);
    expect(kept.items.every((r) => r.destroyed === null && !r.flags.includes('destroyed'))).toBe(true);
    expect(kept.total + gone.total).toBe((await auditor.invoke('recording.list', { limit: 1 })).total);
    expect((await auditor.invoke('recording.get', { id: ids[3]! })).recording.destroyed).toEqual(gone.items.find((r) => r.id === ids[3])!.destroyed);

    const env = { STATION_DATA: t.dir, STATION_USER: 'admin', STATION_PASSWORD: ADMIN_PASSWORD };
    const list = cli(['recordings', 'list', '--destroyed'], env);
    expect(list.code, list.stderr).toBe(0);
    for (const id of destroyedIds) expect(list.stdout).toContain(id);
    expect(list.stdout).toContain('已销毁');
    expect(cli(['recordings', 'list', '--not-destroyed'], env).stdout).not.toContain('已销毁');
    const show = cli(['recordings', 'show', ids[3]!], env);
    expect(show.stdout.split('\n')[0]).toMatch(/^【已销毁】/);
  });

  it('exports CSV and printable HTML; bad months are clear errors', async () => {
    const headers = ['组', '编号', '名称', '音像', '按时', '逾期', '未知', '及时率', '逾期说明', '中止', '中止说明', '批准', '驳回', '光盘', '销毁'];
    const { csv } = await auditor.invoke('report.csv', { month: '2026-01', headers, groupLabels: { total: '合计', officer: '执法人员', recorder: '记录设备' } });
    const lines = csv.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    expect(lines[0]).toBe(headers.join(','));
    expect(lines[1]).toMatch(/^合计,,,7,4,3,0,0\.5714,2,/);
    const { html } = await auditor.invoke('report.html', { month: '2026-01' });
    expect(html).toContain('监督月报');
    expect(html).toContain('张警官');
    await expect(auditor.invoke('report.monthly', { month: '2026-13' })).rejects.toMatchObject({ code: 'api.invalid_input' });
    await expect(clerk.invoke('report.monthly', { month: '2026-01' })).rejects.toMatchObject({ code: 'auth.forbidden' });
  });

  it('the CLI prints the same figures as JSON and as CSV', () => {
    const env = { STATION_DATA: t.dir, STATION_USER: 'admin', STATION_PASSWORD: ADMIN_PASSWORD, STATION_LANG: 'en' };
    const json = cli(['report', 'monthly', '--month', '2026-01', '--json'], env);
    expect(json.code, json.stderr).toBe(0);
    expect((JSON.parse(json.stdout) as { rows: ReportRow[] }).rows[0]).toMatchObject({ group: 'total', recordings: 7 });
    const csv = cli(['report', 'monthly', '--month', '2026-01', '--csv'], env);
    expect(csv.code, csv.stderr).toBe(0);
    expect(csv.stdout).toContain('Total,,,7,4,3');
  });
});
