// Issue 15, disc names: a long original name used to be cut at 48 characters, which dropped its
// _serial_officer_time_seq tail — the part that identifies the recording. The descriptive part is
// shortened now; the manifest keeps the original name (package.test.ts).
import { describe, expect, it } from 'vitest';
import { safePackageName, shortenStem } from './format.ts';

describe('names on discs', () => {
  it('issue 15: a long name keeps its identifying tail and shortens the description', () => {
    const original = '朝阳路段违法停车处理现场执法全过程记录第一部分含当事人陈述与证人询问_1234567_010203_20250301100304_0001_IMP.MP4';
    const name = safePackageName(3, original);
    expect(name).toMatch(/_1234567_010203_20250301100304_0001_IMP\.MP4$/);
    expect(name.startsWith('0003_朝阳路段')).toBe(true);
    expect(name).toContain('~');
    expect([...name.slice(5, -4)].length).toBeLessThanOrEqual(48);
  });

  it('keeps the split date/time tail of DCAM names, alphanumeric fields included', () => {
    const stem = shortenStem('XZCF-2026-0815-某单位某大队某中队日常巡查现场取证记录_DCAM_CAM001_000001_20260804_100000_IMP', 48);
    expect(stem.endsWith('_CAM001_000001_20260804_100000_IMP')).toBe(true);
    expect([...stem].length).toBeLessThanOrEqual(48);
  });

  it('short names and names without a recorder tail are as before', () => {
    expect(safePackageName(1, '1234567_010203_20250301100304_0001.MP4')).toBe('0001_1234567_010203_20250301100304_0001.MP4');
    const long = 'x'.repeat(80);
    expect(shortenStem(long, 48)).toBe('x'.repeat(48));
  });
});
