// Recorders stamp file names and EXIF with wall-clock time and no zone. The station stores UTC, so the
// agency's zone is applied once, here, with the same rule everywhere.
import { StationError } from '../errors.ts';

/** A wall-clock time with no zone, as written by a recorder. Months are 1-12. */
export type LocalDateTime = {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
};

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeap(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * A real calendar time: month 13, 30 February, hour 24 and leap second 60 are all refused.
 * Years are limited to 1000-9999 because the formats that feed this carry four-digit years.
 */
export function isValidLocalDateTime(t: LocalDateTime): boolean {
  const ints = [t.year, t.month, t.day, t.hour, t.minute, t.second];
  if (!ints.every((n) => Number.isInteger(n))) return false;
  return (
    t.year >= 1000 &&
    t.year <= 9999 &&
    t.month >= 1 &&
    t.month <= 12 &&
    t.day >= 1 &&
    t.day <= daysInMonth(t.year, t.month) &&
    t.hour >= 0 &&
    t.hour <= 23 &&
    t.minute >= 0 &&
    t.minute <= 59 &&
    t.second >= 0 &&
    t.second <= 59
  );
}

/** Parses fixed-width `YYYYMMDDhhmmss`; null when not 14 ASCII digits or not a real calendar time. */
export function parseCompactLocal(digits: string): LocalDateTime | null {
  if (!/^[0-9]{14}$/.test(digits)) return null;
  const n = (from: number, len: number): number => Number(digits.slice(from, from + len));
  const t = { year: n(0, 4), month: n(4, 2), day: n(6, 2), hour: n(8, 2), minute: n(10, 2), second: n(12, 2) };
  return isValidLocalDateTime(t) ? t : null;
}

export function formatLocal(t: LocalDateTime): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${p(t.year, 4)}-${p(t.month)}-${p(t.day)}T${p(t.hour)}:${p(t.minute)}:${p(t.second)}`;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        era: 'short',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch (e) {
      throw new StationError('input', 'time.invalid_zone', { timeZone }, { cause: e });
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall-clock time in `timeZone` at the instant `at` (whole seconds). */
export function utcToLocal(at: Date, timeZone: string = DEFAULT_TIME_ZONE): LocalDateTime {
  const parts = formatterFor(timeZone).formatToParts(at);
  const get = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value);
  const era = parts.find((p) => p.type === 'era')?.value;
  const year = era === 'BC' || era === 'B' ? 1 - get('year') : get('year');
  return { year, month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute'), second: get('second') };
}

function wallAsUtcMs(t: LocalDateTime): number {
  // Date.UTC maps years 0-99 to 1900-1999; setUTCFullYear does not.
  const d = new Date(Date.UTC(2000, t.month - 1, t.day, t.hour, t.minute, t.second));
  d.setUTCFullYear(t.year);
  return d.getTime();
}

/** Offset of `timeZone` from UTC at instant `ms`, in milliseconds (east positive). */
function offsetAt(ms: number, timeZone: string): number {
  const instant = Math.floor(ms / 1000) * 1000;
  return wallAsUtcMs(utcToLocal(new Date(instant), timeZone)) - instant;
}

const DAY_MS = 86_400_000;

/**
 * The UTC instant at which the wall clock in `timeZone` showed `local`.
 *
 * Daylight-saving transitions follow the rule of java.time and Temporal's `'compatible'`
 * disambiguation, so the result is the same whichever of those a reviewer checks it against:
 * - a time that happened twice (clocks set back, e.g. Europe/Berlin 2025-10-26 02:30) resolves to
 *   the EARLIER instant, the one still on summer time;
 * - a time that never happened (clocks set forward, e.g. Europe/Berlin 2025-03-30 02:30) is read
 *   with the offset in force before the jump, i.e. it lands the gap's length later (03:30 CEST).
 *   A recorder whose clock was not yet adjusted writes exactly such a time, and this reading keeps
 *   its order relative to neighbouring files.
 * Zones without DST (Asia/Shanghai since 1991) have neither case.
 *
 * Throws StationError `time.invalid_local` for a non-calendar time and `time.invalid_zone` for an
 * unknown zone name: both are caller mistakes, not properties of a file.
 */
export function localTimeToUtc(local: LocalDateTime, timeZone: string = DEFAULT_TIME_ZONE): Date {
  if (!isValidLocalDateTime(local)) {
    throw new StationError('input', 'time.invalid_local', { local: JSON.stringify(local) });
  }
  formatterFor(timeZone);
  const wall = wallAsUtcMs(local);
  // Offsets a day either side bracket any single transition; zones never change twice in a day.
  const before = offsetAt(wall - DAY_MS, timeZone);
  const after = offsetAt(wall + DAY_MS, timeZone);
  const candidates = [...new Set([before, after])]
    .map((offset) => wall - offset)
    .filter((ms) => wallAsUtcMs(utcToLocal(new Date(ms), timeZone)) === wall)
    .sort((a, b) => a - b);
  const first = candidates[0];
  if (first !== undefined) return new Date(first);
  // Also covers a zone whose offset changed for less than a day between the two probes.
  const exact = wall - offsetAt(wall, timeZone);
  if (wallAsUtcMs(utcToLocal(new Date(exact), timeZone)) === wall) return new Date(exact);
  return new Date(wall - before);
}
