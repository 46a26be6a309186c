// Expected texts come from the same locale files the renderer bundles, so the tests check that
// the right message is shown without restating its wording.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './harness.ts';

export type Lang = 'zh-CN' | 'en';
type Tree = { [key: string]: string | Tree };

const cache = new Map<string, Tree>();

/** `ui.json` + `ui.dock.json` + … merged one level deep, as renderer/src/localeFiles.ts does. */
function bundle(lang: Lang, ns: string): Tree {
  const key = `${lang}/${ns}`;
  let tree = cache.get(key);
  if (!tree) {
    const dir = join(repoRoot, 'resources', 'locales', lang);
    const pattern = new RegExp(`^${ns}(\\.[a-z0-9-]+)?\\.json$`);
    const merged: Tree = {};
    for (const file of readdirSync(dir).filter((f) => pattern.test(f)).sort()) {
      for (const [group, value] of Object.entries(JSON.parse(readFileSync(join(dir, file), 'utf8')) as Tree)) {
        const prev = merged[group];
        merged[group] = typeof value === 'object' && typeof prev === 'object' ? { ...prev, ...value } : value;
      }
    }
    tree = merged;
    cache.set(key, tree);
  }
  return tree;
}

/** tx('zh-CN', 'errors:auth.bad_credentials') — i18next's lookup and {{interpolation}}, minus formats. */
export function tx(lang: Lang, key: string, params: Record<string, string | number> = {}): string {
  const [ns, path] = key.split(':') as [string, string];
  let node: string | Tree | undefined = bundle(lang, ns);
  for (const part of path.split('.')) node = typeof node === 'object' ? node[part] : undefined;
  if (typeof node !== 'string') throw new Error(`no ${lang} text for ${key}`);
  return node.replace(/\{\{\s*(\w+)[^}]*\}\}/g, (_, name: string) => String(params[name] ?? `{{${name}}}`));
}
