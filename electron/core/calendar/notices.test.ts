// Transcription check: each period's `clause` is the notice's own wording. Parsing it again here must
// give the same days off, make-up working days and 共N天, and every weekday the notice prints
// (周二 / 星期日) must be the real weekday of that date. A slip in either the dates or the quoted text
// fails here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCalendarFile } from './loader.ts';
import { addDays, weekday } from './localDate.ts';

const calendarDir = fileURLToPath(new URL('../../../resources/calendars/', import.meta.url));
const years = [2024, 2025, 2026].map((y) => parseCalendarFile(`cn-${y}.json`, readFileSync(join(calendarDir, `cn-${y}.json`), 'utf8')));

const WEEKDAY: Record<string, number> = { 日: 0, 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6 };
const pad = (n: number): string => String(n).padStart(2, '0');

type Mention = { date: string; weekdayLabel: number | null };

/** "1月28日（农历除夕、周二）至2月4日（…周二）" or "2月10日至17日": dates in order, month carried forward. */
function mentions(year: number, sentence: string): Mention[] {
  let month = 0;
  const out: Mention[] = [];
  for (const m of sentence.matchAll(/(?:([0-9]{1,2})月)?([0-9]{1,2})日(?:（([^）]*)）)?/g)) {
    if (m[1]) month = Number(m[1]);
    expect(month, `month for ${m[0]}`).toBeGreaterThan(0);
    const label = m[3] ? /(?:周|星期)([日一二三四五六])/.exec(m[3]) : null;
    out.push({ date: `${year}-${pad(month)}-${pad(Number(m[2]))}`, weekdayLabel: label ? WEEKDAY[label[1]!]! : null });
  }
  return out;
}

function range(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

describe.each(years.map((y) => [y.year, y] as const))('%i notice', (year, data) => {
  it('cites the State Council General Office notice for the year', () => {
    const source = data.sources[0]!;
    expect(source.issuer).toBe('国务院办公厅');
    expect(source.title).toBe(`国务院办公厅关于${year}年部分节假日安排的通知`);
    expect(source.documentNumber).toMatch(/^国办发明电〔[0-9]{4}〕[0-9]+号$/);
    expect(Number(source.issued.slice(0, 4))).toBe(year - 1);
    expect(source.checkedAgainst?.length).toBeGreaterThan(0);
  });

  it.each(data.periods.map((p) => [p.nameZh, p] as const))('%s matches its clause', (name, period) => {
    const clause = period.clause!;
    expect(clause).toBeDefined();
    expect(/^[一二三四五六七八九十]+、(.+?)：/.exec(clause)?.[1]).toBe(name);
    const sentences = clause.split('。');

    const offSentence = sentences.find((s) => s.includes('放假'))!;
    const offMentions = mentions(year, offSentence.split('放假')[0]!);
    expect(offMentions.length === 1 || offMentions.length === 2).toBe(true);
    const from = offMentions[0]!.date;
    const to = offMentions.at(-1)!.date;
    expect(period.off).toEqual(range(from, to));

    const stated = /共([0-9]+)天/.exec(clause) ?? /放假([0-9]+)天/.exec(clause);
    if (stated) expect(period.days).toBe(Number(stated[1]));
    else expect(period.days).toBeUndefined();

    const workSentence = sentences.find((s) => s.endsWith('上班'));
    const workMentions = workSentence ? mentions(year, workSentence) : [];
    expect(period.workdays).toEqual(workMentions.map((m) => m.date));

    for (const m of [...offMentions, ...workMentions]) {
      if (m.weekdayLabel !== null) expect(weekday(m.date), `${m.date} weekday`).toBe(m.weekdayLabel);
    }
    // since 2025 every date in the notice carries its weekday; make-up days always do
    for (const m of workMentions) expect(m.weekdayLabel, `${m.date} labelled`).not.toBeNull();
    if (year >= 2025) for (const m of offMentions) expect(m.weekdayLabel, `${m.date} labelled`).not.toBeNull();
  });
});
