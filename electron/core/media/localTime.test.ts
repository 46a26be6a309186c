import { describe, expect, it } from 'vitest';
import { isStationError } from '../errors.ts';
import { daysInMonth, formatLocal, isValidLocalDateTime, localTimeToUtc, parseCompactLocal, utcToLocal } from './localTime.ts';
import type { LocalDateTime } from './localTime.ts';

const t = (year: number, month: number, day: number, hour = 0, minute = 0, second = 0): LocalDateTime => ({ year, month, day, hour, minute, second });

describe('calendar validation', () => {
  it('knows month lengths and leap years', () => {
    expect(daysInMonth(2024, 2)).toBe(29);
    expect(daysInMonth(2025, 2)).toBe(28);
    expect(daysInMonth(1900, 2)).toBe(28);
    expect(daysInMonth(2000, 2)).toBe(29);
    expect(daysInMonth(2025, 4)).toBe(30);
    expect(daysInMonth(2025, 12)).toBe(31);
  });

  it.each([
    [t(2025, 13, 1), false],
    [t(2025, 0, 1), false],
    [t(2025, 2, 29), false],
    [t(2024, 2, 29), true],
    [t(2025, 2, 30), false],
    [t(2025, 4, 31), false],
    [t(2025, 1, 1, 24), false],
    [t(2025, 1, 1, 23, 60), false],
    [t(2025, 1, 1, 23, 59, 60), false],
    [t(2025, 1, 1, 23, 59, 59), true],
    [t(999, 1, 1), false],
    [t(2025.5, 1, 1), false],
  ])('%j valid=%s', (time, valid) => {
    expect(isValidLocalDateTime(time)).toBe(valid);
  });

  it('parses 14 compact digits and refuses non-calendar times', () => {
    expect(parseCompactLocal('20250301100304')).toEqual(t(2025, 3, 1, 10, 3, 4));
    expect(parseCompactLocal('20251301100304')).toBeNull();
    expect(parseCompactLocal('20250230100304')).toBeNull();
    expect(parseCompactLocal('2025030110030')).toBeNull();
    expect(parseCompactLocal('２０２５0301100304')).toBeNull();
    expect(parseCompactLocal('00000000000000')).toBeNull();
  });

  it('formats as ISO-like local text', () => {
    expect(formatLocal(t(2025, 3, 1, 9, 5, 7))).toBe('2025-03-01T09:05:07');
  });
});

