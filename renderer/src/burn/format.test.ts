import { describe, expect, it } from 'vitest';
import { percent } from './format.ts';

describe('percent', () => {
  it('never reports more than 100 %', () => {
    expect(percent(5, 10)).toBe(50);
    expect(percent(11, 10)).toBe(100);
    expect(percent(1, 0)).toBe(0);
  });
});
