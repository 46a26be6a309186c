// Issue 14 item 1: help texts cite the agency's own rule only through useRuleCitation / useRuleBasis, so no
// UI text may carry one of the five shipped rules' issuers or file names (e.g. `004_5e30f22f36db076d.txt 第十八条`).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const localeDir = join(root, 'resources/locales');
interface ShippedRule { id: string; file: string; title: string; titleEn?: string; issuer?: string }
const catalogue = (JSON.parse(readFileSync(join(root, 'resources/rules/catalogue.json'), 'utf8')) as { rules: ShippedRule[] }).rules;

// The issuers as the catalogue names them, their places in both scripts (the English texts called them
// "Zhongyang County rules" and the like), and the provincial measures, which have no issuer of their own.
const issuerNames = catalogue.flatMap((r) => (r.issuer ? [r.issuer] : []));
const places = ['山西', '山阴', '盘锦', '中阳', 'Shanxi', 'Shanyin', 'Panjin', 'Zhongyang', '省行政执法全过程记录办法', 'provincial measures', 'provincial full-process recording measures'];
const fileName = /\b00[0-4]_[0-9a-f]{16}(\.txt)?\b|\b00[0-4]\s*(第|Art\.)/i;
// The catalogue's own titles are data, not UI text: a locale may show one only as a whole value.
const titles = new Set(catalogue.flatMap((r) => [r.title, ...(r.titleEn ? [r.titleEn] : [])]));

function leaves(obj: unknown, path = ''): [string, string][] {
  if (typeof obj === 'string') return [[path, obj]];
  if (typeof obj !== 'object' || obj === null) return [];
  return Object.entries(obj).flatMap(([k, v]) => leaves(v, path ? `${path}.${k}` : k));
}

function offences(text: string): string[] {
  if (titles.has(text)) return [];
  const lower = text.toLowerCase();
  const found = [...issuerNames, ...places].filter((n) => lower.includes(n.toLowerCase()));
  const file = fileName.exec(text);
  return file ? [...found, file[0]] : found;
}

describe('UI texts name no other agency and no rule file', () => {
  it('the check knows the five rules and catches what the old texts said', () => {
    expect(catalogue.map((r) => r.file)).toHaveLength(5);
    expect(issuerNames.length).toBeGreaterThanOrEqual(4);
    expect(offences('作为证据的音像记录与案卷同期保存（山西省林业和草原局 第十二条）。')).not.toEqual([]);
    expect(offences('Discs go with the case file (Zhongyang County rules, Art. 18).')).not.toEqual([]);
    expect(offences('依据 004_5e30f22f36db076d.txt 第十八条')).not.toEqual([]);
    expect(offences('`004 第十八条`')).not.toEqual([]);
    expect(offences('作为证据的音像记录与案卷同期保存。')).toEqual([]);
  });

  for (const lang of ['zh-CN', 'en']) {
    const files = readdirSync(join(localeDir, lang)).filter((f) => /^ui\..+\.json$/.test(f));
    it(`${lang}: ${files.length} ui.*.json files`, () => {
      expect(files.length).toBeGreaterThan(10);
      const bad: string[] = [];
      for (const f of files) {
        for (const [key, text] of leaves(JSON.parse(readFileSync(join(localeDir, lang, f), 'utf8')))) {
          const hits = offences(text);
          if (hits.length) bad.push(`${f} ${key}: ${hits.join(', ')}`);
        }
      }
      expect(bad).toEqual([]);
    });
  }
});
