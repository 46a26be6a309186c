// Working-day arithmetic against the published arrangements (resources/calendars/cn-<year>.json):
// 国办发明电〔2024〕12号 for 2025 and 国办发明电〔2025〕7号 for 2026, around 春节 and 国庆.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { StationError } from '../errors.ts';
import { loadCalendarDir } from './loader.ts';
import { addDays } from './localDate.ts';
import { WorkingDayCalendar, endOfLocalDay, localDateAt } from './workingDays.ts';

const calendarDir = fileURLToPath(new URL('../../../resources/calendars/', import.meta.url));
const cal = new WorkingDayCalendar(loadCalendarDir(calendarDir));

function thrown(fn: () => unknown): StationError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(StationError);
    return e as StationError;
  }
  throw new Error('expected a StationError');
}

function datesOf(year: number): string[] {
  const out: string[] = [];
  for (let d = `${year}-01-01`; d.startsWith(String(year)); d = addDays(d, 1)) out.push(d);
  return out;
}

describe('bundled calendar', () => {
  it('covers exactly 2024, 2025 and 2026', () => {
    expect(cal.coveredYears()).toEqual([2024, 2025, 2026]);
  });

  it.each([
    // year, working days (365/366 - weekend days - weekdays off + make-up days, counted by hand)
    [2024, 366 - 104 - 19 + 8],
    [2025, 365 - 104 - 18 + 5],
    [2026, 365 - 104 - 19 + 6],
  ])('%i has %i working days', (year, expected) => {
    expect(datesOf(year).filter((d) => cal.isWorkingDay(d)).length).toBe(expected);
  });

  it.each([2025, 2026])('%i never has more than 6 working days in a row (放假办法第七条 since 2025)', (year) => {
    let run = 0;
    let longest = 0;
    for (const d of datesOf(year)) {
      run = cal.isWorkingDay(d) ? run + 1 : 0;
      longest = Math.max(longest, run);
    }
    expect(longest).toBeLessThanOrEqual(6);
  });
});

describe('2025 春节: 1/28-2/4 off, Sunday 1/26 and Saturday 2/8 working', () => {
  it.each([
    ['2025-01-24', true, 'workday'], // Friday
    ['2025-01-25', false, 'weekend'], // Saturday
    ['2025-01-26', true, 'makeup_workday'], // Sunday worked
    ['2025-01-27', true, 'workday'],
    ['2025-01-28', false, 'holiday'], // 除夕
    ['2025-01-29', false, 'holiday'], // 正月初一
    ['2025-02-03', false, 'holiday'], // a Monday inside the holiday
    ['2025-02-04', false, 'holiday'], // 正月初七
    ['2025-02-05', true, 'workday'],
    ['2025-02-08', true, 'makeup_workday'], // Saturday worked
    ['2025-02-09', false, 'weekend'],
  ] as const)('%s working=%s (%s)', (date, working, kind) => {
    expect(cal.isWorkingDay(date)).toBe(working);
    expect(cal.dayInfo(date).kind).toBe(kind);
  });

  it('names the period a day belongs to', () => {
    expect(cal.dayInfo('2025-01-26').period).toEqual({ nameZh: '春节', nameEn: 'Spring Festival' });
    expect(cal.dayInfo('2025-01-30').period).toEqual({ nameZh: '春节', nameEn: 'Spring Festival' });
    expect(cal.dayInfo('2025-01-25').period).toBeNull();
  });

  it('2 working days after Monday 1/27 is Thursday 2/6: the holiday does not count', () => {
    expect(cal.addWorkingDays('2025-01-27', 1)).toBe('2025-02-05');
    expect(cal.addWorkingDays('2025-01-27', 2)).toBe('2025-02-06');
  });

  it('counts the make-up Sunday and Saturday', () => {
    expect(cal.addWorkingDays('2025-01-24', 1)).toBe('2025-01-26');
    expect(cal.addWorkingDays('2025-01-24', 2)).toBe('2025-01-27');
    expect(cal.addWorkingDays('2025-02-06', 2)).toBe('2025-02-08');
    expect(cal.addWorkingDays('2025-02-07', 2)).toBe('2025-02-10');
  });

  it('starts from the next day even when the start day is a day off', () => {
    expect(cal.addWorkingDays('2025-01-30', 1)).toBe('2025-02-05');
    expect(cal.addWorkingDays('2025-01-25', 1)).toBe('2025-01-26');
  });

  it('n = 0 is the day itself', () => {
    expect(cal.addWorkingDays('2025-01-30', 0)).toBe('2025-01-30');
  });
});

