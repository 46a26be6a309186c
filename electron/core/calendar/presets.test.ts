import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CASE_ARCHIVE_PRESETS, HANDOVER_PRESETS, RETENTION_PRESETS } from './presets.ts';
import type { RuleCitation } from './presets.ts';

// The rules live outside the repository, in shared/ beside the checkout (CI clones it there too);
// the quote check runs where they are present.
const rulesDir = process.env.STATION_REGULATIONS_DIR ?? fileURLToPath(new URL('../../../../shared/regulations/', import.meta.url));
const all = [...HANDOVER_PRESETS, ...CASE_ARCHIVE_PRESETS, ...RETENTION_PRESETS];

describe('deadline presets', () => {
  it('offer the figures of the rules', () => {
    expect(HANDOVER_PRESETS.map((p) => p.spec)).toEqual([{ hours: 24 }, { workingDays: 2 }]);
    expect(CASE_ARCHIVE_PRESETS.map((p) => p.spec)).toEqual([{ workingDays: 20 }, { calendarDays: 30 }, { calendarDays: 15 }]);
    expect(RETENTION_PRESETS.map((p) => p.spec)).toEqual([{ years: 2 }, { years: 3 }, { sameAsCaseFile: true }]);
  });

  it('have unique ids and at least one citation each', () => {
    expect(new Set(all.map((p) => p.id)).size).toBe(all.length);
    for (const p of all) expect(p.citations.length).toBeGreaterThan(0);
  });

  it('cite the articles the brief names', () => {
    const cites = (id: string): string[] => all.find((p) => p.id === id)!.citations.map((c) => `${c.file.slice(0, 3)} ${c.article}`);
    expect(cites('handover.hours_24')).toEqual(expect.arrayContaining(['000 第十一条', '002 第二十二条']));
    expect(cites('handover.working_days_2')).toEqual(['001 第十七条']);
    expect(cites('case_archive.working_days_20')).toEqual(['002 第二十一条']);
    expect(cites('case_archive.days_30')).toContain('003 第二十五条');
    expect(cites('case_archive.permit_days_15')).toEqual(['004 第十八条']);
    expect(cites('retention.years_2')).toEqual(['004 第十九条']);
    expect(cites('retention.years_3')).toEqual(['000 第十二条']);
  });

  it.skipIf(!existsSync(rulesDir))('quote each rule verbatim, inside the article cited', () => {
    const citations: RuleCitation[] = all.flatMap((p) => [...p.citations]);
    for (const c of citations) {
      const text = readFileSync(join(rulesDir, c.file), 'utf8');
      const at = text.indexOf(c.quote);
      expect(at, `${c.file} ${c.quote}`).toBeGreaterThanOrEqual(0);
      const articles = [...text.slice(0, at).matchAll(/第[一二三四五六七八九十百]+条/g)];
      expect(articles.at(-1)?.[0], `${c.file} ${c.quote}`).toBe(c.article);
    }
  });
});
