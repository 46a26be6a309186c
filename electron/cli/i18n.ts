import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import i18next, { type i18n } from 'i18next';

export type Lang = 'zh-CN' | 'en';

const localesDir = fileURLToPath(new URL('../../resources/locales/', import.meta.url));

function load(lang: Lang, ns: string): Record<string, unknown> {
  return JSON.parse(readFileSync(`${localesDir}${lang}/${ns}.json`, 'utf8')) as Record<string, unknown>;
}

/**
 * Error messages are split per feature (`errors.json`, `errors.ingest.json`, …) so that features
 * can be added without editing one shared file; they merge into the one `errors` namespace.
 */
export function loadErrors(lang: Lang): Record<string, unknown> {
  return loadMerged(lang, 'errors');
}

/** Merges `<ns>.json` and every `<ns>.<feature>.json` one level deep. */
export function loadMerged(lang: Lang, ns: string): Record<string, unknown> {
  const merged: Record<string, Record<string, unknown>> = {};
  const pattern = new RegExp(`^${ns}(\\.[a-z0-9-]+)?\\.json$`);
  for (const file of readdirSync(`${localesDir}${lang}`).filter((f) => pattern.test(f)).sort()) {
    for (const [group, messages] of Object.entries(load(lang, file.slice(0, -5)))) {
      merged[group] = typeof messages === 'string' ? (messages as never) : { ...(merged[group] ?? {}), ...(messages as Record<string, unknown>) };
    }
  }
  return merged;
}

/** zh-CN unless asked otherwise: the station's users read Chinese first. */
export function pickLang(flag: string | undefined, env: NodeJS.ProcessEnv): Lang {
  const wanted = flag ?? env.STATION_LANG;
  if (wanted) return wanted.toLowerCase().startsWith('en') ? 'en' : 'zh-CN';
  return 'zh-CN';
}

export async function createCliI18n(lang: Lang): Promise<i18n> {
  const instance = i18next.createInstance();
  await instance.init({
    lng: lang,
    fallbackLng: 'zh-CN',
    ns: ['cli', 'errors'],
    defaultNS: 'cli',
    interpolation: { escapeValue: false },
    resources: {
      'zh-CN': { cli: loadMerged('zh-CN', 'cli'), errors: loadErrors('zh-CN') },
      en: { cli: loadMerged('en', 'cli'), errors: loadErrors('en') },
    },
  });
  return instance;
}
