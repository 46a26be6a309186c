// The hand-over deadline needs "n working days after a day". The station uses the full Chinese
// holiday calendar (electron/core/calendar/, with 调休 and public holidays); weekendOnlyCalendar is
// the plain rule for tests and for comparison, never a silent stand-in for a missing year.
import { StationError } from '../errors.ts';
import { localTimeToUtc, utcToLocal } from '../media/localTime.ts';

/** 'YYYY-MM-DD', no zone. */
export type LocalDate = string;

export interface WorkingDayCalendar {
  /** The n-th working day strictly after `date` (the day itself is not counted). */
  addWorkingDays(date: LocalDate, n: number): LocalDate;
}

const DAY_MS = 86_400_000;

function parse(date: LocalDate): Date {
  const m = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(date);
  if (!m) throw new StationError('input', 'ingest.bad_date', { value: date });
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
}

function format(d: Date): LocalDate {
  return d.toISOString().slice(0, 10);
}

/** Monday to Friday are working days; nothing else is known. */
export const weekendOnlyCalendar: WorkingDayCalendar = {
  addWorkingDays(date, n) {
    if (!Number.isInteger(n) || n < 0) throw new StationError('input', 'ingest.bad_deadline', { value: n });
    let d = parse(date);
    for (let counted = 0; counted < n; ) {
      d = new Date(d.getTime() + DAY_MS);
      const wd = d.getUTCDay();
      if (wd !== 0 && wd !== 6) counted++;
    }
    return format(d);
  },
};

/** The calendar day in `timeZone` at `instant`. */
export function localDateAt(instant: Date, timeZone: string): LocalDate {
  const t = utcToLocal(instant, timeZone);
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${p(t.year, 4)}-${p(t.month)}-${p(t.day)}`;
}

/** The last millisecond of `date` in `timeZone`: a deadline day ends at 24:00 (《民法典》第二百零三条). */
export function endOfLocalDay(date: LocalDate, timeZone: string): Date {
  const next = new Date(parse(date).getTime() + DAY_MS);
  const start = localTimeToUtc({ year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate(), hour: 0, minute: 0, second: 0 }, timeZone);
  return new Date(start.getTime() - 1);
}

/**
 * The station's holiday calendar, loaded on first use. It never guesses: a year the State Council
 * has not announced (or a station without its calendar files) throws, and the caller records the
 * deadline as unknown with the reason, for a custodian to see — not a weekends-only estimate that
 * make-up working days (调休) could make wrong in either direction.
 */
export class LazyHolidayCalendar implements WorkingDayCalendar {
  private readonly primary: (() => WorkingDayCalendar | null) | null;
  private loaded: WorkingDayCalendar | null | undefined;
  lastUsed: 'cn-holidays' | 'none' = 'none';

  constructor(primary: (() => WorkingDayCalendar | null) | null) {
    this.primary = primary;
  }

  addWorkingDays(date: LocalDate, n: number): LocalDate {
    if (this.loaded === undefined) {
      try {
        this.loaded = this.primary?.() ?? null;
      } catch {
        this.loaded = null;
      }
    }
    if (!this.loaded) {
      this.lastUsed = 'none';
      throw new StationError('state', 'calendar.unavailable', {});
    }
    const d = this.loaded.addWorkingDays(date, n);
    this.lastUsed = 'cn-holidays';
    return d;
  }
}
