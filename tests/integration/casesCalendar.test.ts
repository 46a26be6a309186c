// The working-day calendar through the api: deadlines on the published arrangements, a year the
// calendar does not cover is a clear error (never a guess), an administrator's edit is validated,
// ledgered with before and after, kept in the database across restarts; and the ingest hand-over
// deadline counts 春节 on it. (The arithmetic itself: electron/core/calendar/workingDays.test.ts.)
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../electron/core/clock.ts';
import { queryLedger } from '../../electron/core/ledger/query.ts';
import { createTestStation, type TestStation } from '../support/testStation.ts';
import { ingestFixtures } from '../support/caseFixtures.ts';

let t: TestStation;
afterEach(() => t?.cleanup());

const YEAR_2030 = {
  year: 2030,
  sources: [{ issuer: '国务院办公厅', title: '国务院办公厅关于2030年部分节假日安排的通知（测试用）', documentNumber: '测试〔2029〕1号', issued: '2029-11-01' }],
  periods: [{ nameZh: '元旦', nameEn: "New Year's Day", days: 1, off: ['2030-01-01'], workdays: [] }],
};

const edits = () => queryLedger(t.station.db, { action: 'calendar.edited', limit: 100, order: 'asc' }).entries;

describe('calendar through the api', () => {
  it('computes deadlines on the shipped arrangement, and refuses a year it does not cover', async () => {
    t = await createTestStation();
    // Monday 2025-01-27, the last working day before 春节: two working days later is Thursday 2025-02-06.
    const { deadline } = await t.admin.invoke('calendar.deadline', { from: '2025-01-27T02:00:00Z', spec: { workingDays: 2 } });
    expect(deadline).toBe('2025-02-06T15:59:59.999Z');
    expect(await t.admin.invoke('calendar.day', { date: '2025-01-26' })).toMatchObject({ kind: 'makeup_workday', working: true });
    await expect(t.admin.invoke('calendar.deadline', { from: '2030-03-01T02:00:00Z', spec: { workingDays: 2 } })).rejects.toMatchObject({
      code: 'calendar.year_not_covered',
      kind: 'input',
      params: { year: 2030 },
    });
    // A deadline in hours needs no holiday data.
    expect((await t.admin.invoke('calendar.deadline', { from: '2030-03-01T02:00:00Z', spec: { hours: 24 } })).deadline).toBe('2030-03-02T02:00:00.000Z');
  });

  it('an administrator adds a year: validated, ledgered with before and after, kept across restarts, removable', async () => {
    t = await createTestStation();
    const clerk = await t.addUser('clerk', ['clerk']);
    await expect(clerk.invoke('calendar.edit', { kind: 'put_year', year: YEAR_2030, reason: '补充2030年' })).rejects.toMatchObject({ code: 'auth.forbidden' });
    // A make-up working day on a Wednesday is a transcription error: refused, nothing recorded.
    const bad = { ...YEAR_2030, periods: [{ ...YEAR_2030.periods[0]!, workdays: ['2030-01-02'] }] };
    await expect(t.admin.invoke('calendar.edit', { kind: 'put_year', year: bad, reason: '补充2030年' })).rejects.toMatchObject({ code: 'calendar.data_workday_not_weekend' });
    await expect(t.admin.invoke('calendar.edit', { kind: 'put_year', year: YEAR_2030, reason: ' ' })).rejects.toMatchObject({ code: 'api.invalid_input' });
    expect(edits()).toEqual([]);

    const record = await t.admin.invoke('calendar.edit', { kind: 'put_year', year: YEAR_2030, reason: '依据国务院办公厅通知补充2030年' });
    expect(record).toMatchObject({ kind: 'put_year', year: 2030, editedBy: 'admin' });
    expect(edits()).toEqual([expect.objectContaining({ actor: 'admin', subject: 'calendar:2030', details: expect.objectContaining({ before: null, after: expect.objectContaining({ year: 2030 }) }) })]);
    // Monday 2030-01-07: two working days later is Wednesday 2030-01-09.
    const { deadline } = await t.admin.invoke('calendar.deadline', { from: '2030-01-07T02:00:00Z', spec: { workingDays: 2 } });
    expect(deadline).toBe('2030-01-09T15:59:59.999Z');
    expect((await t.admin.invoke('calendar.show', {})).years.find((y) => y.year === 2030)).toEqual({ year: 2030, origin: 'edited' });

    await t.reopen();
    expect((await t.admin.invoke('calendar.show', { year: 2030 })).year).toMatchObject({ year: 2030, origin: 'edited' });
    expect((await t.admin.invoke('calendar.deadline', { from: '2030-01-07T02:00:00Z', spec: { workingDays: 2 } })).deadline).toBe(deadline);

    await t.admin.invoke('calendar.edit', { kind: 'remove_year', year: 2030, reason: '撤回测试数据' });
    await expect(t.admin.invoke('calendar.deadline', { from: '2030-01-07T02:00:00Z', spec: { workingDays: 2 } })).rejects.toMatchObject({ code: 'calendar.year_not_covered' });
    expect(edits().map((e) => e.details.kind)).toEqual(['put_year', 'remove_year']);
  });

  it('the ingest hand-over deadline in working days counts the 春节 days off', async () => {
    // Handed over Thursday 2025-02-06: on time by the holiday calendar (weekends alone would say late).
    t = await createTestStation({ clock: new ManualClock('2025-02-06T03:00:00Z') });
    const custodian = await t.addUser('cus', ['custodian']);
    await t.admin.invoke('ingest.setSettings', { handoverDeadline: { workingDays: 2 } });
    const [id] = await ingestFixtures(custodian, [{ local: '2025-01-27T15:00:00' }]);
    const { recording } = await custodian.invoke('recording.get', { id: id! });
    expect(recording.handover).toMatchObject({ deadline: '2025-02-06T15:59:59.999Z', late: false });
  });
});
