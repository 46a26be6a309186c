// File names written by body-worn recorders (GA/T 947). The name is the recorder's own statement of
// who recorded what and when, so it is parsed tolerantly and the rule that matched is recorded next
// to the result: the catalogue keeps name time, mvhd time and file time side by side (README.md, Architecture
// "Recorders and their files") rather than trusting any one of them.
import { parseCompactLocal } from './localTime.ts';
import type { LocalDateTime } from './localTime.ts';

export { DEFAULT_TIME_ZONE, localTimeToUtc } from './localTime.ts';
export type { LocalDateTime } from './localTime.ts';

export type RecorderNameRule =
  /** {产品序号 7}_{警号 6}_{YYYYMMDDhhmmss}_{序号 4}[_IMP].ext — the standard layout. */
  | 'gat947'
  /** {警号 6}_{产品序号 7}_{YYYYMMDDhhmmss}_{序号 4}[_IMP].ext — officer first. */
  | 'gat947-officer-first'
  /** {案件编号}_ then either layout above; `fieldOrder` says which. */
  | 'case-prefixed'
  /** The name says nothing the station can rely on. */
  | 'none';

export type RecorderName = {
  rule: RecorderNameRule;
  /** Layout of the recorder fields; set whenever rule is not 'none'. */
  fieldOrder?: 'device-first' | 'officer-first';
  /** 产品序号, 7 digits as written (leading zeros kept). */
  deviceSerial?: string;
  /** 警号, 6 digits as written. */
  officerId?: string;
  /**
   * Recorder wall-clock time, no zone (apply the agency zone with localTimeToUtc). Absent when the
   * 14 digits are not a real calendar time: the rule still matched, because the recorder and
   * officer fields are still the recorder's word, and `recordedAtRaw` keeps the digits for review.
   */
  recordedAtLocal?: LocalDateTime;
  /** The 14 time digits exactly as written. */
  recordedAtRaw?: string;
  /** 序号, the recorder's running number within its segment (4 digits in the name). */
  sequence?: number;
  /** `_IMP` suffix: the officer marked the file important (重要视音频). */
  important: boolean;
  /** 案件编号 from a case prefix: letters (any script), digits and '-', at most 64 characters. */
  caseNumber?: string;
  /** Extension in lower case without the dot ('mp4', 'jpg'…); '' when there is none. */
  extension: string;
};

/** Names longer than this are not parsed at all (no recorder writes them; they are a hint of tampering). */
export const MAX_NAME_LENGTH = 255;

const TIME = '([0-9]{14})';
const SEQ = '([0-9]{4})';
const IMP = '(_IMP)?';
const CASE = '([\\p{L}\\p{N}][\\p{L}\\p{N}-]{0,63})';
const DEVICE_FIRST = `([0-9]{7})_([0-9]{6})_${TIME}_${SEQ}${IMP}`;
const OFFICER_FIRST = `([0-9]{6})_([0-9]{7})_${TIME}_${SEQ}${IMP}`;

// Explicit [0-9] rather than \d keeps full-width and other Unicode digits out; 'i' makes _imp match.
const PATTERNS: { rule: Exclude<RecorderNameRule, 'none'>; order: 'device-first' | 'officer-first'; re: RegExp }[] = [
  { rule: 'gat947', order: 'device-first', re: new RegExp(`^${DEVICE_FIRST}$`, 'iu') },
  { rule: 'gat947-officer-first', order: 'officer-first', re: new RegExp(`^${OFFICER_FIRST}$`, 'iu') },
  { rule: 'case-prefixed', order: 'device-first', re: new RegExp(`^${CASE}_${DEVICE_FIRST}$`, 'iu') },
  { rule: 'case-prefixed', order: 'officer-first', re: new RegExp(`^${CASE}_${OFFICER_FIRST}$`, 'iu') },
];

function splitExtension(name: string): { stem: string; extension: string } {
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return { stem: name, extension: '' };
  const ext = name.slice(dot + 1);
  if (!/^[A-Za-z0-9]{1,8}$/.test(ext)) return { stem: name, extension: '' };
  return { stem: name.slice(0, dot), extension: ext.toLowerCase() };
}

/**
 * Parses a recorder file name. Only the last path segment is looked at, so a relative path such as
 * `DCIM/100MEDIA/…` works; nothing here touches the file system, so `../` is harmless. Never throws.
 */
export function parseRecorderName(name: string): RecorderName {
  const base = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  const { stem, extension } = splitExtension(base);
  const none: RecorderName = { rule: 'none', important: false, extension };
  // Control characters never appear in a recorder's name; matching around them would only mislead.
  if (base.length > MAX_NAME_LENGTH || /\p{Cc}/u.test(base)) return none;
  for (const { rule, order, re } of PATTERNS) {
    const m = re.exec(stem);
    if (!m) continue;
    const fields = rule === 'case-prefixed' ? m.slice(2) : m.slice(1);
    const [first, second, time, seq, imp] = fields as [string, string, string, string, string | undefined];
    const result: RecorderName = {
      rule,
      fieldOrder: order,
      deviceSerial: order === 'device-first' ? first : second,
      officerId: order === 'device-first' ? second : first,
      recordedAtRaw: time,
      sequence: Number(seq),
      important: imp !== undefined,
      extension,
    };
    const local = parseCompactLocal(time);
    if (local) result.recordedAtLocal = local;
    if (rule === 'case-prefixed') result.caseNumber = m[1];
    return result;
  }
  return none;
}
