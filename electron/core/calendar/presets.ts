// Deadline and retention figures the five implementing rules set, as data for the settings screens.
// The rules disagree (24 h vs 2 working days, 20 working days vs 30 days, 2 vs 3 years), so each
// agency picks one; these are offers, never constants. Files are in /work/shared/regulations (see its
// README); `quote` is the rule's own wording, verbatim, so a reviewer can find it.
import type { DeadlineSpec } from './workingDays.ts';

export type RuleFile =
  | '000_f52585dae22cddca.txt'
  | '001_463737bbe8e11e75.txt'
  | '002_79771f0fef6d4575.txt'
  | '003_7f4f373c13ea7ee8.txt'
  | '004_5e30f22f36db076d.txt';

export type RuleCitation = { file: RuleFile; article: string; quote: string };

export type DeadlinePreset = {
  /** Stable id; the UI translates `presets.<id>`. */
  id: string;
  spec: DeadlineSpec;
  citations: readonly RuleCitation[];
};

export type RetentionSpec = { years: number } | { sameAsCaseFile: true };

export type RetentionPreset = { id: string; spec: RetentionSpec; citations: readonly RuleCitation[] };

/** Hand-over of a recording to the station (移交/存储), counted from the end of recording or the return. */
export const HANDOVER_PRESETS: readonly DeadlinePreset[] = [
  {
    id: 'handover.hours_24',
    spec: { hours: 24 },
    citations: [
      { file: '000_f52585dae22cddca.txt', article: '第十一条', quote: '应当在24小时内移交至本单位管理人员' },
      { file: '002_79771f0fef6d4575.txt', article: '第二十二条', quote: '应当在返回单位后24小时以内予以储存' },
      { file: '003_7f4f373c13ea7ee8.txt', article: '第二十五条', quote: '应在24小时内按要求将信息储存至执法信息系统或本单位专用储存设备' },
    ],
  },
  {
    id: 'handover.working_days_2',
    spec: { workingDays: 2 },
    citations: [{ file: '001_463737bbe8e11e75.txt', article: '第十七条', quote: '应当在2个工作日内将信息存储至执法信息系统或本单位指定的储存器' }],
  },
];

/** Case file archiving (立卷归档), counted from the day the enforcement act ended. */
export const CASE_ARCHIVE_PRESETS: readonly DeadlinePreset[] = [
  {
    id: 'case_archive.working_days_20',
    spec: { workingDays: 20 },
    citations: [{ file: '002_79771f0fef6d4575.txt', article: '第二十一条', quote: '应当在执法行为终结之日起20个工作日内,将文字记录制作成行政执法案卷' }],
  },
  {
    id: 'case_archive.days_30',
    spec: { calendarDays: 30 },
    citations: [
      { file: '003_7f4f373c13ea7ee8.txt', article: '第二十五条', quote: '行政执法人员在行政执法行为终结之日起30日内' },
      { file: '004_5e30f22f36db076d.txt', article: '第十八条', quote: '行政强制、行政处罚程序终结后三十日内，整理案卷材料并立卷' },
    ],
  },
  {
    id: 'case_archive.permit_days_15',
    spec: { calendarDays: 15 },
    citations: [{ file: '004_5e30f22f36db076d.txt', article: '第十八条', quote: '行政许可程序终结后十五日内，建立行政许可档案' }],
  },
];

/** How long a recording is kept before it falls due for a destruction decision. */
export const RETENTION_PRESETS: readonly RetentionPreset[] = [
  {
    id: 'retention.years_2',
    spec: { years: 2 },
    citations: [{ file: '004_5e30f22f36db076d.txt', article: '第十九条', quote: '音像记录资料保存期限一般为2年，到期后按规定集中销毁' }],
  },
  {
    id: 'retention.years_3',
    spec: { years: 3 },
    citations: [{ file: '000_f52585dae22cddca.txt', article: '第十二条', quote: '其他行政执法记录资料的保存期限为3年' }],
  },
  {
    id: 'retention.same_as_case_file',
    spec: { sameAsCaseFile: true },
    citations: [
      { file: '000_f52585dae22cddca.txt', article: '第十二条', quote: '在案件办理过程中记录的音像资料的保存期限与案卷保存期限相同' },
      { file: '004_5e30f22f36db076d.txt', article: '第十九条', quote: '作为证据的音像资料，按相关规定入卷与行政处罚案卷同期保存' },
    ],
  },
];
