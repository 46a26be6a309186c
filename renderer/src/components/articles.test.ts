import { describe, expect, it } from 'vitest';
import { articleNumber } from './articles.ts';

describe('articleNumber', () => {
  it('reads the Chinese article numbers the rules use', () => {
    expect(articleNumber('第九条')).toBe(9);
    expect(articleNumber('第十条')).toBe(10);
    expect(articleNumber('第十二条')).toBe(12);
    expect(articleNumber('第二十条')).toBe(20);
    expect(articleNumber('第二十六条')).toBe(26);
    expect(articleNumber('第三十九条')).toBe(39);
    expect(articleNumber('第一百零二条')).toBe(102);
    expect(articleNumber('Art. 3')).toBeNull();
  });
});
