import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Fills the bilingual package README template from resources/templates. */
export function renderReadme(resourcesDir: string, values: Record<string, string>): string {
  const template = readFileSync(join(resourcesDir, 'templates', 'package-README.txt'), 'utf8');
  return template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => values[key] ?? '—');
}
