// Calendar dates with no time and no zone ('YYYY-MM-DD'), as holiday notices and deadlines use them.
// Arithmetic runs on day numbers (days since 1970-01-01, proleptic Gregorian), so no time zone,
// DST or leap second can shift a date.
import { StationError } from '../errors.ts';
import { daysInMonth } from '../media/localTime.ts';

/** 'YYYY-MM-DD', four-digit year 1000-9999, a real calendar date. */
export type LocalDate = string;

const DAY_MS = 86_400_000;
const PATTERN = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;

/** The parts of a valid local date, or null for anything else ('2025-2-3', '2025-02-30', 20250203). */
export function parseLocalDate(value: unknown): { year: number; month: number; day: number } | null {
  if (typeof value !== 'string') return null;
  const m = PATTERN.exec(value);
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (year < 1000 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return { year, month, day };
}

export function isLocalDate(value: unknown): value is LocalDate {
  return parseLocalDate(value) !== null;
}

/** Throws `calendar.invalid_date` unless `value` is a valid 'YYYY-MM-DD'. */
export function assertLocalDate(value: unknown): LocalDate {
  if (!isLocalDate(value)) {
    throw new StationError('input', 'calendar.invalid_date', { value: typeof value === 'string' ? value : JSON.stringify(value) ?? String(value) });
  }
  return value;
}

/** Days since 1970-01-01 of a date already known to be valid. */
export function dayNumber(date: LocalDate): number {
  const p = parseLocalDate(date);
  if (!p) throw new StationError('input', 'calendar.invalid_date', { value: date });
  const d = new Date(Date.UTC(2000, p.month - 1, p.day));
  d.setUTCFullYear(p.year);
  return Math.round(d.getTime() / DAY_MS);
}

export function fromDayNumber(n: number): LocalDate {
  const d = new Date(n * DAY_MS);
  const y = String(d.getUTCFullYear()).padStart(4, '0');
  const m = String(d.getUTCMonth() + 1).padStart(2, '0');
  const day = String(d.getUTCDate()).padStart(2, '0');
  return `${y}-${m}-${day}`;
}

export function addDays(date: LocalDate, n: number): LocalDate {
  return fromDayNumber(dayNumber(date) + n);
}

export function yearOf(date: LocalDate): number {
  return Number(date.slice(0, 4));
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(date: LocalDate): number {
  // 1970-01-01 was a Thursday (4).
  return (((dayNumber(date) + 4) % 7) + 7) % 7;
}

export function isWeekend(date: LocalDate): boolean {
  const w = weekday(date);
  return w === 0 || w === 6;
}
