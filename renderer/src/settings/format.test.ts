import { describe, expect, it } from 'vitest';
import { dateRuns, previewYear, runsText, sameValue } from './format.ts';

describe('settings format', () => {
  it('joins consecutive dates into runs, across month ends', () => {
    expect(dateRuns(['2026-02-17', '2026-02-15', '2026-02-16', '2026-02-28', '2026-03-01', '2026-05-09'])).toEqual([
      ['2026-02-15', '2026-02-17'],
      ['2026-02-28', '2026-03-01'],
      ['2026-05-09', '2026-05-09'],
    ]);
    expect(runsText(['2026-01-01', '2026-01-02', '2026-01-04'])).toBe('2026-01-01 – 2026-01-02, 2026-01-04');
    expect(runsText([])).toBe('');
  });

  it('compares settings by value, not key order', () => {
    expect(sameValue({ min: 2, max: 600 }, { max: 600, min: 2 })).toBe(true);
    expect(sameValue({ hours: 24 }, { workingDays: 24 })).toBe(false);
    expect(sameValue({ hours: 24 }, { hours: 24, workingDays: 2 })).toBe(false);
  });

  it('previews whatever a year file holds without trusting its shape', () => {
    expect(previewYear({ year: 'x', sources: 3, periods: [null, { nameEn: 'A', off: ['2027-01-01', 5] }] })).toEqual({
      year: null,
      notice: null,
      periods: [{ nameZh: '', nameEn: 'A', off: ['2027-01-01'], workdays: [] }],
    });
  });
});