describe('2025 国庆节、中秋节: 10/1-10/8 off, Sunday 9/28 and Saturday 10/11 working', () => {
  it.each([
    ['2025-09-27', false],
    ['2025-09-28', true],
    ['2025-09-30', true],
    ['2025-10-01', false],
    ['2025-10-06', false], // 中秋 falls inside, merged into 8 days
    ['2025-10-08', false],
    ['2025-10-09', true],
    ['2025-10-11', true],
    ['2025-10-12', false],
  ] as const)('%s working=%s', (date, working) => {
    expect(cal.isWorkingDay(date)).toBe(working);
  });

  it('20 working days after Friday 9/19 is Thursday 10/23', () => {
    // 9/22-26 (5), 9/28 (6), 9/29-30 (8), 10/9-11 (11), 10/13-17 (16), 10/20-23 (20)
    expect(cal.addWorkingDays('2025-09-19', 20)).toBe('2025-10-23');
  });

  it('counts working days between dates as (a, b]', () => {
    expect(cal.workingDaysBetween('2025-09-30', '2025-10-09')).toBe(1);
    expect(cal.workingDaysBetween('2025-09-26', '2025-10-11')).toBe(6);
    expect(cal.workingDaysBetween('2025-10-11', '2025-09-26')).toBe(-6);
    expect(cal.workingDaysBetween('2025-10-03', '2025-10-03')).toBe(0);
    expect(cal.workingDaysBetween('2025-09-19', '2025-10-23')).toBe(20);
  });
});

describe('2026 春节: 2/15-2/23 off (9 days), Saturdays 2/14 and 2/28 working', () => {
  it.each([
    ['2026-02-13', true],
    ['2026-02-14', true],
    ['2026-02-15', false],
    ['2026-02-16', false], // 除夕
    ['2026-02-23', false],
    ['2026-02-24', true],
    ['2026-02-28', true],
    ['2026-03-01', false],
  ] as const)('%s working=%s', (date, working) => {
    expect(cal.isWorkingDay(date)).toBe(working);
  });

  it('the working day after Saturday 2/14 is Tuesday 2/24', () => {
    expect(cal.addWorkingDays('2026-02-13', 1)).toBe('2026-02-14');
    expect(cal.addWorkingDays('2026-02-14', 1)).toBe('2026-02-24');
    expect(cal.addWorkingDays('2026-02-13', 2)).toBe('2026-02-24');
  });

  it('20 working days after Friday 2/13 is Thursday 3/19', () => {
    // 2/14 (1), 2/24-27 (5), 2/28 (6), 3/2-6 (11), 3/9-13 (16), 3/16-19 (20)
    expect(cal.addWorkingDays('2026-02-13', 20)).toBe('2026-03-19');
  });
});

describe('2026 中秋 9/25-27 and 国庆 10/1-7, Sunday 9/20 and Saturday 10/10 working', () => {
  it.each([
    ['2026-09-19', false],
    ['2026-09-20', true],
    ['2026-09-25', false],
    ['2026-09-28', true],
    ['2026-10-01', false],
    ['2026-10-07', false],
    ['2026-10-08', true],
    ['2026-10-10', true],
    ['2026-10-11', false],
  ] as const)('%s working=%s', (date, working) => {
    expect(cal.isWorkingDay(date)).toBe(working);
  });

  it('20 working days after Friday 9/18 is Thursday 10/22', () => {
    // 9/20 (1), 9/21-24 (5), 9/28-30 (8), 10/8-10 (11), 10/12-16 (16), 10/19-22 (20)
    expect(cal.addWorkingDays('2026-09-18', 20)).toBe('2026-10-22');
  });
});

