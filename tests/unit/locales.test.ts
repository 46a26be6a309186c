import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const localeDir = join(root, 'resources/locales');
const LANGS = ['zh-CN', 'en'];

function flatKeys(obj: unknown, prefix = ''): string[] {
  if (typeof obj !== 'object' || obj === null) return [prefix];
  return Object.entries(obj).flatMap(([k, v]) => flatKeys(v, prefix ? `${prefix}.${k}` : k));
}
const load = (lang: string, ns: string) => JSON.parse(readFileSync(join(localeDir, lang, `${ns}.json`), 'utf8')) as Record<string, unknown>;

function sourceFiles(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => /\.(ts|tsx|mjs)$/.test(f) && !f.endsWith('.test.ts'))
    .map((f) => join(dir, f));
}

describe('locales', () => {
  const namespaces = readdirSync(join(localeDir, 'zh-CN')).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5));

  it.each(namespaces)('namespace %s has the same keys in zh-CN and en, none empty', (ns) => {
    const [zh, en] = LANGS.map((l) => load(l, ns));
    expect(flatKeys(en).sort()).toEqual(flatKeys(zh).sort());
    for (const lang of LANGS) {
      for (const key of flatKeys(load(lang, ns))) {
        const value = key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], load(lang, ns));
        expect(typeof value === 'string' && value.trim().length > 0, `${lang}/${ns}: ${key}`).toBe(true);
      }
    }
  });

  it('every error code the station can raise has a message in both languages', async () => {
    const codes = new Set<string>(['api.internal']);
    for (const file of [...sourceFiles(join(root, 'electron')), ...sourceFiles(join(root, 'native'))]) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/StationError\(\s*'[a-z]+',\s*'([a-z_]+\.[a-z_.]+)'/g)) codes.add(m[1]!);
      for (const m of text.matchAll(/StationError\(\s*'[a-z]+',\s*[^,]*\?\s*'([a-z_]+\.[a-z_.]+)'\s*:\s*'([a-z_]+\.[a-z_.]+)'/g)) {
        codes.add(m[1]!);
        codes.add(m[2]!);
      }
      for (const m of text.matchAll(/code: '([a-z_]+\.[a-z_.]+)', kind:/g)) codes.add(m[1]!);
    }
    const { loadErrors } = await import('../../electron/cli/i18n.ts');
    for (const lang of LANGS) {
      const keys = new Set(flatKeys(loadErrors(lang as 'zh-CN' | 'en')));
      const missing = [...codes].filter((c) => !keys.has(c));
      expect(missing, `${lang} errors.json lacks`).toEqual([]);
    }
  });

  it('every CLI command has help text in both languages', async () => {
    const { cliCommands } = await import('../../electron/cli/commands/index.ts');
    const { loadMerged } = await import('../../electron/cli/i18n.ts');
    for (const lang of LANGS) {
      const keys = new Set(flatKeys(loadMerged(lang as 'zh-CN' | 'en', 'cli')));
      for (const c of cliCommands) expect(keys.has(`help.${c.words.join('_')}`), `${lang} help.${c.words.join('_')}`).toBe(true);
    }
  });
});
