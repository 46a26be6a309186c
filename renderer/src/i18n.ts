import i18next, { type TFunction } from 'i18next';
import { initReactI18next } from 'react-i18next';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import 'dayjs/locale/en';
import { mergedNamespace } from './localeFiles.ts';
import { toUiError } from './api.ts';

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

const STORAGE_KEY = 'evidence-station.language';

export const resources = {
  'zh-CN': { ui: mergedNamespace('zh-CN', 'ui'), errors: mergedNamespace('zh-CN', 'errors') },
  en: { ui: mergedNamespace('en', 'ui'), errors: mergedNamespace('en', 'errors') },
} as const;

function isLanguage(value: unknown): value is Language {
  return (LANGUAGES as readonly unknown[]).includes(value);
}

/** zh-CN unless the user picked English on this machine before: the station's users read Chinese first. */
export function storedLanguage(): Language {
  try {
    const saved = globalThis.localStorage?.getItem(STORAGE_KEY);
    return isLanguage(saved) ? saved : 'zh-CN';
  } catch {
    return 'zh-CN';
  }
}

function applyDocumentLanguage(lng: Language): void {
  dayjs.locale(lng === 'zh-CN' ? 'zh-cn' : 'en');
  if (typeof document !== 'undefined') document.documentElement.lang = lng;
}

export async function setLanguage(lng: Language): Promise<void> {
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, lng);
  } catch {
    // A profile without storage still switches for this session; nothing to recover.
  }
  applyDocumentLanguage(lng);
  await i18next.changeLanguage(lng);
}

export function currentLanguage(): Language {
  return isLanguage(i18next.language) ? i18next.language : 'zh-CN';
}

export async function initI18n(): Promise<typeof i18next> {
  const lng = storedLanguage();
  applyDocumentLanguage(lng);
  await i18next.use(initReactI18next).init({
    resources,
    lng,
    // A key missing in English falls back to Chinese rather than showing a raw key; the unit
    // test keeps the two key sets equal so this stays a safety net.
    fallbackLng: 'zh-CN',
    ns: ['ui', 'errors'],
    defaultNS: 'ui',
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  return i18next;
}

/**
 * The user-facing text for any failure: errors.<code> with the station's params, or a generic
 * message naming the code when a newer station reports something this build does not know.
 */
export function errorText(t: TFunction, e: unknown): string {
  const err = toUiError(e);
  // Params go through `replace` so a param named like an i18next option (ns, lng…) cannot change the lookup.
  return t(`errors:${err.code}`, {
    replace: err.params,
    defaultValue: t('ui:error.unknown', { code: err.code }),
  });
}
