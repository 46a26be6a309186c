import { describe, expect, it } from 'vitest';
import { addYears, assertPeriod, periodEnd } from './period.ts';

describe('retention periods', () => {
  it('N years after a date end on the corresponding day; 29 February ends on 28 February (民法典第二百零二条)', () => {
    expect(addYears('2026-01-05', 2)).toBe('2028-01-05');
    expect(addYears('2024-02-29', 1)).toBe('2025-02-28');
    expect(addYears('2024-02-29', 4)).toBe('2028-02-29');
  });

  it('ends at 24:00 Beijing time of the last day, counted from the local date of the start', () => {
    // 2026-01-04T17:00Z is already 2026-01-05 01:00 in Beijing.
    expect(periodEnd(new Date('2026-01-04T17:00:00Z'), { years: 3 }, 'Asia/Shanghai')).toEqual({ until: '2029-01-05T15:59:59.999Z', untilDate: '2029-01-05' });
    expect(periodEnd(new Date('2026-01-04T17:00:00Z'), { permanent: true }, 'Asia/Shanghai')).toBeNull();
  });

  it('accepts whole years 1-100 or permanent, nothing else', () => {
    expect(assertPeriod({ years: 2 })).toEqual({ years: 2 });
    expect(assertPeriod({ permanent: true })).toEqual({ permanent: true });
    for (const bad of [{ years: 0 }, { years: 1.5 }, { years: 101 }, { permanent: false }, { years: 2, permanent: true }, null, 'permanent']) {
      expect(() => assertPeriod(bad)).toThrow(expect.objectContaining({ code: 'retention.bad_period' }));
    }
  });
});
