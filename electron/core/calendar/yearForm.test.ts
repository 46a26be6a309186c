// The year form (issue 14 item 19): the three shipped years, typed into the form as a clerk would from
// the State Council notice, give back the very same days off and make-up days; inconsistent forms are
// refused with the reason.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HOLIDAYS, nextYearDue, yearFromForm, type HolidayKey, type YearForm } from './yearForm.ts';
import type { CalendarYear } from './calendarData.ts';

const shipped = (year: number) => JSON.parse(readFileSync(new URL(`../../../resources/calendars/cn-${year}.json`, import.meta.url), 'utf8')) as CalendarYear;

function formOf(data: CalendarYear): YearForm {
  const key = (nameEn: string) => (Object.entries(HOLIDAYS).find(([, v]) => v.nameEn === nameEn)![0] as HolidayKey);
  return {
    year: data.year,
    noticeNumber: data.sources[0]!.documentNumber,
    noticeDate: data.sources[0]!.issued,
    holidays: data.periods.map((p) => ({ holiday: key(p.nameEn), from: p.off[0]!, to: p.off.at(-1)!, workdays: [...p.workdays] })),
  };
}

describe('year form', () => {
  it.each([2024, 2025, 2026])('the shipped %i, entered by form, gives the same days off and make-up days', (year) => {
    const data = shipped(year);
    const built = yearFromForm(formOf(data));
    expect(built.periods.map((p) => [p.nameZh, p.off, p.workdays])).toEqual(data.periods.map((p) => [p.nameZh, p.off, p.workdays]));
    expect(built.sources[0]).toMatchObject({ issuer: '国务院办公厅', documentNumber: data.sources[0]!.documentNumber, issued: data.sources[0]!.issued, title: `国务院办公厅关于${year}年部分节假日安排的通知` });
  });

  it('refuses an inconsistent form, saying what is wrong', () => {
    const good = formOf(shipped(2026));
    const refused = (change: (f: YearForm) => void) => {
      const f = structuredClone(good);
      change(f);
      try {
        yearFromForm(f);
      } catch (e) {
        return { code: (e as { code: string }).code, params: (e as { params: unknown }).params };
      }
      return null;
    };
    expect(refused(() => undefined)).toBeNull();
    expect(refused((f) => (f.noticeNumber = ' '))).toMatchObject({ code: 'calendar.form_notice_number_required' });
    expect(refused((f) => (f.noticeDate = '2024-11-04'))).toMatchObject({ code: 'calendar.form_notice_date_year' });
    expect(refused((f) => (f.noticeNumber = '国办发明电〔2024〕7号'))).toMatchObject({ code: 'calendar.form_notice_number_year', params: { numbered: 2024 } });
    expect(refused((f) => f.holidays.splice(2, 1))).toMatchObject({ code: 'calendar.form_holiday_missing', params: { holiday: 'qingming', missing: 1 } });
    expect(refused((f) => f.holidays.push({ ...f.holidays[0]! }))).toMatchObject({ code: 'calendar.form_holiday_twice', params: { holiday: 'newYear' } });
    expect(refused((f) => Object.assign(f.holidays[1]!, { from: '2026-02-23', to: '2026-02-15' }))).toMatchObject({ code: 'calendar.form_range_reversed' });
    // A make-up day typed into the wrong holiday's row: months away from it.
    expect(refused((f) => f.holidays[0]!.workdays.push('2026-05-09'))).toMatchObject({ code: 'calendar.form_workday_far', params: { holiday: 'newYear', date: '2026-05-09' } });
    // The checks every year gets: a weekday make-up day, a day both off and worked, a date outside the year.
    expect(refused((f) => (f.holidays[1]!.workdays = ['2026-02-24']))).toMatchObject({ code: 'calendar.data_workday_not_weekend' });
    expect(refused((f) => (f.holidays[1]!.workdays = ['2026-02-15']))).toMatchObject({ code: 'calendar.data_conflict' });
    expect(refused((f) => (f.holidays[0]!.from = '2025-12-31'))).toMatchObject({ code: 'calendar.data_wrong_year' });
    expect(refused((f) => Object.assign(f.holidays[2]!, { from: '2026-02-20', to: '2026-02-21' }))).toMatchObject({ code: 'calendar.data_duplicate_date' });
    // Mid-autumn and national day are one item or two, never both ways at once.
    expect(refused((f) => (f.holidays[5]!.holiday = 'midAutumnNationalDay'))).toMatchObject({ code: 'calendar.form_holiday_twice', params: { holiday: 'midAutumnNationalDay' } });
    expect(refused((f) => f.holidays.splice(5, 2, { holiday: 'midAutumnNationalDay', from: '2026-09-25', to: '2026-10-07', workdays: ['2026-09-20', '2026-10-10'] }))).toBeNull();
  });

  it('warns from 1 November while next year is missing, not before, not once it is there', () => {
    const none = () => false;
    expect(nextYearDue('2026-10-31', none)).toEqual({ year: 2027, covered: false, warn: false, warnFrom: '2026-11-01' });
    expect(nextYearDue('2026-11-01', none)).toMatchObject({ year: 2027, warn: true });
    expect(nextYearDue('2026-12-31', none)).toMatchObject({ warn: true });
    expect(nextYearDue('2026-12-07', (y) => y === 2027)).toMatchObject({ covered: true, warn: false });
  });
});
