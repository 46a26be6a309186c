// A year's State Council arrangement entered by form (issue 14 item 19) instead of a hand-written
// JSON file: the notice's number and date, and for each holiday its days off as a range and its
// make-up working days. The form is checked for consistency beyond what validateCalendarYear asks
// of any year (every holiday once, ranges the right way round, the notice's year, make-up days near
// their holiday) and then becomes an ordinary CalendarYear, stored and ledgered by StationCalendar.edit.
import { StationError } from '../errors.ts';
import { validateCalendarYear, type CalendarYear, type HolidayPeriod } from './calendarData.ts';
import { addDays, dayNumber, isLocalDate, yearOf, type LocalDate } from './localDate.ts';

/** The holidays of 《全国年节及纪念日放假办法》 as the notices group them; mid-autumn and national day may share one item. */
export const HOLIDAYS = {
  newYear: { nameZh: '元旦', nameEn: "New Year's Day" },
  springFestival: { nameZh: '春节', nameEn: 'Spring Festival' },
  qingming: { nameZh: '清明节', nameEn: 'Qingming Festival' },
  labourDay: { nameZh: '劳动节', nameEn: 'Labour Day' },
  dragonBoat: { nameZh: '端午节', nameEn: 'Dragon Boat Festival' },
  midAutumn: { nameZh: '中秋节', nameEn: 'Mid-Autumn Festival' },
  nationalDay: { nameZh: '国庆节', nameEn: 'National Day' },
  midAutumnNationalDay: { nameZh: '国庆节、中秋节', nameEn: 'National Day and Mid-Autumn Festival' },
} as const;
export type HolidayKey = keyof typeof HOLIDAYS;
export const HOLIDAY_KEYS = Object.keys(HOLIDAYS) as HolidayKey[];

export type HolidayEntry = { holiday: HolidayKey; from: LocalDate; to: LocalDate; workdays: LocalDate[] };
export type YearForm = {
  year: number;
  /** 国办发明电〔2025〕7号 */
  noticeNumber: string;
  /** The date the notice is signed with. */
  noticeDate: LocalDate;
  holidays: HolidayEntry[];
};

/** Make-up days are the weekends next to their holiday; one further away is a date typed into the wrong row. */
export const MAX_WORKDAY_DISTANCE_DAYS = 21;

function refuse(code: string, params: Record<string, string | number>): never {
  throw new StationError('input', `calendar.form_${code}`, params);
}

function datesFrom(from: LocalDate, to: LocalDate): LocalDate[] {
  const out: LocalDate[] = [];
  for (let d = from; dayNumber(d) <= dayNumber(to); d = addDays(d, 1)) out.push(d);
  return out;
}

export function yearFromForm(form: YearForm): CalendarYear {
  const { year } = form;
  if (!Number.isInteger(year) || year < 2000 || year > 2200) refuse('bad_year', { year: String(year) });
  const number = form.noticeNumber.trim();
  if (!number) refuse('notice_number_required', { year });
  if (!isLocalDate(form.noticeDate)) refuse('bad_date', { year, value: String(form.noticeDate) });
  // The notice for a year is published in the year before (or, amended, in the year itself).
  const issuedYear = yearOf(form.noticeDate);
  if (issuedYear !== year - 1 && issuedYear !== year) refuse('notice_date_year', { year, date: form.noticeDate });
  // Its number carries the year it was issued: 国办发明电〔2025〕7号 is a notice of 2025.
  const numbered = /[〔[(（【](\d{4})[〕\])）】]/.exec(number);
  if (numbered && Number(numbered[1]) !== issuedYear) refuse('notice_number_year', { year, number, numbered: Number(numbered[1]), date: form.noticeDate });

  const seen = new Set<HolidayKey>();
  const periods: { entry: HolidayEntry; period: HolidayPeriod }[] = [];
  for (const entry of form.holidays) {
    const names = HOLIDAYS[entry.holiday];
    if (!names) refuse('unknown_holiday', { year, value: String(entry.holiday) });
    if (seen.has(entry.holiday)) refuse('holiday_twice', { year, holiday: entry.holiday });
    seen.add(entry.holiday);
    for (const d of [entry.from, entry.to, ...entry.workdays]) if (!isLocalDate(d)) refuse('bad_date', { year, value: String(d) });
    if (dayNumber(entry.from) > dayNumber(entry.to)) refuse('range_reversed', { year, holiday: entry.holiday, from: entry.from, to: entry.to });
    const off = datesFrom(entry.from, entry.to);
    for (const w of entry.workdays) {
      const distance = Math.min(Math.abs(dayNumber(w) - dayNumber(entry.from)), Math.abs(dayNumber(w) - dayNumber(entry.to)));
      if (distance > MAX_WORKDAY_DISTANCE_DAYS) refuse('workday_far', { year, holiday: entry.holiday, date: w, days: MAX_WORKDAY_DISTANCE_DAYS });
    }
    periods.push({ entry, period: { nameZh: names.nameZh, nameEn: names.nameEn, days: off.length, off, workdays: [...entry.workdays].sort() } });
  }
  const combined = seen.has('midAutumnNationalDay');
  const required: HolidayKey[] = ['newYear', 'springFestival', 'qingming', 'labourDay', 'dragonBoat', ...(combined ? (['midAutumnNationalDay'] as const) : (['midAutumn', 'nationalDay'] as const))];
  if (combined && (seen.has('midAutumn') || seen.has('nationalDay'))) refuse('holiday_twice', { year, holiday: 'midAutumnNationalDay' });
  const missing = required.filter((k) => !seen.has(k));
  // The first one missing, named by its key: the front end names it in the user's language.
  if (missing.length > 0) refuse('holiday_missing', { year, holiday: missing[0]!, missing: missing.length });

  periods.sort((a, b) => dayNumber(a.entry.from) - dayNumber(b.entry.from));
  // Everything any year must satisfy (dates in the year, no date twice, make-up days on weekends, …).
  return validateCalendarYear({
    year,
    sources: [{ issuer: '国务院办公厅', title: `国务院办公厅关于${year}年部分节假日安排的通知`, documentNumber: number, issued: form.noticeDate }],
    periods: periods.map((p) => p.period),
  });
}

/** Whether next year's arrangement is owed: from 1 November the dashboard warns while it is missing. */
export function nextYearDue(today: LocalDate, covered: (year: number) => boolean): { year: number; covered: boolean; warn: boolean; warnFrom: LocalDate } {
  const thisYear = yearOf(today);
  const warnFrom = `${thisYear}-11-01`;
  const next = thisYear + 1;
  const isCovered = covered(next);
  return { year: next, covered: isCovered, warn: !isCovered && today >= warnFrom, warnFrom };
}
