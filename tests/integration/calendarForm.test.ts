// Entering next year's State Council arrangement by form (issue 14 item 19), over the api and the
// real `station` command: checked for consistency, stored, ledgered with before and after, and the
// station counts working days with it at once; from 1 November a missing next year is warned of.
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../electron/core/clock.ts';
import { createTestStation, type TestStation } from '../support/testStation.ts';
import { station as cli } from '../support/cli.ts';
import { queryLedger } from '../../electron/core/ledger/query.ts';

let t: TestStation;
afterEach(() => t?.cleanup());

// An arrangement for 2027 made up for the test, shaped like a real notice; not the State Council's.
const FORM_2027 = {
  year: 2027,
  noticeNumber: '国办发明电〔2026〕9号',
  noticeDate: '2026-11-06',
  holidays: [
    { holiday: 'newYear' as const, from: '2027-01-01', to: '2027-01-03', workdays: [] },
    { holiday: 'springFestival' as const, from: '2027-02-05', to: '2027-02-13', workdays: ['2027-02-14', '2027-02-20'] },
    { holiday: 'qingming' as const, from: '2027-04-03', to: '2027-04-05', workdays: [] },
    { holiday: 'labourDay' as const, from: '2027-05-01', to: '2027-05-05', workdays: ['2027-04-25'] },
    { holiday: 'dragonBoat' as const, from: '2027-06-12', to: '2027-06-14', workdays: [] },
    { holiday: 'midAutumn' as const, from: '2027-09-15', to: '2027-09-17', workdays: [] },
    { holiday: 'nationalDay' as const, from: '2027-10-01', to: '2027-10-07', workdays: ['2027-09-26', '2027-10-09'] },
  ],
};

