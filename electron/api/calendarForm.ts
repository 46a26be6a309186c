// A year's State Council arrangement entered by form (issue 14 item 19), and whether next year's is
// owed yet (the dashboard warns from 1 November). The form becomes an ordinary calendar edit:
// validated, stored and ledgered (`calendar.edited`, before and after) by editCalendar.
import { z } from 'zod';
import { HOLIDAY_KEYS, nextYearDue, yearFromForm, type HolidayKey } from '../core/calendar/yearForm.ts';
import { localDateAt } from '../core/calendar/workingDays.ts';
import { command, roles, signedIn } from './command.ts';

const day = z.string().trim().max(10);

export const calendarFormHandlers = {
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
