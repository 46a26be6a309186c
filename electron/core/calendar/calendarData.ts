// The working-day calendar as data: one entry per calendar year, each transcribed from the State
// Council General Office's notice for that year (国务院办公厅关于<year>年部分节假日安排的通知) and
// replaceable as a whole by an administrator's edit. Everything here is pure: validation returns
// frozen copies, and an edit returns a new CalendarData (the api layer ledgers it).
import { StationError } from '../errors.ts';
import { isLocalDate, isWeekend, yearOf } from './localDate.ts';
import type { LocalDate } from './localDate.ts';

/** The document a year's arrangement comes from. */
export type NoticeRef = {
  /** 国务院办公厅 */
  issuer: string;
  /** 国务院办公厅关于2025年部分节假日安排的通知 */
  title: string;
  /** 国办发明电〔2024〕12号 */
  documentNumber: string;
  /** The date the notice is signed with. */
  issued: LocalDate;
  /** Where the transcription was checked (reprints, gazette issue), for a reviewer to repeat it. */
  checkedAgainst?: string[];
};

/** One item of a notice: a holiday period and the weekend days worked to make up for it. */
export type HolidayPeriod = {
  nameZh: string;
  nameEn: string;
  /** The notice's own wording for this item, kept so a reviewer can compare. */
  clause?: string;
  /** 共N天 as the notice states it; when present it must equal off.length. */
  days?: number;
  /** Every date off (放假), weekends inside the period included. */
  off: LocalDate[];
  /** Make-up working days (调休上班): Saturdays or Sundays that are working days. */
  workdays: LocalDate[];
};

export type CalendarYear = {
  year: number;
  /** First the State Council notice; then any later document that amended the year. */
  sources: NoticeRef[];
  notes?: string[];
  periods: HolidayPeriod[];
};

/** The whole calendar: years ascending, each at most once. */
export type CalendarData = { readonly years: readonly CalendarYear[] };

/** An administrator's change. A year is always replaced whole, so the ledger can hold before and after. */
export type CalendarEdit = { kind: 'put_year'; year: CalendarYear } | { kind: 'remove_year'; year: number };

export const EMPTY_CALENDAR: CalendarData = Object.freeze({ years: Object.freeze([]) as readonly CalendarYear[] });

type Ctx = { year: number | string; file?: string };

function withFile(ctx: Ctx, params: Record<string, string | number>): Record<string, string | number> {
  return ctx.file === undefined ? params : { ...params, file: ctx.file };
}

function fieldError(ctx: Ctx, field: string): StationError {
  return new StationError('input', 'calendar.data_field', withFile(ctx, { year: ctx.year, field }));
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkKeys(ctx: Ctx, obj: Record<string, unknown>, allowed: readonly string[], where: string): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) {
      throw new StationError('input', 'calendar.data_unknown_field', withFile(ctx, { year: ctx.year, field: where ? `${where}.${key}` : key }));
    }
  }
}

function text(ctx: Ctx, obj: Record<string, unknown>, key: string, where: string): string {
  const v = obj[key];
  if (typeof v !== 'string' || v.trim() === '') throw fieldError(ctx, `${where}.${key}`);
  return v;
}

function optionalTextList(ctx: Ctx, v: unknown, where: string): string[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string' && s.trim() !== '')) throw fieldError(ctx, where);
  return [...(v as string[])];
}

function dateList(ctx: Ctx, v: unknown, where: string, year: number): LocalDate[] {
  if (!Array.isArray(v)) throw fieldError(ctx, where);
  return v.map((d, i) => {
    if (!isLocalDate(d)) {
      throw new StationError('input', 'calendar.data_bad_date', withFile(ctx, { year: ctx.year, field: `${where}[${i}]`, value: typeof d === 'string' ? d : JSON.stringify(d) ?? String(d) }));
    }
    if (yearOf(d) !== year) throw new StationError('input', 'calendar.data_wrong_year', withFile(ctx, { year, date: d }));
    return d;
  });
}

function validateSource(ctx: Ctx, raw: unknown, where: string): NoticeRef {
  if (!isRecord(raw)) throw fieldError(ctx, where);
  checkKeys(ctx, raw, ['issuer', 'title', 'documentNumber', 'issued', 'checkedAgainst'], where);
  const issued = raw.issued;
  if (!isLocalDate(issued)) {
    throw new StationError('input', 'calendar.data_bad_date', withFile(ctx, { year: ctx.year, field: `${where}.issued`, value: typeof issued === 'string' ? issued : JSON.stringify(issued) ?? String(issued) }));
  }
  const source: NoticeRef = {
    issuer: text(ctx, raw, 'issuer', where),
    title: text(ctx, raw, 'title', where),
    documentNumber: text(ctx, raw, 'documentNumber', where),
    issued,
  };
  const checked = optionalTextList(ctx, raw.checkedAgainst, `${where}.checkedAgainst`);
  if (checked) source.checkedAgainst = checked;
  return source;
}

