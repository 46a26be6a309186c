// Working days in mainland China: Monday-Friday, minus the days off of the State Council's yearly
// arrangement, plus its make-up working days (调休上班, always a Saturday or Sunday). A date in a
// year the calendar has no arrangement for throws `calendar.year_not_covered`: the station never
// guesses a holiday schedule.
//
// Counting convention (the same for every function here):
// - "n working days after day D" is the n-th working day strictly after D. D itself is not counted,
//   whatever it is; 002_79771f0fef6d4575.txt 第二十一条 "在执法行为终结之日起20个工作日内" and
//   001_463737bbe8e11e75.txt 第十七条 "应当在2个工作日内将信息存储…" / "返回单位后2个工作日内"
//   are read with the general rule for periods counted in days, 《民法典》第二百零一条
//   "按照年、月、日计算期间的，开始的当日不计入，自下一日开始计算". A recording made on Monday
//   2025-01-27 (the last working day before 春节) is therefore due by the end of Thursday
//   2025-02-06: the 8 days off 1/28-2/4 do not count, 2/5 is the first working day and 2/6 the second.
// - A deadline day ends at 24:00 local time (《民法典》第二百零三条第二款 "期间的最后一日的截止时间为
//   二十四时"). deadlineAfter returns the last millisecond of that day (23:59:59.999 in the agency's
//   zone), so formatting it shows the right date; something is late when it happens after it.
// - workingDaysBetween(a, b) counts the working days in (a, b]: a not counted, b counted. Hence
//   workingDaysBetween(d, addWorkingDays(d, n)) === n, and a hand-over is within 2 working days
//   exactly when workingDaysBetween(recordedDay, handedOverDay) <= 2.
import { StationError } from '../errors.ts';
import { DEFAULT_TIME_ZONE, localTimeToUtc, utcToLocal } from '../media/localTime.ts';
import { applyCalendarEdit, buildCalendarData } from './calendarData.ts';
import type { CalendarData, CalendarEdit, CalendarYear } from './calendarData.ts';
import { addDays, assertLocalDate, dayNumber, isWeekend, parseLocalDate, yearOf } from './localDate.ts';
import type { LocalDate } from './localDate.ts';

export type DeadlineSpec =
  | { workingDays: number }
  | { hours: number }
  /**
   * `extendPastDaysOff`: when the last day is not a working day, the next working day becomes the last
   * day (《民法典》第二百零三条第一款). Off by default: the rules say "30日内" with no such clause, and
   * whether it applies is the agency's decision. With it on, the last day's year must be covered.
   */
  | { calendarDays: number; extendPastDaysOff?: boolean };

export type DayKind = 'workday' | 'weekend' | 'holiday' | 'makeup_workday';

export type DayInfo = {
  date: LocalDate;
  kind: DayKind;
  working: boolean;
  /** The holiday period a day off or a make-up working day belongs to. */
  period: { nameZh: string; nameEn: string } | null;
};

/** Larger amounts are refused: no rule in the station needs them and they only hide a unit mix-up. */
export const MAX_DEADLINE_AMOUNT = 100_000;

type YearTable = { off: Map<LocalDate, { nameZh: string; nameEn: string }>; work: Map<LocalDate, { nameZh: string; nameEn: string }> };

function tableFor(year: CalendarYear): YearTable {
  const table: YearTable = { off: new Map(), work: new Map() };
  for (const p of year.periods) {
    const name = { nameZh: p.nameZh, nameEn: p.nameEn };
    for (const d of p.off) table.off.set(d, name);
    for (const d of p.workdays) table.work.set(d, name);
  }
  return table;
}

function checkAmount(unit: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_DEADLINE_AMOUNT) {
    throw new StationError('input', 'calendar.invalid_amount', { unit, value: typeof value === 'number' ? value : String(value) });
  }
  return value;
}

/** The calendar date in `timeZone` at `instant`. */
export function localDateAt(instant: Date, timeZone: string = DEFAULT_TIME_ZONE): LocalDate {
  if (!(instant instanceof Date) || Number.isNaN(instant.getTime())) {
    throw new StationError('input', 'calendar.invalid_instant', { value: String(instant) });
  }
  const t = utcToLocal(instant, timeZone);
  return `${String(t.year).padStart(4, '0')}-${String(t.month).padStart(2, '0')}-${String(t.day).padStart(2, '0')}`;
}

/** The last millisecond of `date` in `timeZone` (the instant before the next day's first). */
export function endOfLocalDay(date: LocalDate, timeZone: string = DEFAULT_TIME_ZONE): Date {
  const next = parseLocalDate(addDays(assertLocalDate(date), 1));
  if (!next) throw new StationError('input', 'calendar.invalid_date', { value: date });
  return new Date(localTimeToUtc({ ...next, hour: 0, minute: 0, second: 0 }, timeZone).getTime() - 1);
}

