import { describe, expect, it } from 'vitest';
import { formatBytes, formatSpeed } from './formatBytes.ts';

describe('formatBytes', () => {
  it('writes small files in bytes and kilobytes, never as 0.0 of a larger unit', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(999)).toBe('999 B');
    // A JPEG photo and an AMR voice note, the sizes the replica screen used to show as "0.0 MiB".
    expect(formatBytes(183_412)).toBe('183 kB');
    expect(formatBytes(9_766)).toBe('9.77 kB');
    expect(formatBytes(1_000)).toBe('1.00 kB');
  });

  it('uses decimal units as disc capacities do, with three significant figures', () => {
    expect(formatBytes(737_126_400)).toBe('737 MB');
    expect(formatBytes(4_700_372_992)).toBe('4.70 GB');
    expect(formatBytes(25_025_314_816)).toBe('25.0 GB');
    expect(formatBytes(2_147_483_648)).toBe('2.15 GB');
  });

  it('moves to the next unit when rounding would print 1000', () => {
    expect(formatBytes(999_950)).toBe('1.00 MB');
    expect(formatBytes(999_499)).toBe('999 kB');
  });

  it('says nothing is known rather than inventing a size', () => {
    expect(formatBytes(null)).toBe('—');
    expect(formatBytes(undefined)).toBe('—');
    expect(formatBytes(Number.NaN)).toBe('—');
    expect(formatBytes(-1)).toBe('—');
  });

  it('writes speeds in the same units', () => {
    expect(formatSpeed(52_400_000)).toBe('52.4 MB/s');
  });
});
