// Issue 15: naming rules are data, each rule proven by its own examples. The parser used to know only
// {serial7}_{officer6}_{YYYYMMDDhhmmss}_{seq4} with digits; letters in 产品序号/警号 (ZFY_INFO),
// DCAM_…_IMP, date-first and IMP-first names fell to 'none' and were dated by the file system.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isStationError } from '../errors.ts';
import { compileLayout, exampleFailures, matchRecorderName, parseNamingRules, shippedNamingRules } from './namingRules.ts';
import type { NamingRule } from './namingRules.ts';
import { parseRecorderName } from './recorderName.ts';

const rules = shippedNamingRules();

describe('naming rules', () => {
  it('every shipped rule reads its own examples as they say', () => {
    expect(exampleFailures(rules)).toEqual([]);
    expect(rules.every((r) => r.examples.length > 0)).toBe(true);
  });

  it.each(rules.flatMap((r) => r.examples.map((e) => [r.id, e.name, e.expect] as const)))('%s: %s', (rule, name, expected) => {
    const res = matchRecorderName(name, rules);
    if (expected === null) expect(res.matched.map((m) => m.rule)).not.toContain(rule);
    else {
      expect(res.matched.map((m) => m.rule)).toContain(rule);
      expect(matchRecorderName(name, rules.filter((r) => r.id === rule)).name).toMatchObject(expected);
    }
  });

  it.each([
    ['issue 15: alphanumeric serial and officer', 'A12B345_JH0102_20250301100304_0002_IMP.mp4', 'gat947', { deviceSerial: 'A12B345', officerId: 'JH0102', important: true }],
    ['issue 15: DCAM layout with _IMP', 'DCAM_CAM001_000001_20260804_100000_IMP.mp4', 'dcam-imp', { deviceSerial: 'CAM001', officerId: '000001', recordedAtLocal: { year: 2026, month: 8, day: 4, hour: 10, minute: 0, second: 0 }, important: true }],
    ['issue 15: date first', '20260804100000_1234567_010203_0001.MP4', 'date-first', { deviceSerial: '1234567', officerId: '010203', sequence: 1 }],
    ['issue 15: IMP in front', 'IMP_1234567_010203_20260804100000_0001.MP4', 'imp-first', { important: true, sequence: 1 }],
  ])('%s: misread or unread before, read now', (_label, name, rule, fields) => {
    // The old parser (kept for device identification) gave 'none', or read IMP as a case number.
    expect(parseRecorderName(name)).not.toMatchObject(fields);
    expect(matchRecorderName(name, rules).name).toMatchObject({ rule, ...fields });
  });

  it('records every rule that matched, and a model\'s own rules come first', () => {
    const extra = parseNamingRules({
      format: 'evidence-station/naming-rules',
      version: 1,
      rules: [
        ...JSON.parse(readFileSync(new URL('../../../resources/recorders/naming-rules.json', import.meta.url), 'utf8')).rules,
        {
          id: 'acme-x1',
          models: ['acme-x1'],
          layout: '{officer6}_{serial7}_{time14}_{seq4}{imp}',
          source: 'test',
          verified: false,
          examples: [{ name: '010203_1234567_20250301100304_0001.MP4', expect: { officerId: '010203' } }],
        },
      ],
    });
    const name = '010203_1234567_20250301100304_0001.MP4';
    expect(matchRecorderName(name, extra).matched.map((m) => m.rule)).toEqual(['gat947-officer-first']);
    const forModel = matchRecorderName(name, extra, 'acme-x1');
    expect(forModel.name.rule).toBe('acme-x1');
    expect(forModel.matched.map((m) => m.rule)).toEqual(['acme-x1', 'gat947-officer-first']);
  });

  it('a name no rule matches says so', () => {
    expect(matchRecorderName('IMG_0001.JPG', rules)).toEqual({ name: { rule: 'none', important: false, extension: 'jpg' }, matched: [] });
    expect(matchRecorderName(`1234567_010203_20250301100304_0001\u0000.MP4`, rules).name.rule).toBe('none');
  });

  it('refuses rules that are malformed or whose examples do not hold', () => {
    const base = { format: 'evidence-station/naming-rules', version: 1 };
    const rule = (over: Partial<NamingRule> & Record<string, unknown>) => ({ id: 'r', models: ['*'], layout: '{serial7}_{time14}', source: 's', verified: false, examples: [{ name: '1234567_20250301100304.mp4', expect: {} }], ...over });
    const code = (raw: unknown): string | null => {
      try {
        parseNamingRules(raw);
        return null;
      } catch (e) {
        return isStationError(e) ? e.code : 'other';
      }
    };
    expect(code({ ...base, rules: [rule({})] })).toBeNull();
    expect(code({ ...base, rules: [rule({ layout: '{serial7}.*{time14}' })] })).toBe('media.naming_rules_invalid');
    expect(code({ ...base, rules: [rule({ layout: '{nonsense}' })] })).toBe('media.naming_rules_invalid');
    expect(code({ ...base, rules: [rule({ examples: [] })] })).toBe('media.naming_rules_invalid');
    expect(code({ ...base, rules: [rule({ typo: 1 })] })).toBe('media.naming_rules_invalid');
    expect(code({ ...base, rules: [rule({}), rule({})] })).toBe('media.naming_rules_invalid');
    const wrong = parseNamingRules({ ...base, rules: [rule({ examples: [{ name: '1234567_20250301100304.mp4', expect: { deviceSerial: '7654321' } }] })] });
    expect(exampleFailures(wrong)).toEqual([
      { rule: 'r', name: '1234567_20250301100304.mp4', code: 'field', field: 'deviceSerial', got: '"1234567"', want: '"7654321"', problem: 'deviceSerial is "1234567", the example says "7654321"' },
    ]);
    expect(() => compileLayout('{date8}_{serial7}')).toThrow();
  });
});