describe('across years', () => {
  it('2026 元旦: from 2025-12-31 the next working day is Sunday 2026-01-04', () => {
    expect(cal.addWorkingDays('2025-12-31', 1)).toBe('2026-01-04');
    expect(cal.workingDaysBetween('2025-12-31', '2026-01-05')).toBe(2);
  });

  it('addWorkingDays and workingDaysBetween agree everywhere covered', () => {
    for (let d = '2024-01-01'; d < '2026-11-01'; d = addDays(d, 11)) {
      for (const n of [0, 1, 2, 5, 20]) expect(cal.workingDaysBetween(d, cal.addWorkingDays(d, n))).toBe(n);
    }
  });
});

describe('uncovered years: a clear error, never a guess', () => {
  it.each([
    () => cal.isWorkingDay('2027-03-01'),
    () => cal.dayInfo('2023-12-29'),
    () => cal.addWorkingDays('2023-12-29', 0),
    () => cal.workingDaysBetween('2026-06-01', '2027-01-04'),
  ])('%#', (fn) => {
    const e = thrown(fn);
    expect(e.code).toBe('calendar.year_not_covered');
    expect(e.kind).toBe('input');
  });

  it('names the year the arithmetic ran into', () => {
    expect(thrown(() => cal.addWorkingDays('2026-12-30', 2)).params).toEqual({ year: 2027 });
    expect(thrown(() => cal.isWorkingDay('2023-12-31')).params).toEqual({ year: 2023 });
    expect(thrown(() => cal.deadlineAfter(new Date('2027-03-01T02:00:00Z'), { workingDays: 2 })).params).toEqual({ year: 2027 });
  });

  it('the last covered day still works', () => {
    expect(cal.addWorkingDays('2026-12-30', 1)).toBe('2026-12-31');
  });
});

describe('input checks', () => {
  it.each(['2025-1-27', '2025-02-30', '20250127', '', '2025-13-01'])('refuses the date %j', (value) => {
    expect(thrown(() => cal.isWorkingDay(value)).code).toBe('calendar.invalid_date');
  });

  it.each([-1, 1.5, Number.NaN, 100_001])('refuses the working-day count %s', (n) => {
    expect(thrown(() => cal.addWorkingDays('2025-01-27', n)).code).toBe('calendar.invalid_amount');
  });
});

