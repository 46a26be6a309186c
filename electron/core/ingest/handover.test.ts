import { describe, expect, it } from 'vitest';
import { handoverDeadline, isLate, HANDOVER_PRESETS } from './handover.ts';
import { endOfLocalDay, LazyHolidayCalendar, localDateAt, weekendOnlyCalendar, type WorkingDayCalendar } from './workingDays.ts';
import { WorkingDayCalendar as FullCalendar } from '../calendar/workingDays.ts';
import { loadCalendarDir } from '../calendar/loader.ts';
import { fileURLToPath } from 'node:url';

const TZ = 'Asia/Shanghai';

describe('weekend-only working days', () => {
  it('counts from the day after, skipping Saturday and Sunday', () => {
    expect(weekendOnlyCalendar.addWorkingDays('2025-03-07', 2)).toBe('2025-03-11'); // Fri → Mon, Tue
    expect(weekendOnlyCalendar.addWorkingDays('2025-03-03', 2)).toBe('2025-03-05'); // Mon → Tue, Wed
    expect(weekendOnlyCalendar.addWorkingDays('2025-03-08', 1)).toBe('2025-03-10'); // Sat → Mon
    expect(weekendOnlyCalendar.addWorkingDays('2025-03-08', 0)).toBe('2025-03-08');
  });

  it('refuses nonsense', () => {
    expect(() => weekendOnlyCalendar.addWorkingDays('2025-3-8', 1)).toThrow(expect.objectContaining({ code: 'ingest.bad_date' }));
    expect(() => weekendOnlyCalendar.addWorkingDays('2025-03-08', -1)).toThrow(expect.objectContaining({ code: 'ingest.bad_deadline' }));
  });

  it('local days and their end in the agency zone', () => {
    expect(localDateAt(new Date('2025-03-01T16:30:00Z'), TZ)).toBe('2025-03-02');
    expect(endOfLocalDay('2025-03-02', TZ).toISOString()).toBe('2025-03-02T15:59:59.999Z');
  });
});

describe('hand-over deadline (000 第十一条 24 h; 001 第十七条 2 working days)', () => {
  const end = new Date('2025-03-07T02:00:00Z'); // Friday 10:00 in Shanghai

  it('24 hours is 24 hours after the end of the recording', () => {
    const d = handoverDeadline(end, HANDOVER_PRESETS.hours_24, TZ, weekendOnlyCalendar);
    expect(d.toISOString()).toBe('2025-03-08T02:00:00.000Z');
    expect(isLate(new Date('2025-03-08T02:00:00Z'), d)).toBe(false);
    expect(isLate(new Date('2025-03-08T02:00:01Z'), d)).toBe(true);
  });

  it('2 working days ends at 24:00 local of the second working day after the recording day', () => {
    const d = handoverDeadline(end, HANDOVER_PRESETS.working_days_2, TZ, weekendOnlyCalendar);
    expect(d.toISOString()).toBe('2025-03-11T15:59:59.999Z'); // Tuesday 23:59:59.999 local
  });

  it('takes the full holiday calendar through the same small interface', () => {
    const full: WorkingDayCalendar = new FullCalendar(loadCalendarDir(fileURLToPath(new URL('../../../resources/calendars/', import.meta.url))));
    // Recorded Monday 2025-01-27 before the 春节 days off: due by the end of Thursday 2025-02-06.
    const d = handoverDeadline(new Date('2025-01-27T04:00:00Z'), { workingDays: 2 }, TZ, full);
    expect(d.toISOString()).toBe('2025-02-06T15:59:59.999Z');
    // The weekend-only stand-in would say 2025-01-29: why the full calendar matters.
    expect(handoverDeadline(new Date('2025-01-27T04:00:00Z'), { workingDays: 2 }, TZ, weekendOnlyCalendar).toISOString()).toBe('2025-01-29T15:59:59.999Z');
  });
});

describe('LazyHolidayCalendar', () => {
  it('uses the holiday calendar and refuses to guess a year it does not cover', () => {
    const cal = new LazyHolidayCalendar(() => new FullCalendar(loadCalendarDir(fileURLToPath(new URL('../../../resources/calendars/', import.meta.url)))));
    expect(cal.addWorkingDays('2025-01-27', 2)).toBe('2025-02-06');
    expect(cal.lastUsed).toBe('cn-holidays');
    expect(() => cal.addWorkingDays('2031-01-27', 2)).toThrow(expect.objectContaining({ code: 'calendar.year_not_covered' }));
  });

  it('without a loadable calendar says so instead of counting weekends', () => {
    const cal = new LazyHolidayCalendar(() => {
      throw new Error('no resources');
    });
    expect(() => cal.addWorkingDays('2025-03-07', 2)).toThrow(expect.objectContaining({ code: 'calendar.unavailable' }));
    expect(cal.lastUsed).toBe('none');
  });
});
