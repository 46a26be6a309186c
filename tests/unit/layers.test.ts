import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The layer rule (README.md, Architecture: Layers) is enforced by lint; this proves the lint rule bites, by linting
// small forbidden (and allowed) files placed as if they lived in each layer.
const cwd = fileURLToPath(new URL('../../', import.meta.url));
const eslint = new ESLint({ cwd });

async function layerErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message);
}

describe('layer rule', () => {
  it.each([
    ['electron/core/x.ts', "import { app } from 'electron';\nexport const a = app;"],
    ['electron/core/x.ts', "import { handlers } from '../api/index.ts';\nexport const a = handlers;"],
    ['electron/core/x.ts', "import i18next from 'i18next';\nexport const a = i18next;"],
    ['electron/api/x.ts', "import { main } from '../cli/main.ts';\nexport const a = main;"],
    ['electron/api/x.ts', "import { BrowserWindow } from 'electron';\nexport const a = BrowserWindow;"],
    ['electron/cli/x.ts', "import { Station } from '../core/station.ts';\nexport const a = Station;"],
    ['electron/main/x.ts', "import { Station } from '../core/station.ts';\nexport const a = Station;"],
    ['renderer/src/x.ts', "import { handlers } from '../../electron/api/index.ts';\nexport const a = handlers;"],
    ['renderer/src/x.ts', "import { readFileSync } from 'node:fs';\nexport const a = readFileSync;"],
    ['native/x.ts', "import { main } from '../electron/cli/main.ts';\nexport const a = main;"],
    ['electron/central/x.ts', "import { handlers } from '../api/index.ts';\nexport const a = handlers;"],
    ['electron/central/x.ts', "import { app } from 'electron';\nexport const a = app;"],
    ['electron/core/x.ts', "import { CentralService } from '../central/service.ts';\nexport const a = CentralService;"],
  ])('%s may not: %s', async (file, code) => {
    expect(await layerErrors(file, code)).not.toEqual([]);
  });

  it.each([
    ['electron/api/x.ts', "import { Station } from '../core/station.ts';\nexport const a = Station;"],
    ['electron/cli/x.ts', "import { openStationApi } from '../api/server.ts';\nexport const a = openStationApi;"],
    ['renderer/src/x.ts', "import type { Channel } from '../../electron/api/index.ts';\nexport type A = Channel;"],
    ['electron/core/x.ts', "import { createHash } from 'node:crypto';\nexport const a = createHash;"],
    ['electron/central/x.ts', "import { verifyConsistency } from '../core/ledger/merkle.ts';\nexport const a = verifyConsistency;"],
  ])('%s may: %s', async (file, code) => {
    expect(await layerErrors(file, code)).toEqual([]);
  });
});
