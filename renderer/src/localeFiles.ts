// Locale files are split per feature (`errors.json`, `errors.requests.json`, `ui.dock.json` …) so a
// feature adds its texts without editing a shared file; they merge, one level deep, into the
// `errors` and `ui` namespaces — the same rule the CLI applies (electron/cli/i18n.ts).
type Tree = Record<string, unknown>;

const files = import.meta.glob('../../resources/locales/*/*.json', { eager: true, import: 'default' }) as Record<string, Tree>;

export function mergedNamespace(lang: 'zh-CN' | 'en', ns: 'ui' | 'errors'): Tree {
  const pattern = new RegExp(`/locales/${lang}/${ns}(\\.[a-z0-9-]+)?\\.json$`);
  const merged: Record<string, unknown> = {};
  for (const path of Object.keys(files).filter((p) => pattern.test(p)).sort()) {
    for (const [group, value] of Object.entries(files[path]!)) {
      merged[group] =
        typeof value === 'object' && value !== null && typeof merged[group] === 'object' ? { ...(merged[group] as Tree), ...(value as Tree) } : value;
    }
  }
  return merged;
}
