// Searching the recordings catalogue (issue 14 item 15): recording.list's filters, with dates as the
// agency's days as people type them (2026-12-07) as well as ISO times. Used by `station recordings
// search`; the UI pages through recording.list with the same filters.
import { z } from 'zod';
import { localTimeToUtc } from '../core/media/localTime.ts';
import { StationError } from '../core/errors.ts';
import { command, roles } from './command.ts';
import { recordingHandlers } from './recordings.ts';

const dayOrTime = z.string().trim().min(1).max(40);

/** A day's start in the agency's time zone, or the ISO time as given; `end` gives the next day's start for an inclusive last day. */
export function agencyTime(value: string, timeZone: string, end: boolean): string {
  const day = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(value);
  if (day) {
    const local = { year: Number(day[1]), month: Number(day[2]), day: Number(day[3]), hour: 0, minute: 0, second: 0 };
    let at: Date;
    try {
      at = localTimeToUtc(local, timeZone);
    } catch {
      throw new StationError('input', 'search.bad_date', { value });
    }
    return new Date(at.getTime() + (end ? 86_400_000 : 0)).toISOString();
  }
  if (!z.iso.datetime({ offset: true }).safeParse(value).success) throw new StationError('input', 'search.bad_date', { value });
  return new Date(value).toISOString();
}

export const searchHandlers = {
  'recording.search': command({
    input: recordingHandlers['recording.list'].input.omit({ from: true, to: true, storedFrom: true, storedTo: true }).extend({
      from: dayOrTime.optional(),
      to: dayOrTime.optional(),
      storedFrom: dayOrTime.optional(),
      storedTo: dayOrTime.optional(),
    }),
    access: roles('admin', 'auditor', 'custodian', 'approver', 'clerk'),
    mutates: false,
    run: ({ station }, f) => {
      const tz = station.settings.get('agency.timeZone');
      const { from, to, storedFrom, storedTo, ...rest } = f;
      return station.ingest.catalogue.list({
        ...rest,
        ...(from ? { from: agencyTime(from, tz, false) } : {}),
        ...(to ? { to: agencyTime(to, tz, true) } : {}),
        ...(storedFrom ? { storedFrom: agencyTime(storedFrom, tz, false) } : {}),
        ...(storedTo ? { storedTo: agencyTime(storedTo, tz, true) } : {}),
      });
    },
  }),
};
