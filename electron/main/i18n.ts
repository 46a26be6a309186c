// Main-process strings (menu, tray, dialogs). The JSON is bundled into out/main, so a packaged
// app never looks for locale files on disk at start-up.
import { createInstance } from 'i18next';
import zhMain from '../../resources/locales/zh-CN/main.json' with { type: 'json' };
import enMain from '../../resources/locales/en/main.json' with { type: 'json' };
import zhErrors from '../../resources/locales/zh-CN/errors.json' with { type: 'json' };
import enErrors from '../../resources/locales/en/errors.json' with { type: 'json' };
// Playback refusals and damaged recordings are answered by main's station-media: handler.
import zhRequestErrors from '../../resources/locales/zh-CN/errors.requests.json' with { type: 'json' };
import enRequestErrors from '../../resources/locales/en/errors.requests.json' with { type: 'json' };
import zhCopyErrors from '../../resources/locales/zh-CN/errors.copies.json' with { type: 'json' };
import enCopyErrors from '../../resources/locales/en/errors.copies.json' with { type: 'json' };
// Desktop notifications of what waits for the signed-in user (desktopNotices.ts).
import zhNotices from '../../resources/locales/zh-CN/main.notices.json' with { type: 'json' };
import enNotices from '../../resources/locales/en/main.notices.json' with { type: 'json' };
import type { Language } from './startup.ts';

type Tree = Record<string, unknown>;

/** Merges feature error files one level deep, as the CLI and renderer loaders do. */
function mergeErrors(...files: Tree[]): Tree {
  const merged: Tree = {};
  for (const file of files) {
    for (const [group, value] of Object.entries(file)) {
      merged[group] = typeof value === 'object' && value !== null && typeof merged[group] === 'object' ? { ...(merged[group] as Tree), ...(value as Tree) } : value;
    }
  }
  return merged;
}

export const mainResources = {
  'zh-CN': { main: { ...zhMain, ...zhNotices }, errors: mergeErrors(zhErrors, zhRequestErrors, zhCopyErrors) },
  en: { main: { ...enMain, ...enNotices }, errors: mergeErrors(enErrors, enRequestErrors, enCopyErrors) },
};

/** What the rest of main sees of i18next, so only this file depends on it. */
export type Translate = (key: string, params?: Record<string, unknown>) => string;

export async function createTranslator(language: Language): Promise<Translate> {
  const i18n = createInstance();
  await i18n.init({
    lng: language,
    fallbackLng: 'zh-CN',
    ns: ['main', 'errors'],
    defaultNS: 'main',
    resources: mainResources,
    // Strings go to native menus and dialogs, never into HTML.
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  return (key, params) => i18n.t(key, params ?? {});
}