export class WorkingDayCalendar {
  readonly data: CalendarData;
  private readonly tables: ReadonlyMap<number, YearTable>;

  /** `data` is validated again here, so a calendar can only be built from well-formed years. */
  constructor(data: CalendarData) {
    this.data = buildCalendarData(data.years);
    this.tables = new Map(this.data.years.map((y) => [y.year, tableFor(y)]));
  }

  /** A new calendar with an administrator's edit applied (see applyCalendarEdit); this one is unchanged. */
  withEdit(edit: CalendarEdit): WorkingDayCalendar {
    return new WorkingDayCalendar(applyCalendarEdit(this.data, edit));
  }

  coveredYears(): number[] {
    return [...this.tables.keys()];
  }

  covers(year: number): boolean {
    return this.tables.has(year);
  }

  private table(date: LocalDate): YearTable {
    const year = yearOf(date);
    const t = this.tables.get(year);
    if (!t) throw new StationError('input', 'calendar.year_not_covered', { year });
    return t;
  }

  dayInfo(date: LocalDate): DayInfo {
    assertLocalDate(date);
    const t = this.table(date);
    const off = t.off.get(date);
    if (off) return { date, kind: 'holiday', working: false, period: off };
    const work = t.work.get(date);
    if (work) return { date, kind: 'makeup_workday', working: true, period: work };
    return isWeekend(date) ? { date, kind: 'weekend', working: false, period: null } : { date, kind: 'workday', working: true, period: null };
  }

  isWorkingDay(date: LocalDate): boolean {
    assertLocalDate(date);
    const t = this.table(date);
    if (t.off.has(date)) return false;
    if (t.work.has(date)) return true;
    return !isWeekend(date);
  }

  /** The n-th working day strictly after `date` (n = 0: `date` itself). See the convention above. */
  addWorkingDays(date: LocalDate, n: number): LocalDate {
    assertLocalDate(date);
    checkAmount('workingDays', n);
    this.table(date);
    let day = date;
    for (let counted = 0; counted < n; ) {
      day = addDays(day, 1);
      if (this.isWorkingDay(day)) counted += 1;
    }
    return day;
  }

  /** Working days in (a, b]; negative when b is before a. */
  workingDaysBetween(a: LocalDate, b: LocalDate): number {
    assertLocalDate(a);
    assertLocalDate(b);
    this.table(a);
    this.table(b);
    const from = dayNumber(a);
    const to = dayNumber(b);
    if (to < from) return -this.workingDaysBetween(b, a);
    let count = 0;
    for (let day = addDays(a, 1), n = from + 1; n <= to; n += 1, day = addDays(day, 1)) {
      if (this.isWorkingDay(day)) count += 1;
    }
    return count;
  }

  /**
   * When something started at `instant` must be done by:
   * - `{ hours }`: exactly that many hours later (24 h is +24 h, whatever the calendar says);
   * - `{ workingDays }`: the end of the n-th working day after the local day of `instant`;
   * - `{ calendarDays }`: the end of the n-th day after it (0: the same day, e.g. "当天").
   * Day-based deadlines end at the last millisecond of the day in `timeZone` (the agency's zone).
   */
  deadlineAfter(instant: Date, spec: DeadlineSpec, timeZone: string = DEFAULT_TIME_ZONE): Date {
    const start = localDateAt(instant, timeZone);
    if (typeof spec !== 'object' || spec === null) throw new StationError('input', 'calendar.invalid_spec', { keys: String(spec) });
    const keys = Object.keys(spec).filter((k) => k !== 'extendPastDaysOff');
    if (keys.length !== 1) throw new StationError('input', 'calendar.invalid_spec', { keys: keys.join(',') });
    if ('hours' in spec) {
      const hours = checkAmount('hours', spec.hours);
      return new Date(instant.getTime() + hours * 3_600_000);
    }
    if ('workingDays' in spec) {
      return endOfLocalDay(this.addWorkingDays(start, checkAmount('workingDays', spec.workingDays)), timeZone);
    }
    if ('calendarDays' in spec) {
      let last = addDays(start, checkAmount('calendarDays', spec.calendarDays));
      if (spec.extendPastDaysOff === true) {
        while (!this.isWorkingDay(last)) last = addDays(last, 1);
      }
      return endOfLocalDay(last, timeZone);
    }
    throw new StationError('input', 'calendar.invalid_spec', { keys: keys.join(',') });
  }
}