function validatePeriod(ctx: Ctx, raw: unknown, where: string, year: number): HolidayPeriod {
  if (!isRecord(raw)) throw fieldError(ctx, where);
  checkKeys(ctx, raw, ['nameZh', 'nameEn', 'clause', 'days', 'off', 'workdays'], where);
  const period: HolidayPeriod = {
    nameZh: text(ctx, raw, 'nameZh', where),
    nameEn: text(ctx, raw, 'nameEn', where),
    off: dateList(ctx, raw.off, `${where}.off`, year),
    workdays: dateList(ctx, raw.workdays, `${where}.workdays`, year),
  };
  if (period.off.length === 0) throw fieldError(ctx, `${where}.off`);
  if (raw.clause !== undefined) period.clause = text(ctx, raw, 'clause', where);
  if (raw.days !== undefined) {
    if (typeof raw.days !== 'number' || !Number.isInteger(raw.days) || raw.days < 1) throw fieldError(ctx, `${where}.days`);
    period.days = raw.days;
  }
  return period;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * Checks one year's arrangement and returns a frozen copy. Refused: unknown or missing fields, a date
 * that is not 'YYYY-MM-DD' or not a real date, a date outside `year`, a date listed twice, a date
 * both off and working, a make-up working day that is not a Saturday or Sunday, and a stated 共N天
 * that disagrees with the dates listed. `expectedYear` (from a file name or an edit's target) must
 * match the `year` field.
 */
export function validateCalendarYear(raw: unknown, options: { expectedYear?: number; file?: string } = {}): CalendarYear {
  const ctx: Ctx = { year: options.expectedYear ?? '?', ...(options.file === undefined ? {} : { file: options.file }) };
  if (!isRecord(raw)) throw fieldError(ctx, '(root)');
  const year = raw.year;
  if (typeof year !== 'number' || !Number.isInteger(year) || year < 1000 || year > 9999) throw fieldError(ctx, 'year');
  if (options.expectedYear !== undefined && year !== options.expectedYear) {
    throw new StationError('input', 'calendar.data_year_mismatch', withFile(ctx, { year, expected: options.expectedYear }));
  }
  ctx.year = year;
  checkKeys(ctx, raw, ['year', 'sources', 'notes', 'periods'], '');
  if (!Array.isArray(raw.sources) || raw.sources.length === 0) throw fieldError(ctx, 'sources');
  const sources = raw.sources.map((s, i) => validateSource(ctx, s, `sources[${i}]`));
  if (!Array.isArray(raw.periods) || raw.periods.length === 0) throw fieldError(ctx, 'periods');
  const periods = raw.periods.map((p, i) => validatePeriod(ctx, p, `periods[${i}]`, year));

  const seen = new Map<LocalDate, 'off' | 'work'>();
  for (const period of periods) {
    for (const [kind, dates] of [['off', period.off], ['work', period.workdays]] as const) {
      for (const date of dates) {
        const before = seen.get(date);
        if (before === undefined) {
          seen.set(date, kind);
          continue;
        }
        if (before === kind) throw new StationError('input', 'calendar.data_duplicate_date', withFile(ctx, { year, date }));
        throw new StationError('input', 'calendar.data_conflict', withFile(ctx, { year, date }));
      }
    }
    for (const date of period.workdays) {
      if (!isWeekend(date)) throw new StationError('input', 'calendar.data_workday_not_weekend', withFile(ctx, { year, date }));
    }
  }
  for (const period of periods) {
    if (period.days !== undefined && period.days !== period.off.length) {
      throw new StationError('input', 'calendar.data_days_mismatch', withFile(ctx, { year, period: period.nameZh, stated: period.days, listed: period.off.length }));
    }
  }

  const result: CalendarYear = { year, sources, periods };
  const notes = optionalTextList(ctx, raw.notes, 'notes');
  if (notes) result.notes = notes;
  return deepFreeze(result);
}

/** Validates every year and refuses a year given twice; the result is sorted by year. */
export function buildCalendarData(years: readonly unknown[]): CalendarData {
  const validated = years.map((y) => validateCalendarYear(y));
  const byYear = new Map<number, CalendarYear>();
  for (const y of validated) {
    if (byYear.has(y.year)) throw new StationError('input', 'calendar.data_duplicate_year', { year: y.year });
    byYear.set(y.year, y);
  }
  return deepFreeze({ years: [...byYear.values()].sort((a, b) => a.year - b.year) });
}

export function getCalendarYear(data: CalendarData, year: number): CalendarYear | null {
  return data.years.find((y) => y.year === year) ?? null;
}

/**
 * Applies an administrator's edit and returns the new calendar; `data` is not touched.
 * `put_year` adds a year or replaces it whole (validated as strictly as the bundled files);
 * `remove_year` withdraws a year, after which deadlines in it throw `calendar.year_not_covered`.
 */
export function applyCalendarEdit(data: CalendarData, edit: CalendarEdit): CalendarData {
  switch (edit.kind) {
    case 'put_year': {
      const year = validateCalendarYear(edit.year);
      return buildCalendarData([...data.years.filter((y) => y.year !== year.year), year]);
    }
    case 'remove_year': {
      if (!getCalendarYear(data, edit.year)) throw new StationError('input', 'calendar.year_not_covered', { year: edit.year });
      return buildCalendarData(data.years.filter((y) => y.year !== edit.year));
    }
    default: {
      const unknown: unknown = edit;
      throw new StationError('input', 'calendar.data_field', { year: '?', field: `edit.kind=${JSON.stringify((unknown as { kind?: unknown }).kind)}` });
    }
  }
}
