import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { StationError } from '../errors.ts';
import { applyCalendarEdit, buildCalendarData, getCalendarYear, validateCalendarYear } from './calendarData.ts';
import type { CalendarYear } from './calendarData.ts';
import { loadCalendarDir, parseCalendarFile } from './loader.ts';
import { WorkingDayCalendar } from './workingDays.ts';

const calendarDir = fileURLToPath(new URL('../../../resources/calendars/', import.meta.url));
const bundledText = (year: number): string => readFileSync(join(calendarDir, `cn-${year}.json`), 'utf8');
const bundled = (year: number): CalendarYear => JSON.parse(bundledText(year)) as CalendarYear;

function thrown(fn: () => unknown): StationError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(StationError);
    return e as StationError;
  }
  throw new Error('expected a StationError');
}

/** A minimal valid year for edits: 2027 is not published, so this is test data only. */
function syntheticYear(year: number): CalendarYear {
  return {
    year,
    sources: [{ issuer: '测试', title: `测试用 ${year} 年安排`, documentNumber: '测试〔0〕1号', issued: `${year - 1}-11-01` }],
    periods: [{ nameZh: '元旦', nameEn: "New Year's Day", off: [`${year}-01-01`], workdays: [] }],
  };
}

describe('parseCalendarFile', () => {
  it('accepts the bundled files', () => {
    for (const year of [2024, 2025, 2026]) expect(parseCalendarFile(`cn-${year}.json`, bundledText(year)).year).toBe(year);
  });

  it('returns frozen data', () => {
    const y = parseCalendarFile('cn-2025.json', bundledText(2025));
    expect(Object.isFrozen(y)).toBe(true);
    expect(Object.isFrozen(y.periods[0]!.off)).toBe(true);
  });

  it('refuses a file whose name and year disagree', () => {
    const e = thrown(() => parseCalendarFile('cn-2024.json', bundledText(2025)));
    expect(e.code).toBe('calendar.data_year_mismatch');
    expect(e.params).toMatchObject({ year: 2025, expected: 2024, file: 'cn-2024.json' });
  });

  it('refuses names other than cn-<year>.json and text that is not JSON', () => {
    expect(thrown(() => parseCalendarFile('cn-25.json', bundledText(2025))).code).toBe('calendar.data_file_name');
    expect(thrown(() => parseCalendarFile('cn-2025.json', '{ "year": 2025,')).code).toBe('calendar.data_not_json');
  });
});

describe('validateCalendarYear refuses malformed data', () => {
  const edit = (fn: (y: CalendarYear) => void): unknown => {
    const y = bundled(2025);
    fn(y);
    return y;
  };
  const cases: [string, unknown, string, Record<string, unknown>?][] = [
    ['a date both off and working', edit((y) => y.periods[1]!.off.push('2025-01-26')), 'calendar.data_conflict', { year: 2025, date: '2025-01-26' }],
    ['a date off in two periods', edit((y) => y.periods[2]!.off.push('2025-01-01')), 'calendar.data_duplicate_date', { date: '2025-01-01' }],
    ['a date of another year', edit((y) => y.periods[0]!.off.push('2026-01-02')), 'calendar.data_wrong_year', { year: 2025, date: '2026-01-02' }],
    ['a working day of another year', edit((y) => y.periods[0]!.workdays.push('2024-12-28')), 'calendar.data_wrong_year', { date: '2024-12-28' }],
    ['a date without leading zeros', edit((y) => (y.periods[1]!.off[0] = '2025-1-28')), 'calendar.data_bad_date', { field: 'periods[1].off[0]', value: '2025-1-28' }],
    ['a date that does not exist', edit((y) => (y.periods[1]!.workdays[0] = '2025-02-30')), 'calendar.data_bad_date', { field: 'periods[1].workdays[0]' }],
    ['a date as a number', edit((y) => ((y.periods[1]!.off as unknown[])[0] = 20250128)), 'calendar.data_bad_date', { value: '20250128' }],
    ['a make-up working day on a weekday', edit((y) => y.periods[1]!.workdays.push('2025-02-07')), 'calendar.data_workday_not_weekend', { date: '2025-02-07' }],
    ['a stated 共N天 that disagrees', edit((y) => (y.periods[1]!.days = 7)), 'calendar.data_days_mismatch', { stated: 7, listed: 8 }],
    ['a misspelt field', edit((y) => Object.assign(y.periods[1]!, { workday: [] })), 'calendar.data_unknown_field', { field: 'periods[1].workday' }],
    ['no source', edit((y) => (y.sources = [])), 'calendar.data_field', { field: 'sources' }],
    ['a source without document number', edit((y) => (y.sources[0]!.documentNumber = ' ')), 'calendar.data_field', { field: 'sources[0].documentNumber' }],
    ['a bad issue date', edit((y) => (y.sources[0]!.issued = '2024/11/12')), 'calendar.data_bad_date', { field: 'sources[0].issued' }],
    ['a period with no days off', edit((y) => (y.periods[0]!.off = [])), 'calendar.data_field', { field: 'periods[0].off' }],
    ['a period without English name', edit((y) => delete (y.periods[0] as Partial<CalendarYear['periods'][0]>).nameEn), 'calendar.data_field', { field: 'periods[0].nameEn' }],
    ['no periods', edit((y) => (y.periods = [])), 'calendar.data_field', { field: 'periods' }],
    ['a year that is not a number', edit((y) => ((y as { year: unknown }).year = '2025')), 'calendar.data_field', { field: 'year' }],
    ['an array', [], 'calendar.data_field'],
    ['null', null, 'calendar.data_field'],
  ];
  it.each(cases)('%s', (_name, raw, code, params) => {
    const e = thrown(() => validateCalendarYear(raw));
    expect(e.code).toBe(code);
    expect(e.kind).toBe('input');
    if (params) expect(e.params).toMatchObject(params);
  });
});