describe('calendar year form', () => {
  it('an admin enters 2027 by form; it is ledgered and used at once; the warning runs from 1 November until then', async () => {
    t = await createTestStation({ clock: new ManualClock('2026-10-31T15:55:00Z') });
    const clerk = await t.addUser('clerk1', ['clerk'], 'clerk-pass');
    // 10-31 23:55 in Beijing: not yet; ten minutes later it is 1 November there.
    expect(await clerk.invoke('calendar.nextYear', {})).toEqual({ today: '2026-10-31', year: 2027, covered: false, warn: false, warnFrom: '2026-11-01' });
    t.clock.advance(10 * 60_000);
    expect(await clerk.invoke('calendar.nextYear', {})).toMatchObject({ today: '2026-11-01', warn: true });
    await expect(clerk.invoke('calendar.day', { date: '2027-02-10' })).rejects.toMatchObject({ code: 'calendar.year_not_covered' });

    await expect(clerk.invoke('calendar.putYear', { ...FORM_2027, reason: '国务院办公厅通知已发布' })).rejects.toMatchObject({ code: 'auth.forbidden' });
    const saved = await t.admin.invoke('calendar.putYear', { ...FORM_2027, reason: '国务院办公厅通知已发布' });
    expect(saved).toMatchObject({ kind: 'put_year', year: 2027, editedBy: 'admin' });
    expect(saved.calendarYear.sources[0]).toMatchObject({ documentNumber: '国办发明电〔2026〕9号', issued: '2026-11-06', title: '国务院办公厅关于2027年部分节假日安排的通知' });
    const entry = queryLedger(t.station.db, { action: 'calendar.edited', limit: 10, order: 'asc' }).entries.at(-1)!;
    expect(entry).toMatchObject({ seq: saved.ledgerSeq, actor: 'admin', subject: 'calendar:2027', details: { kind: 'put_year', before: null, reason: '国务院办公厅通知已发布' } });
    expect((entry.details.after as { periods: unknown[] }).periods).toHaveLength(7);

    expect(await clerk.invoke('calendar.day', { date: '2027-02-10' })).toMatchObject({ kind: 'holiday', working: false });
    expect(await clerk.invoke('calendar.day', { date: '2027-02-20' })).toMatchObject({ kind: 'makeup_workday', working: true });
    expect(await clerk.invoke('calendar.nextYear', {})).toMatchObject({ covered: true, warn: false });
    // Two working days after the last day before the Spring Festival break skip the nine days off.
    const deadline = await clerk.invoke('calendar.deadline', { from: '2027-02-04T02:00:00Z', spec: { workingDays: 2 } });
    expect(deadline.deadline).toBe('2027-02-15T15:59:59.999Z');
  });

  it('an inconsistent form is refused with its reason and changes nothing', async () => {
    t = await createTestStation({ clock: new ManualClock('2026-11-20T02:00:00Z') });
    const before = queryLedger(t.station.db, { action: 'calendar.edited', limit: 10 }).entries.length;
    const reason = '国务院办公厅通知已发布';
    const bad = (change: Partial<typeof FORM_2027>) => t.admin.invoke('calendar.putYear', { ...FORM_2027, ...change, reason });
    await expect(bad({ noticeNumber: '国办发明电〔2025〕9号' })).rejects.toMatchObject({ code: 'calendar.form_notice_number_year' });
    await expect(bad({ holidays: FORM_2027.holidays.filter((h) => h.holiday !== 'dragonBoat') })).rejects.toMatchObject({ code: 'calendar.form_holiday_missing', params: { holiday: 'dragonBoat' } });
    await expect(bad({ holidays: FORM_2027.holidays.map((h) => (h.holiday === 'labourDay' ? { ...h, workdays: ['2027-04-26'] } : h)) })).rejects.toMatchObject({
      code: 'calendar.data_workday_not_weekend',
    });
    expect(queryLedger(t.station.db, { action: 'calendar.edited', limit: 10 }).entries).toHaveLength(before);
    expect((await t.admin.invoke('calendar.nextYear', {})).covered).toBe(false);
  });

  it('CLI: station calendar put-year with the holidays by their Chinese names; next-year says whether it is owed', async () => {
    t = await createTestStation({ clock: new ManualClock('2026-11-20T02:00:00Z') });
    t.station.close();
    const env = { STATION_DATA: t.dir, STATION_USER: 'admin', STATION_PASSWORD: 'admin-password-1' };
    const owed = cli(['calendar', 'next-year'], env);
    expect(owed.code).toBe(1);
    expect(owed.stdout).toContain('2027年的节假日安排尚未录入');
    const names: Record<string, string> = { newYear: '元旦', springFestival: '春节', qingming: '清明节', labourDay: '劳动节', dragonBoat: '端午节', midAutumn: '中秋节', nationalDay: '国庆节' };
    const holidayArgs = FORM_2027.holidays.flatMap((h) => ['--holiday', `${names[h.holiday]}:${h.from}..${h.to}${h.workdays.length ? `:${h.workdays.join(',')}` : ''}`]);
    const wrong = cli(['calendar', 'put-year', '2027', '--notice-number', FORM_2027.noticeNumber, '--notice-date', '2026-11-06', ...holidayArgs.slice(2), '--reason', '通知已发布', '--lang', 'en'], env);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('The 2027 arrangement lacks "New Year\'s Day" (1 missing in all).');
    const put = cli(['calendar', 'put-year', '2027', '--notice-number', FORM_2027.noticeNumber, '--notice-date', '2026-11-06', ...holidayArgs, '--reason', '通知已发布'], env);
    expect(put.code, put.stderr).toBe(0);
    expect(put.stdout).toContain('已保存2027年节假日安排：7 个节日，放假 33 天，调休上班 5 天');
    const now = cli(['calendar', 'next-year', '--lang', 'en'], env);
    expect(now.code).toBe(0);
    expect(now.stdout).toContain('The 2027 holiday arrangement is entered.');
    const badArg = cli(['calendar', 'put-year', '2027', '--holiday', '春节 2027-02-05', '--reason', 'x y'], env);
    expect(badArg.code).toBe(2);
    expect(badArg.stderr).toContain('无法识别 --holiday');
  });
});
