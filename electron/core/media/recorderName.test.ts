import { describe, expect, it } from 'vitest';
import { recorderFileName } from '../../../tests/fixtures/mediaFixtures.ts';
import { MAX_NAME_LENGTH, localTimeToUtc, parseRecorderName } from './recorderName.ts';

const AT = { year: 2025, month: 3, day: 1, hour: 10, minute: 3, second: 4 };

describe('parseRecorderName', () => {
  it('reads the standard GA/T 947 layout', () => {
    expect(parseRecorderName('1234567_010203_20250301100304_0001.MP4')).toEqual({
      rule: 'gat947',
      fieldOrder: 'device-first',
      deviceSerial: '1234567',
      officerId: '010203',
      recordedAtLocal: AT,
      recordedAtRaw: '20250301100304',
      sequence: 1,
      important: false,
      extension: 'mp4',
    });
  });

  it('reads the officer-first variant: 6 digits are the officer, 7 the device', () => {
    expect(parseRecorderName('010203_1234567_20250301100304_0012.MP4')).toMatchObject({
      rule: 'gat947-officer-first',
      fieldOrder: 'officer-first',
      deviceSerial: '1234567',
      officerId: '010203',
      recordedAtLocal: AT,
      sequence: 12,
    });
  });

  it('reads _IMP (any case) as important', () => {
    expect(parseRecorderName('1234567_010203_20250301100304_0001_IMP.MP4')).toMatchObject({ rule: 'gat947', important: true });
    expect(parseRecorderName('010203_1234567_20250301100304_0001_imp.mp4')).toMatchObject({ rule: 'gat947-officer-first', important: true });
  });

  it.each([
    ['XZCF2025001_1234567_010203_20250301100304_0001.MP4', 'XZCF2025001', 'device-first', false],
    ['XZCF2025001_010203_1234567_20250301100304_0001_IMP.MP4', 'XZCF2025001', 'officer-first', true],
    ['A-2025-17_1234567_010203_20250301100304_0001.mp4', 'A-2025-17', 'device-first', false],
    ['2025001_1234567_010203_20250301100304_0001.MP4', '2025001', 'device-first', false],
    ['刑侦2025第17号_1234567_010203_20250301100304_0001.MP4', '刑侦2025第17号', 'device-first', false],
  ])('reads a case prefix: %s', (name, caseNumber, fieldOrder, important) => {
    expect(parseRecorderName(name)).toMatchObject({
      rule: 'case-prefixed',
      caseNumber,
      fieldOrder,
      deviceSerial: '1234567',
      officerId: '010203',
      recordedAtLocal: AT,
      important,
    });
  });

  it.each([
    ['JPG', 'jpg'],
    ['jpg', 'jpg'],
    ['WAV', 'wav'],
    ['AMR', 'amr'],
    ['MOV', 'mov'],
    ['mp4', 'mp4'],
  ])('accepts .%s files', (ext, extension) => {
    expect(parseRecorderName(`1234567_010203_20250301100304_0001.${ext}`)).toMatchObject({ rule: 'gat947', extension });
  });

  it('accepts a name without an extension, and parses only the last path segment', () => {
    expect(parseRecorderName('1234567_010203_20250301100304_0001')).toMatchObject({ rule: 'gat947', extension: '' });
    expect(parseRecorderName('DCIM/100MEDIA/1234567_010203_20250301100304_0001.MP4')).toMatchObject({ rule: 'gat947' });
    expect(parseRecorderName('..\\..\\1234567_010203_20250301100304_0001.MP4')).toMatchObject({ rule: 'gat947' });
    expect(parseRecorderName('../')).toEqual({ rule: 'none', important: false, extension: '' });
  });

  it('keeps the rule but drops the time when the 14 digits are not a calendar time', () => {
    for (const time of ['20251301100304', '20250230100304', '20250301240000', '20250301106000', '00000000000000']) {
      const r = parseRecorderName(`1234567_010203_${time}_0001.MP4`);
      expect(r.rule).toBe('gat947');
      expect(r.recordedAtLocal).toBeUndefined();
      expect(r.recordedAtRaw).toBe(time);
      expect(r.deviceSerial).toBe('1234567');
    }
    expect(parseRecorderName('1234567_010203_20240229235959_0001.MP4').recordedAtLocal).toEqual({ year: 2024, month: 2, day: 29, hour: 23, minute: 59, second: 59 });
  });

  it.each([
    'IMG_0001.JPG',
    'VID_20250301_100304.mp4',
    '123456_123456_20250301100304_0001.MP4', // two 6-digit fields: which is the device?
    '1234567_1234567_20250301100304_0001.MP4',
    '12345678_010203_20250301100304_0001.MP4',
    '1234567_010203_2025030110030_0001.MP4',
    '1234567_010203_20250301100304_001.MP4',
    '1234567_010203_20250301100304_0001_IMPORTANT.MP4',
    '1234567-010203-20250301100304-0001.MP4',
    '1234567_010203_20250301100304_0001.MP4.part',
    '１２３４５６７_010203_20250301100304_0001.MP4',
    'XZ_CF_1234567_010203_20250301100304_0001.MP4',
    '',
    '.MP4',
  ])('does not match %j', (name) => {
    expect(parseRecorderName(name).rule).toBe('none');
  });

  it('never throws on hostile names', () => {
    const hostile = [
      '../../etc/passwd',
      '1234567_010203_20250301100304_0001\u0000.MP4',
      '1234567_010203_20250301100304_0001\n.MP4',
      '\u202e4PM.1000_40300110305202_302010_7654321',
      'a'.repeat(100_000),
      `${'1'.repeat(7)}_`.repeat(10_000),
      '\ud800\udc00\ud800.MP4',
      '😀_1234567_010203_20250301100304_0001.MP4',
    ];
    for (const name of hostile) {
      const r = parseRecorderName(name);
      expect(typeof r.rule).toBe('string');
      expect(typeof r.extension).toBe('string');
    }
    expect(parseRecorderName('1234567_010203_20250301100304_0001\u0000.MP4').rule).toBe('none');
    expect(parseRecorderName(`${'A'.repeat(MAX_NAME_LENGTH)}_1234567_010203_20250301100304_0001.MP4`).rule).toBe('none');
  });

  it('reports the extension of names it cannot read', () => {
    expect(parseRecorderName('IMG_0001.JPG')).toEqual({ rule: 'none', important: false, extension: 'jpg' });
    expect(parseRecorderName('archive.tar.gz').extension).toBe('gz');
    expect(parseRecorderName('weird.ext with space').extension).toBe('');
  });

  it('gives the name time in UTC through localTimeToUtc (Asia/Shanghai by default)', () => {
    const r = parseRecorderName('1234567_010203_20250301100304_0001.MP4');
    expect(r.recordedAtLocal && localTimeToUtc(r.recordedAtLocal).toISOString()).toBe('2025-03-01T02:03:04.000Z');
    expect(r.recordedAtLocal && localTimeToUtc(r.recordedAtLocal, 'Europe/Berlin').toISOString()).toBe('2025-03-01T09:03:04.000Z');
  });

  it('reads back every name the fixture builder makes', () => {
    const localTime = new Date('2024-12-31T23:59:58Z');
    for (const officerFirst of [false, true]) {
      for (const caseNumber of [undefined, 'XZCF2025001']) {
        for (const important of [false, true]) {
          const name = recorderFileName({ officerFirst, caseNumber, important, localTime, sequence: 42, extension: 'jpg' });
          expect(parseRecorderName(name)).toMatchObject({
            rule: caseNumber ? 'case-prefixed' : officerFirst ? 'gat947-officer-first' : 'gat947',
            deviceSerial: '1234567',
            officerId: '010203',
            recordedAtLocal: { year: 2024, month: 12, day: 31, hour: 23, minute: 59, second: 58 },
            sequence: 42,
            important,
            extension: 'jpg',
          });
        }
      }
    }
  });
});