describe('buildCalendarData', () => {
  it('sorts years and refuses a year given twice', () => {
    expect(buildCalendarData([bundled(2026), bundled(2024)]).years.map((y) => y.year)).toEqual([2024, 2026]);
    expect(thrown(() => buildCalendarData([bundled(2025), bundled(2025)])).code).toBe('calendar.data_duplicate_year');
  });
});

describe('loadCalendarDir', () => {
  let dir = '';
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = '';
  });

  it('loads every cn-<year>.json and ignores other files', () => {
    dir = mkdtempSync(join(tmpdir(), 'calendar-'));
    writeFileSync(join(dir, 'cn-2025.json'), bundledText(2025));
    writeFileSync(join(dir, 'README.md'), '# notes');
    expect(loadCalendarDir(dir).years.map((y) => y.year)).toEqual([2025]);
  });

  it('refuses a misnamed year file instead of skipping it', () => {
    dir = mkdtempSync(join(tmpdir(), 'calendar-'));
    writeFileSync(join(dir, 'cn-2025.json'), bundledText(2025));
    writeFileSync(join(dir, 'cn-2026-draft.json'), bundledText(2026));
    expect(thrown(() => loadCalendarDir(dir)).code).toBe('calendar.data_file_name');
  });

  it('reports a missing directory as io.not_found', () => {
    expect(thrown(() => loadCalendarDir(join(tmpdir(), 'no-such-calendar-dir-xyz'))).code).toBe('io.not_found');
  });
});

describe('administrator edits', () => {
  const data = loadCalendarDir(calendarDir);

  it('put_year adds a year without touching the original', () => {
    const next = applyCalendarEdit(data, { kind: 'put_year', year: syntheticYear(2027) });
    expect(next.years.map((y) => y.year)).toEqual([2024, 2025, 2026, 2027]);
    expect(data.years.map((y) => y.year)).toEqual([2024, 2025, 2026]);
    const cal = new WorkingDayCalendar(next);
    expect(cal.isWorkingDay('2027-01-01')).toBe(false);
    expect(cal.addWorkingDays('2026-12-31', 1)).toBe('2027-01-04');
  });

  it('put_year replaces a year whole, e.g. a later amending notice', () => {
    const amended = bundled(2025);
    amended.sources.push({ issuer: '某省人民政府', title: '测试用补充通知', documentNumber: '测试〔2025〕1号', issued: '2025-01-10' });
    amended.periods[1]!.off.push('2025-02-05');
    amended.periods[1]!.days = 9;
    const before = new WorkingDayCalendar(data);
    const after = before.withEdit({ kind: 'put_year', year: amended });
    expect(before.isWorkingDay('2025-02-05')).toBe(true);
    expect(after.isWorkingDay('2025-02-05')).toBe(false);
    expect(after.addWorkingDays('2025-01-27', 2)).toBe('2025-02-07');
    expect(getCalendarYear(after.data, 2025)!.sources).toHaveLength(2);
  });

  it('put_year validates as strictly as the bundled files', () => {
    const bad = bundled(2025);
    bad.periods[1]!.off.push('2025-02-08');
    expect(thrown(() => applyCalendarEdit(data, { kind: 'put_year', year: bad })).code).toBe('calendar.data_conflict');
    expect(getCalendarYear(data, 2025)!.periods[1]!.off).not.toContain('2025-02-08');
  });

  it('remove_year withdraws a year; deadlines in it then throw', () => {
    const next = applyCalendarEdit(data, { kind: 'remove_year', year: 2024 });
    expect(next.years.map((y) => y.year)).toEqual([2025, 2026]);
    expect(thrown(() => new WorkingDayCalendar(next).isWorkingDay('2024-05-06')).code).toBe('calendar.year_not_covered');
    expect(thrown(() => applyCalendarEdit(next, { kind: 'remove_year', year: 2024 })).code).toBe('calendar.year_not_covered');
  });

  it('the data cannot be changed in place', () => {
    expect(() => (data.years as CalendarYear[]).push(syntheticYear(2030))).toThrow(TypeError);
    expect(() => (getCalendarYear(data, 2025)!.periods[1]!.off as string[]).push('2025-02-05')).toThrow(TypeError);
  });

  it('round-trips through JSON, as the api layer will store and ledger it', () => {
    const year = getCalendarYear(data, 2026)!;
    expect(validateCalendarYear(JSON.parse(JSON.stringify(year)))).toEqual(year);
  });
});
