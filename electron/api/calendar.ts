// The working-day calendar: the years it covers (shipped or edited by an admin, each edit ledgered with
// before and after), a day's status, deadlines on it; a year's State Council arrangement entered by form
// (issue 14 item 19), and whether next year's is owed yet (the dashboard warns from 1 November). The form
// becomes an ordinary calendar edit: validated, stored and ledgered (`calendar.edited`) by StationCalendar.edit.
import { z } from 'zod';
import { StationError } from '../core/errors.ts';
import { getCalendarYear } from '../core/calendar/calendarData.ts';
import { assertLocalDate } from '../core/calendar/localDate.ts';
import { ability, command, roles, signedIn } from './command.ts';
import { HOLIDAY_KEYS, nextYearDue, yearFromForm, type HolidayKey } from '../core/calendar/yearForm.ts';
import { localDateAt } from '../core/calendar/workingDays.ts';

const localDate = z.string().regex(/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/);
const caseDeadline = z.union([
  z.object({ workingDays: z.number().int().min(0).max(365) }).strict(),
  z.object({ calendarDays: z.number().int().min(0).max(3650), extendPastDaysOff: z.boolean().optional() }).strict(),
]);
const deadlineSpec = z.union([caseDeadline, z.object({ hours: z.number().int().min(0).max(24 * 3650) }).strict()]);
const day = z.string().trim().max(10);

export const calendarHandlers = {
  'calendar.show': command({
    input: z.object({ year: z.number().int().min(1000).max(9999).optional() }).strict(),
    access: signedIn,
    mutates: false,
    run: ({ station }, { year }) => {
      const cal = station.calendar.current();
      const years = cal.coveredYears().map((y) => ({ year: y, origin: station.calendar.yearOrigin(y) }));
      if (year === undefined) return { years, year: null, edits: station.calendar.edits() };
      const data = getCalendarYear(cal.data, year);
      if (!data) throw new StationError('input', 'calendar.year_not_covered', { year });
      return { years, year: { ...data, origin: station.calendar.yearOrigin(year) }, edits: station.calendar.edits().filter((e) => e.year === year) };
    },
  }),
  /** Adds or replaces a year whole (validated like the shipped files), or withdraws one; ledgered with before and after. */
  'calendar.edit': command({
    input: z.union([
      z.object({ kind: z.literal('put_year'), year: z.record(z.string(), z.unknown()), reason: z.string().trim().min(2).max(2000) }).strict(),
      z.object({ kind: z.literal('remove_year'), year: z.number().int().min(1000).max(9999), reason: z.string().trim().min(2).max(2000) }).strict(),
    ]),
    access: ability('editSettings'),
    mutates: true,
    run: ({ station, actor }, input) => {
      const edit = input.kind === 'put_year' ? { kind: 'put_year' as const, year: input.year as never } : { kind: 'remove_year' as const, year: input.year };
      const { record, deadlinesJudged } = station.calendar.edit(actor.username, edit, input.reason);
      return { ...record, deadlinesJudged };
    },
  }),
  'calendar.day': command({
    input: z.object({ date: localDate }).strict(),
    access: signedIn,
    mutates: false,
    run: ({ station }, { date }) => station.calendar.current().dayInfo(assertLocalDate(date)),
  }),
  /** A deadline on the station's calendar; a year it does not cover is the error calendar.year_not_covered, never a guess. */
  'calendar.deadline': command({
    input: z.object({ from: z.iso.datetime({ offset: true }), spec: deadlineSpec }).strict(),
    access: signedIn,
    mutates: false,
    run: ({ station }, { from, spec }) => ({ deadline: station.calendar.current().deadlineAfter(new Date(from), spec, station.settings.get('agency.timeZone')).toISOString() }),
  }),
  'calendar.putYear': command({
    input: z
      .object({
        year: z.number().int().min(2000).max(2200),
        noticeNumber: z.string().max(100),
        noticeDate: day,
        holidays: z
          .array(z.object({ holiday: z.enum(HOLIDAY_KEYS as [HolidayKey, ...HolidayKey[]]), from: day, to: day, workdays: z.array(day).max(10) }).strict())
          .min(1)
          .max(12),
        reason: z.string().trim().min(2).max(2000),
      })
      .strict(),
    access: roles('admin'),
    mutates: true,
    run: ({ station, actor }, input) => {
      const year = yearFromForm(input);
      const { record, deadlinesJudged } = station.calendar.edit(actor.username, { kind: 'put_year', year }, input.reason);
      return { ...record, deadlinesJudged, calendarYear: year };
    },
  }),
  'calendar.nextYear': command({
    input: z.object({}).strict(),
    access: signedIn,
    mutates: false,
    run: ({ station }) => {
      const today = localDateAt(station.clock.now(), station.settings.get('agency.timeZone'));
      const covered = new Set(station.calendar.current().coveredYears());
      return { today, ...nextYearDue(today, (y) => covered.has(y)) };
    },
  }),
};
