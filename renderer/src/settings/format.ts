// Pure helpers of the Settings screen, kept apart from the components so they can be unit-tested.

const DAY_MS = 86_400_000;

function dayNumber(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) / DAY_MS;
}

/**
 * Dates (YYYY-MM-DD) as runs of consecutive days, first and last of each: a notice's nine days of
 * Spring Festival read as one range, not nine dates.
 */
export function dateRuns(dates: readonly string[]): [string, string][] {
  const sorted = [...new Set(dates)].sort();
  const runs: [string, string][] = [];
  for (const d of sorted) {
    const last = runs.at(-1);
    if (last && dayNumber(d) - dayNumber(last[1]) === 1) last[1] = d;
    else runs.push([d, d]);
  }
  return runs;
}

export function runsText(dates: readonly string[]): string {
  return dateRuns(dates)
    .map(([a, b]) => (a === b ? a : `${a} – ${b}`))
    .join(', ');
}

/** Whether two small JSON values (settings, deadline rules) are the same, key order aside. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

export type YearPreview = {
  year: number | null;
  notice: { title: string; documentNumber: string; issued: string } | null;
  periods: { nameZh: string; nameEn: string; off: string[]; workdays: string[] }[];
};

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);

/**
 * What a year file appears to say, read leniently for the preview only: the station validates the
 * file itself on saving and refuses it whole, so nothing here decides whether it is acceptable.
 */
export function previewYear(raw: Record<string, unknown>): YearPreview {
  const year = typeof raw.year === 'number' && Number.isInteger(raw.year) ? raw.year : null;
  const first = Array.isArray(raw.sources) ? (raw.sources[0] as unknown) : null;
  const notice =
    typeof first === 'object' && first !== null
      ? { title: str((first as Record<string, unknown>).title), documentNumber: str((first as Record<string, unknown>).documentNumber), issued: str((first as Record<string, unknown>).issued) }
      : null;
  const periods = (Array.isArray(raw.periods) ? (raw.periods as unknown[]) : [])
    .filter((p): p is Record<string, unknown> => typeof p === 'object' && p !== null)
    .map((p) => ({ nameZh: str(p.nameZh), nameEn: str(p.nameEn), off: strings(p.off), workdays: strings(p.workdays) }));
  return { year, notice, periods };
}
