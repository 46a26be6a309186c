// Every ledger action the station writes, and every field of its details, has a name in both
// languages, so that no history, ledger list or case view shows a raw code such as
// `replica.stored` or a field such as `changedDuringRead` to a zh-CN user (issue 14 item 14).
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

/**
 * The field names of the details the station writes: every identifier key of an object literal
 * given as `details: {…}` or `details = {…}`, at any depth (nested groups are shown nested).
 */
export function detailKeysInSource(): Map<string, string> {
  const keys = new Map<string, string>();
  for (const dir of ['electron/core', 'electron/api']) {
    for (const file of sourceFiles(join(root, dir))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\bdetails\s*(?::\s*(?:Record<[^>]*>\s*=\s*)?|=\s*)\{/g)) {
        const start = m.index + m[0].length - 1;
        let depth = 0;
        let end = start;
        for (; end < text.length; end++) {
          if (text[end] === '{') depth++;
          else if (text[end] === '}' && --depth === 0) break;
        }
        const body = text.slice(start, end + 1).replace(/'[^']*'|`[^`]*`|"[^"]*"/g, "''");
        for (const k of body.matchAll(/[{,]\s*([a-zA-Z_]\w*)\s*(?=[:,}])/g)) keys.set(k[1]!, file.slice(root.length));
      }
    }
  }
  return keys;
}

describe('ledger detail fields', () => {
  const keys = detailKeysInSource();

  it('finds the fields the station writes (the scan itself works)', () => {
    for (const k of ['changedDuringRead', 'clockDrift', 'caseNumber', 'objectsShredded', 'passwordFingerprint']) expect(keys.has(k), k).toBe(true);
  });

  it.each(['zh-CN', 'en'] as const)('every field has a %s name', (lang) => {
    const names = loadMerged(lang, 'ui').detailFields as Record<string, unknown>;
    expect([...keys].filter(([k]) => typeof names[k] !== 'string').map(([k, file]) => `${k} (${file})`)).toEqual([]);
  });
});

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
