import { rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// station/no-import-cycle (tests/lint-rules/importCycle.js) is enforced by eslint.config.js; this proves it bites in
// every layer by linting a small file placed in the layer, next to a probe file on disk that imports it back.
// The probes live only while this file runs (written beside the layer's code so the config's globs apply).
const cwd = fileURLToPath(new URL('../../', import.meta.url));
const eslint = new ESLint({ cwd });
const RULE = 'station/no-import-cycle';
const tag = `${process.pid}`;

// [folder, severity the config gives the rule there]: 2 = error everywhere since #11 items 1 and 4 removed the last cycles.
const LAYERS: [string, 2][] = [
  ['electron/shared', 2],
  ['electron/central', 2],
  ['electron/main', 2],
  ['electron/cli', 2],
  ['native', 2],
  ['renderer/src', 2],
  ['electron/core', 2],
  ['electron/api', 2],
];
const probes: string[] = [];

beforeAll(() => {
  for (const [dir] of LAYERS) {
    // The probe imports the subject by value and by type: either closes a cycle.
    const probe = `${cwd}${dir}/cycleProbe${tag}.ts`;
    writeFileSync(probe, `import { subject } from './cycleSubject${tag}.ts';\nexport const probe = subject;\n`);
    const typeProbe = `${cwd}${dir}/cycleTypeProbe${tag}.ts`;
    writeFileSync(typeProbe, `import type { Subject } from './cycleSubject${tag}.ts';\nexport const typeProbe = (s: Subject) => s;\n`);
    probes.push(probe, typeProbe);
  }
});

afterAll(() => {
  for (const p of probes) rmSync(p, { force: true });
});

async function cycleMessages(filePath: string, code: string) {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === RULE).map((m) => ({ severity: m.severity, message: m.message }));
}

describe('import cycle rule', () => {
  it.each(LAYERS)('%s: an import that leads back to the importer is reported', async (dir, severity) => {
    const found = await cycleMessages(`${dir}/cycleSubject${tag}.ts`, `import { probe } from './cycleProbe${tag}.ts';\nexport const subject = 1;\nexport const again = probe;\n`);
    expect(found).toEqual([{ severity, message: expect.stringContaining(`${dir}/cycleSubject${tag}.ts → ${dir}/cycleProbe${tag}.ts → ${dir}/cycleSubject${tag}.ts`) }]);
  });

  it.each(LAYERS)('%s: a cycle closed by an `import type` counts', async (dir, severity) => {
    const found = await cycleMessages(`${dir}/cycleSubject${tag}.ts`, `import { typeProbe } from './cycleTypeProbe${tag}.ts';\nexport type Subject = number;\nexport const again = typeProbe;\n`);
    expect(found.map((f) => f.severity)).toEqual([severity]);
  });

  it.each(LAYERS)('%s: imports that do not lead back are fine', async (dir) => {
    const shared = `${'../'.repeat(dir.split('/').length)}electron/shared/roles.ts`;
    const here = dir === 'electron/shared' ? './roles.ts' : shared;
    expect(await cycleMessages(`${dir}/cycleSubject${tag}.ts`, `import { ROLES } from '${here}';\nexport const subject = ROLES;\n`)).toEqual([]);
  });

  it('a file importing itself is a cycle', async () => {
    const found = await cycleMessages(`electron/shared/self${tag}.ts`, `export { ROLES } from './self${tag}.ts';\n`);
    expect(found).toHaveLength(1);
  });
});