describe('deadlineAfter', () => {
  // 2025-01-27 09:00 in Shanghai
  const monday = new Date('2025-01-27T01:00:00Z');

  it('2 working days: the end of the second working day in the agency zone', () => {
    expect(cal.deadlineAfter(monday, { workingDays: 2 }, 'Asia/Shanghai').toISOString()).toBe('2025-02-06T15:59:59.999Z');
    // default zone is Asia/Shanghai
    expect(cal.deadlineAfter(monday, { workingDays: 2 }).toISOString()).toBe('2025-02-06T15:59:59.999Z');
  });

  it('uses the local day of the instant, not the UTC day', () => {
    // 2025-01-26 23:30 UTC is 2025-01-27 07:30 in Shanghai but still Sunday 1/26 (a make-up working day) in UTC
    const late = new Date('2025-01-26T23:30:00Z');
    expect(localDateAt(late, 'Asia/Shanghai')).toBe('2025-01-27');
    expect(localDateAt(late, 'UTC')).toBe('2025-01-26');
    expect(cal.deadlineAfter(late, { workingDays: 2 }, 'Asia/Shanghai').toISOString()).toBe('2025-02-06T15:59:59.999Z');
    expect(cal.deadlineAfter(late, { workingDays: 2 }, 'UTC').toISOString()).toBe('2025-02-05T23:59:59.999Z');
  });

  it('24 hours is exactly +24 h, holidays or not', () => {
    expect(cal.deadlineAfter(monday, { hours: 24 }).toISOString()).toBe('2025-01-28T01:00:00.000Z');
    expect(cal.deadlineAfter(new Date('2027-05-01T00:00:00Z'), { hours: 24 }).toISOString()).toBe('2027-05-02T00:00:00.000Z');
  });

  it('20 working days across 国庆 2025', () => {
    expect(cal.deadlineAfter(new Date('2025-09-19T08:00:00Z'), { workingDays: 20 }).toISOString()).toBe('2025-10-23T15:59:59.999Z');
  });

  it('calendar days end at the end of the n-th day; 0 is the same day', () => {
    expect(cal.deadlineAfter(new Date('2025-09-15T02:00:00Z'), { calendarDays: 30 }).toISOString()).toBe('2025-10-15T15:59:59.999Z');
    expect(cal.deadlineAfter(new Date('2025-09-15T02:00:00Z'), { calendarDays: 0 }).toISOString()).toBe('2025-09-15T15:59:59.999Z');
    // plain calendar days need no holiday data
    expect(cal.deadlineAfter(new Date('2027-03-01T02:00:00Z'), { calendarDays: 15 }).toISOString()).toBe('2027-03-16T15:59:59.999Z');
  });

  it('extendPastDaysOff moves a last day that is off to the next working day (民法典第二百零三条)', () => {
    const sep30 = new Date('2025-09-30T02:00:00Z');
    expect(cal.deadlineAfter(sep30, { calendarDays: 1 }).toISOString()).toBe('2025-10-01T15:59:59.999Z');
    expect(cal.deadlineAfter(sep30, { calendarDays: 1, extendPastDaysOff: true }).toISOString()).toBe('2025-10-09T15:59:59.999Z');
    // a last day that is a make-up Saturday is a working day: no extension
    expect(cal.deadlineAfter(new Date('2025-10-10T02:00:00Z'), { calendarDays: 1, extendPastDaysOff: true }).toISOString()).toBe('2025-10-11T15:59:59.999Z');
    expect(thrown(() => cal.deadlineAfter(new Date('2026-12-30T02:00:00Z'), { calendarDays: 5, extendPastDaysOff: true })).code).toBe('calendar.year_not_covered');
  });

  it('refuses malformed specs and instants', () => {
    expect(thrown(() => cal.deadlineAfter(monday, {} as never)).code).toBe('calendar.invalid_spec');
    expect(thrown(() => cal.deadlineAfter(monday, null as never)).code).toBe('calendar.invalid_spec');
    expect(thrown(() => cal.deadlineAfter(monday, { hours: 24, workingDays: 2 } as never)).code).toBe('calendar.invalid_spec');
    expect(thrown(() => cal.deadlineAfter(monday, { hours: -1 })).code).toBe('calendar.invalid_amount');
    expect(thrown(() => cal.deadlineAfter(monday, { workingDays: 2.5 })).code).toBe('calendar.invalid_amount');
    expect(thrown(() => cal.deadlineAfter(new Date('nope'), { hours: 24 })).code).toBe('calendar.invalid_instant');
    expect(thrown(() => cal.deadlineAfter(monday, { hours: 24 }, 'Mars/Olympus')).code).toBe('time.invalid_zone');
  });

  it('endOfLocalDay follows the zone, DST included', () => {
    expect(endOfLocalDay('2025-02-06', 'Asia/Shanghai').toISOString()).toBe('2025-02-06T15:59:59.999Z');
    expect(endOfLocalDay('2025-03-08', 'America/New_York').toISOString()).toBe('2025-03-09T04:59:59.999Z');
    expect(endOfLocalDay('2025-03-09', 'America/New_York').toISOString()).toBe('2025-03-10T03:59:59.999Z');
  });
});
