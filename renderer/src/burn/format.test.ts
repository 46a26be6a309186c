import { describe, expect, it } from 'vitest';
import { formatBytes, percent } from './format.ts';

describe('formatBytes', () => {
  it('uses decimal units as disc capacities do', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(737_126_400)).toBe('737 MB');
    expect(formatBytes(4_700_372_992)).toBe('4.70 GB');
    expect(formatBytes(25_025_314_816)).toBe('25.0 GB');
    expect(formatBytes(null)).toBe('—');
  });

  it('never reports more than 100 %', () => {
    expect(percent(5, 10)).toBe(50);
    expect(percent(11, 10)).toBe(100);
    expect(percent(1, 0)).toBe(0);
  });
});
