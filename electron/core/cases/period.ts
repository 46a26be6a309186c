// Retention arithmetic on local dates. "N years after D" ends on the corresponding day N years later;
// a 29 February with no corresponding day ends on the last day of February
// (《民法典》第二百零二条 "没有对应日的，月末日为期间的最后一日"), at 24:00 local (第二百零三条).
import { StationError } from '../errors.ts';
import { daysInMonth } from '../media/localTime.ts';
import { parseLocalDate, type LocalDate } from '../calendar/localDate.ts';
import { endOfLocalDay, localDateAt } from '../calendar/workingDays.ts';
import type { RuleCitation } from '../calendar/presets.ts';
import type { Period } from './types.ts';

export const MAX_RETENTION_YEARS = 100;

export function addYears(date: LocalDate, years: number): LocalDate {
  const p = parseLocalDate(date);
  if (!p) throw new StationError('input', 'calendar.invalid_date', { value: date });
  const year = p.year + years;
  const day = Math.min(p.day, daysInMonth(year, p.month));
  return `${String(year).padStart(4, '0')}-${String(p.month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The last millisecond a period starting at `from` keeps a recording; null for permanent. */
export function periodEnd(from: Date, period: Period, timeZone: string): { until: string; untilDate: LocalDate } | null {
  if ('permanent' in period) return null;
  const untilDate = addYears(localDateAt(from, timeZone), period.years);
  return { until: endOfLocalDay(untilDate, timeZone).toISOString(), untilDate };
}

export function assertPeriod(value: unknown): Period {
  const v = value as Partial<{ years: unknown; permanent: unknown }> | null;
  if (v && typeof v === 'object') {
    if (v.permanent === true && Object.keys(v).length === 1) return { permanent: true };
    if (typeof v.years === 'number' && Number.isInteger(v.years) && v.years >= 1 && v.years <= MAX_RETENTION_YEARS && Object.keys(v).length === 1) return { years: v.years };
  }
  throw new StationError('input', 'retention.bad_period', { value: JSON.stringify(value) ?? String(value) });
}

/** Case-file (案卷) retention terms: 永久 / 定期30年 / 定期10年. */
export const CASE_FILE_RETENTION_PRESETS: readonly { id: string; period: Period; source: string }[] = [
  { id: 'case_file.permanent', period: { permanent: true }, source: '《机关文件材料归档范围和文书档案保管期限规定》（国家档案局令第8号）第九条' },
  { id: 'case_file.years_30', period: { years: 30 }, source: '《机关文件材料归档范围和文书档案保管期限规定》（国家档案局令第8号）第九条' },
  { id: 'case_file.years_10', period: { years: 10 }, source: '《机关文件材料归档范围和文书档案保管期限规定》（国家档案局令第8号）第九条' },
];

const DEFAULT_CITATIONS: Record<number, RuleCitation[]> = {
  2: [{ file: '004_5e30f22f36db076d.txt', article: '第十九条', quote: '音像记录资料保存期限一般为2年，到期后按规定集中销毁' }],
  3: [{ file: '000_f52585dae22cddca.txt', article: '第十二条', quote: '其他行政执法记录资料的保存期限为3年' }],
};

/** Which rule an agency's default period follows, so the reason shown for a date can cite it. */
export function defaultCitations(years: number): RuleCitation[] {
  return DEFAULT_CITATIONS[years] ?? [];
}

export const CASE_EVIDENCE_CITATIONS: RuleCitation[] = [
  { file: '000_f52585dae22cddca.txt', article: '第十二条', quote: '在案件办理过程中记录的音像资料的保存期限与案卷保存期限相同' },
  { file: '004_5e30f22f36db076d.txt', article: '第十九条', quote: '作为证据的音像资料，按相关规定入卷与行政处罚案卷同期保存' },
];

export const EXTENSION_CITATIONS: RuleCitation[] = [
  { file: '004_5e30f22f36db076d.txt', article: '第十九条', quote: '因故需要长期保存的，经机关分管负责人批准后按规定长期保存' },
  { file: '003_7f4f373c13ea7ee8.txt', article: '第十七条', quote: '采取刻录光盘、使用移动存储介质等方式长期保存音像记录' },
];

export const NO_EARLY_DESTRUCTION: RuleCitation = {
  file: '001_463737bbe8e11e75.txt',
  article: '第二十条',
  quote: '不得在保存期内销毁执法过程的文字记录和专用存储设备中的音像记录',
};
