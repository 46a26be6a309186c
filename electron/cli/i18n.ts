import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import i18next, { type i18n } from 'i18next';

export type Lang = 'zh-CN' | 'en';

const localesDir = fileURLToPath(new URL('../../resources/locales/', import.meta.url));

function load(lang: Lang, ns: string): Record<string, unknown> {
  return JSON.parse(readFileSync(`${localesDir}${lang}/${ns}.json`, 'utf8')) as Record<string, unknown>;
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
      'zh-CN': { cli: load('zh-CN', 'cli'), errors: load('zh-CN', 'errors') },
      en: { cli: load('en', 'cli'), errors: load('en', 'errors') },
    },
  });
  return instance;
}
