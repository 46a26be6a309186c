// Every ledger action the station writes has a name in both languages, so that no history, ledger
// list or case view shows a raw code such as `replica.stored` to a zh-CN user (issue 14 item 14).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadMerged } from '../../electron/cli/i18n.ts';
import { ALARM_ACTIONS } from '../../electron/core/ledger/ledger.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

function sourceFiles(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).map((f) => join(dir, f));
}

/**
 * The actions named in the source: the literals after `action:` / `action =` (also both arms of a
 * ternary spread over lines), the alarm actions, and the per-outcome ingest actions built from a
 * template.
 */
export function actionsInSource(): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of sourceFiles(join(root, 'electron'))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\baction\s*[:=]\s*([^,;{}\n]*(?:\n\s*[?:][^,;{}\n]*)*)/g)) {
      for (const lit of m[1]!.matchAll(/'([a-z_]+\.[a-z_]+)'/g)) found.set(lit[1]!, file.slice(root.length));
    }
    if (text.includes('action: `ingest.file_${outcome}`')) for (const o of ['skipped', 'failed', 'aborted']) found.set(`ingest.file_${o}`, file.slice(root.length));
  }
  for (const a of Object.values(ALARM_ACTIONS)) found.set(a, 'electron/core/ledger/ledger.ts');
  return found;
}

describe('ledger action names', () => {
  const actions = actionsInSource();

  it('finds the actions the station writes (the scan itself works)', () => {
    for (const a of ['auth.login', 'recording.ingested', 'destruction.executed', 'replica.stored', 'ledger.rollback_detected']) expect(actions.has(a), a).toBe(true);
    expect(actions.size).toBeGreaterThan(100);
  });

  it.each(['zh-CN', 'en'] as const)('every action has a %s name (as the renderer merges the files)', (lang) => {
    const ui = loadMerged(lang, 'ui');
    const missing = [...actions].filter(([a]) => {
      const value = a.split('.').reduce<unknown>((o, k) => (typeof o === 'object' && o !== null ? (o as Record<string, unknown>)[k] : undefined), ui.actions);
      return typeof value !== 'string' || value.trim() === '';
    });
    expect(missing.map(([a, file]) => `${a} (${file})`)).toEqual([]);
  });
});
