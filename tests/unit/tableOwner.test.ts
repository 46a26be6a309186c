import { readFileSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// station/table-owner (tests/lint-rules/tableOwner.js, map in electron/core/db/tableOwners.json): a core feature names
// only its own tables in SQL. Proven like tests/unit/layers.test.ts, by linting small files placed in features.
const cwd = fileURLToPath(new URL('../../', import.meta.url));
const eslint = new ESLint({ cwd });
const owners = (JSON.parse(readFileSync(`${cwd}electron/core/db/tableOwners.json`, 'utf8')) as { tables: Record<string, string> }).tables;

async function tableMessages(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  const found = (result?.messages ?? []).filter((m) => m.ruleId === 'station/table-owner');
  // An error, so `npm run lint` (and CI) fails on it; a warning would let it pass.
  for (const m of found) expect(m.severity).toBe(2);
  return found.map((m) => m.message);
}

describe('table owner rule', () => {
  it.each([
    ['electron/core/cases/x.ts', "export const q = 'SELECT id FROM recordings WHERE case_id = ?';", 'recordings'],
    ['electron/core/replica/x.ts', 'export const q = `SELECT o.id FROM recordings r JOIN vault_objects o ON o.id = r.object_id`;', 'vault_objects'],
    ['electron/core/ingest/x.ts', "export const q = 'UPDATE vault_objects SET size = ? WHERE id = ?';", 'vault_objects'],
    ['electron/core/access/x.ts', "export const q = 'INSERT INTO ledger (seq) VALUES (?)';", 'ledger'],
    ['electron/core/reports/deep/x.ts', 'export const q = (t: string) => `DELETE FROM requests WHERE id = ${t}`;', 'requests'],
    ['electron/core/papers/x.ts', "export const q = 'SELECT value FROM settings';", 'settings'],
  ])('%s may not name another feature\'s table: %s', async (file, code, table) => {
    const found = await tableMessages(file, code);
    expect(found).toHaveLength(code.includes('recordings r JOIN') ? 2 : 1);
    expect(found.join('\n')).toContain(`'${table}'`);
  });

  it.each([
    ['electron/core/recordings/x.ts', "export const q = 'SELECT id FROM recordings WHERE sha256 = ?';"],
    ['electron/core/ledger/x.ts', 'export const q = `INSERT INTO ledger (seq) VALUES (?)`;'],
    // Prose is not SQL: the keywords are upper case in this code base's statements.
    ['electron/core/cases/x.ts', "export const note = 'copied from recordings into the ledger';"],
    // The composition root, tests and the schema are no feature.
    ['electron/core/x.ts', "export const q = 'SELECT id FROM recordings';"],
    ['electron/core/cases/x.test.ts', "export const q = 'SELECT id FROM recordings';"],
    ['electron/core/db/x.ts', "export const q = 'SELECT id FROM recordings';"],
    // Not a table of the station's schema.
    ['electron/core/cases/x.ts', "export const q = 'SELECT name FROM sqlite_master';"],
  ])('%s may: %s', async (file, code) => {
    expect(await tableMessages(file, code)).toEqual([]);
  });

  it('gives every table of the migrations one owner, an existing core folder', () => {
    const dir = `${cwd}electron/core/db/migrations`;
    const created = new Set<string>();
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.sql'))) {
      for (const m of readFileSync(`${dir}/${f}`, 'utf8').matchAll(/CREATE (?:VIRTUAL )?TABLE (?:IF NOT EXISTS )?([a-z_][a-z0-9_]*)/g)) created.add(m[1]!);
    }
    expect(Object.keys(owners).sort()).toEqual([...created].sort());
    for (const owner of new Set(Object.values(owners))) expect(statSync(`${cwd}electron/core/${owner}`).isDirectory(), owner).toBe(true);
  });
});
