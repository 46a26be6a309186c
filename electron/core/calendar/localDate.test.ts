import { describe, expect, it } from 'vitest';
import { addDays, dayNumber, fromDayNumber, isLocalDate, isWeekend, weekday } from './localDate.ts';

describe('local dates', () => {
  it.each([
    ['2025-01-26', true],
    ['2024-02-29', true],
    ['2025-02-29', false],
    ['2025-1-26', false],
    ['2025-01-26T00:00', false],
    [' 2025-01-26', false],
    ['0999-01-01', false],
    [20250126, false],
  ])('%j valid=%s', (value, valid) => {
    expect(isLocalDate(value)).toBe(valid);
  });

  it('does day arithmetic across months, years and leap days', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2025-02-28', 1)).toBe('2025-03-01');
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
    expect(dayNumber('1970-01-01')).toBe(0);
    expect(fromDayNumber(dayNumber('2026-02-17'))).toBe('2026-02-17');
  });

  it('knows weekdays (0 = Sunday)', () => {
    expect(weekday('2025-01-26')).toBe(0);
    expect(weekday('2025-02-08')).toBe(6);
    expect(weekday('2025-01-28')).toBe(2);
    expect(weekday('1969-12-31')).toBe(3);
    expect(isWeekend('2026-02-14')).toBe(true);
    expect(isWeekend('2026-02-13')).toBe(false);
  });
});