describe('localTimeToUtc', () => {
  it('defaults to Asia/Shanghai (UTC+8, no DST)', () => {
    expect(localTimeToUtc(t(2025, 3, 1, 10, 3, 4)).toISOString()).toBe('2025-03-01T02:03:04.000Z');
    expect(localTimeToUtc(t(2025, 7, 1, 0, 0, 0), 'Asia/Shanghai').toISOString()).toBe('2025-06-30T16:00:00.000Z');
    expect(localTimeToUtc(t(2025, 1, 1, 3, 0, 0)).toISOString()).toBe('2024-12-31T19:00:00.000Z');
  });

  it('works for other zones, including half-hour and negative offsets', () => {
    expect(localTimeToUtc(t(2025, 1, 15, 12), 'UTC').toISOString()).toBe('2025-01-15T12:00:00.000Z');
    expect(localTimeToUtc(t(2025, 1, 15, 12), 'Asia/Kolkata').toISOString()).toBe('2025-01-15T06:30:00.000Z');
    expect(localTimeToUtc(t(2025, 1, 15, 12), 'America/New_York').toISOString()).toBe('2025-01-15T17:00:00.000Z');
    expect(localTimeToUtc(t(2025, 7, 15, 12), 'America/New_York').toISOString()).toBe('2025-07-15T16:00:00.000Z');
    expect(localTimeToUtc(t(2025, 1, 15, 12), 'Asia/Urumqi').toISOString()).toBe('2025-01-15T06:00:00.000Z');
  });

  it('applies summer and winter time in Europe/Berlin', () => {
    expect(localTimeToUtc(t(2025, 1, 15, 12), 'Europe/Berlin').toISOString()).toBe('2025-01-15T11:00:00.000Z');
    expect(localTimeToUtc(t(2025, 7, 15, 12), 'Europe/Berlin').toISOString()).toBe('2025-07-15T10:00:00.000Z');
  });

  it('reads a time in the spring-forward gap with the offset before the jump (lands the gap later)', () => {
    // 2025-03-30 02:00 CET → 03:00 CEST: 02:30 never happened.
    const d = localTimeToUtc(t(2025, 3, 30, 2, 30), 'Europe/Berlin');
    expect(d.toISOString()).toBe('2025-03-30T01:30:00.000Z');
    expect(utcToLocal(d, 'Europe/Berlin')).toEqual(t(2025, 3, 30, 3, 30));
    // Neighbours keep their order across the gap.
    expect(localTimeToUtc(t(2025, 3, 30, 1, 59, 59), 'Europe/Berlin').getTime()).toBeLessThan(d.getTime());
    expect(localTimeToUtc(t(2025, 3, 30, 3, 0), 'Europe/Berlin').toISOString()).toBe('2025-03-30T01:00:00.000Z');
  });

  it('resolves a repeated fall-back time to the earlier instant (still summer time)', () => {
    // 2025-10-26 03:00 CEST → 02:00 CET: 02:30 happened twice.
    expect(localTimeToUtc(t(2025, 10, 26, 2, 30), 'Europe/Berlin').toISOString()).toBe('2025-10-26T00:30:00.000Z');
    expect(localTimeToUtc(t(2025, 10, 26, 3, 0), 'Europe/Berlin').toISOString()).toBe('2025-10-26T02:00:00.000Z');
    expect(localTimeToUtc(t(2025, 10, 26, 1, 59, 59), 'Europe/Berlin').toISOString()).toBe('2025-10-25T23:59:59.000Z');
  });

  it('matches the US gap and overlap rule too', () => {
    expect(localTimeToUtc(t(2025, 3, 9, 2, 30), 'America/New_York').toISOString()).toBe('2025-03-09T07:30:00.000Z');
    expect(localTimeToUtc(t(2025, 11, 2, 1, 30), 'America/New_York').toISOString()).toBe('2025-11-02T05:30:00.000Z');
  });

  it('handles China’s historical DST (1986-1991)', () => {
    // 1988-04-10 02:00 → 03:00 in Asia/Shanghai.
    expect(localTimeToUtc(t(1988, 7, 1, 12), 'Asia/Shanghai').toISOString()).toBe('1988-07-01T03:00:00.000Z');
  });

  it('round-trips every hour of a DST year in Berlin outside the gap', () => {
    for (let ms = Date.UTC(2025, 0, 1); ms < Date.UTC(2026, 0, 1); ms += 3_600_000) {
      const at = new Date(ms);
      const local = utcToLocal(at, 'Europe/Berlin');
      const back = localTimeToUtc(local, 'Europe/Berlin');
      // The second occurrence of a repeated hour maps to the first, an hour earlier.
      expect(ms - back.getTime() === 0 || ms - back.getTime() === 3_600_000).toBe(true);
    }
  });

  it('throws input errors for an invalid time or zone', () => {
    const bad = (): Date => localTimeToUtc(t(2025, 2, 30), 'Asia/Shanghai');
    expect(bad).toThrow();
    try {
      bad();
    } catch (e) {
      expect(isStationError(e) && e.code).toBe('time.invalid_local');
    }
    try {
      localTimeToUtc(t(2025, 2, 1), 'Mars/Olympus');
      expect.unreachable();
    } catch (e) {
      expect(isStationError(e) && e.code).toBe('time.invalid_zone');
    }
  });
});
