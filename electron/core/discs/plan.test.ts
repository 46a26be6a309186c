import { describe, expect, it } from 'vitest';
import { cleanVolumeLabel, planDiscs, usableBytes, volumeIdFor } from './plan.ts';
import { FIXED_RESERVE_BYTES, MEDIA_PROFILES, PER_FILE_RESERVE_BYTES, onMediumBytes } from './profiles.ts';

const MB = 1024 * 1024;
const cd = MEDIA_PROFILES.cd.capacityBytes!;

describe('disc plan', () => {
  it('media capacities are what drives report, in whole 2048-byte sectors', () => {
    expect(cd).toBe(359_847 * 2048);
    expect(MEDIA_PROFILES.dvd.capacityBytes).toBe(4_700_372_992);
    expect(MEDIA_PROFILES['dvd-dl'].capacityBytes! % 2048).toBe(0);
    expect(MEDIA_PROFILES.bd50.capacityBytes).toBe(2 * MEDIA_PROFILES.bd25.capacityBytes!);
    expect(MEDIA_PROFILES.usb.capacityBytes).toBeNull();
    expect(onMediumBytes(0)).toBe(0);
    expect(onMediumBytes(1)).toBe(2048);
    expect(onMediumBytes(2049)).toBe(4096);
  });

  it('1.2 GB of 200 MiB recordings on CD: two discs of three, in request order', () => {
    const items = Array.from({ length: 6 }, (_, i) => ({ recordingId: `RC-${i + 1}`, size: 200 * MB + 38 }));
    const plan = planDiscs(items, cd);
    expect(plan.map((d) => d.items)).toEqual([
      ['RC-1', 'RC-2', 'RC-3'],
      ['RC-4', 'RC-5', 'RC-6'],
    ]);
    for (const d of plan) expect(d.bytes).toBeLessThanOrEqual(usableBytes(cd, d.items.length));
  });

  it('first fit keeps discs full without reordering the earliest items', () => {
    const plan = planDiscs(
      [
        { recordingId: 'a', size: 500 * MB },
        { recordingId: 'b', size: 400 * MB },
        { recordingId: 'c', size: 100 * MB },
        { recordingId: 'd', size: 250 * MB },
      ],
      cd,
    );
    expect(plan.map((d) => d.items)).toEqual([['a', 'c'], ['b', 'd']]);
  });

  it('an original never spans media: one larger than a medium is refused by name', () => {
    expect(() => planDiscs([{ recordingId: 'RC-9', size: cd }], cd)).toThrow(expect.objectContaining({ code: 'disc.file_too_large', params: expect.objectContaining({ recordingId: 'RC-9' }) }));
    // The largest that fits, given the package's own files.
    const max = cd - FIXED_RESERVE_BYTES - PER_FILE_RESERVE_BYTES;
    expect(planDiscs([{ recordingId: 'x', size: max }], cd)).toHaveLength(1);
    // A 4.1 GiB recording (ISO 9660 level 3, multi-extent) fits a DVD.
    expect(planDiscs([{ recordingId: 'big', size: Math.round(4.1 * 2 ** 30) }], MEDIA_PROFILES.dvd.capacityBytes!)).toHaveLength(1);
  });

  it('volume ids: ISO 9660 d-characters, at most 32, case number first, disc n of m', () => {
    expect(volumeIdFor({ agencyCode: 'sx-lc01', caseNumber: '晋林罚〔2025〕17号', requestId: 'RQ-000001', disc: 1, discs: 1 })).toBe('SX_LC01_2025_17');
    expect(volumeIdFor({ agencyCode: 'TEST01', caseNumber: null, requestId: 'RQ-000123', disc: 2, discs: 3 })).toBe('TEST01_RQ_000123_2OF3');
    const long = volumeIdFor({ agencyCode: 'AGENCY01', caseNumber: 'A-VERY-LONG-CASE-NUMBER-2025-000123', requestId: 'RQ-1', disc: 10, discs: 12 });
    expect(long.length).toBeLessThanOrEqual(32);
    expect(long).toMatch(/^[A-Z0-9_]+_10OF12$/);
    expect(cleanVolumeLabel('案卷 2025', 1, 2)).toBe('2025_1OF2');
    expect(cleanVolumeLabel('证据', 1, 1)).toBeNull();
  });
});
