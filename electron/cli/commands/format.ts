// Plain-text output helpers shared by the CLI commands.
import { StationError } from '../../api/server.ts';
import { isValidLocalDateTime, localTimeToUtc, utcToLocal, type LocalDateTime } from '../../api/time.ts';

export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export function table(cells: string[][]): string {
  const rows = cells.map((r) => r.map(localTimes));
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => width(r[i] ?? '')))) ?? [];
  return rows.map((r) => r.map((c, i) => c + ' '.repeat(Math.max(0, (widths[i] ?? 0) - width(c)))).join('  ').trimEnd()).join('\n');
}

/** Display width: CJK characters take two terminal columns. */
export function width(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(ch) ? 2 : 1;
  return w;
}

// Times: the CLI speaks the agency's wall clock (issue #14 item 10). JSON output keeps the
// instants as stored (ISO, UTC) for programs; what a person reads is local, to the second.

let agencyZone: string | null = null;

/** Set once per run from `station.status` (the zone chosen at `station init`, Station settings). */
export function useAgencyTimeZone(timeZone: string | null): void {
  agencyZone = timeZone;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** '2026-12-07 09:30:05' in the agency's zone; the ISO text unchanged when no zone is known yet. */
export function localTime(iso: string): string {
  if (!agencyZone) return iso;
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const l = utcToLocal(at, agencyZone);
  return `${pad(l.year, 4)}-${pad(l.month)}-${pad(l.day)} ${pad(l.hour)}:${pad(l.minute)}:${pad(l.second)}`;
}

const INSTANT = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})(?![\w:])/g;

/** Every ISO instant in a text a person will read, as agency local time. */
export function localTimes(text: string): string {
  return agencyZone ? text.replace(INSTANT, (m) => localTime(m)) : text;
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/;
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * A time option as the api's UTC instant. A date alone is a whole day of the agency's calendar:
 * `--from 2026-12-07` starts at its local midnight and `--to 2026-12-07` ends at the next one (the
 * api's upper bounds exclude themselves), so `--from D --to D` is that day. A date and time without
 * an offset is agency local time; with an offset or Z it is taken as given.
 */
export function timeOption(option: string, value: unknown, bound: 'from' | 'to'): string | undefined {
  const text = str(value)?.trim();
  if (!text) return undefined;
  const zone = agencyZone ?? 'Asia/Shanghai';
  const bad = () => new StationError('input', 'cli.bad_time', { option: `--${option}`, value: text, timeZone: zone });
  if (WITH_OFFSET.test(text)) {
    const at = new Date(text);
    if (Number.isNaN(at.getTime())) throw bad();
    return at.toISOString();
  }
  const date = DATE_ONLY.exec(text);
  const dateTime = LOCAL_DATE_TIME.exec(text);
  const m = date ?? dateTime;
  if (!m) throw bad();
  const local: LocalDateTime = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]), hour: Number(m[4] ?? 0), minute: Number(m[5] ?? 0), second: Number(m[6] ?? 0) };
  if (!isValidLocalDateTime(local)) throw bad();
  const at = localTimeToUtc(local, zone);
  if (date && bound === 'to') {
    // The next calendar day's midnight, not +24 h: a day with a clock change is not 24 hours long.
    const next = new Date(Date.UTC(local.year, local.month - 1, local.day + 1));
    return localTimeToUtc({ year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate(), hour: 0, minute: 0, second: 0 }, zone).toISOString();
  }
  return at.toISOString();
}
