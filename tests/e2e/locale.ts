// Expected texts come from the same locale files the renderer bundles, so the tests check that
// the right message is shown without restating its wording.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './harness.ts';

export type Lang = 'zh-CN' | 'en';
type Tree = { [key: string]: string | Tree };

const cache = new Map<string, Tree>();

function bundle(lang: Lang, ns: string): Tree {
  const key = `${lang}/${ns}`;
  let tree = cache.get(key);
  if (!tree) {
    tree = JSON.parse(readFileSync(join(repoRoot, 'resources', 'locales', lang, `${ns}.json`), 'utf8')) as Tree;
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
