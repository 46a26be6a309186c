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
    ['electron/shared/x.ts', "import { readFileSync } from 'node:fs';\nexport const a = readFileSync;"],
    ['electron/shared/x.ts', "import { z } from 'zod';\nexport const a = z;"],
    ['electron/shared/x.ts', "import type { Station } from '../core/station.ts';\nexport type A = Station;"],
    ['electron/shared/x.ts', "import type { Channel } from '../api/index.ts';\nexport type A = Channel;"],
    ['renderer/src/x.ts', "import type { Station } from '../../electron/core/station.ts';\nexport type A = Station;"],
    ['renderer/src/x.ts', "import { dockStarter } from '../../electron/main/dock.ts';\nexport const a = dockStarter;"],
    ['renderer/src/x.ts', "import { verifyConsistency } from '../../electron/central/report.ts';\nexport const a = verifyConsistency;"],
    ['renderer/src/x.ts', "import { ipcRenderer } from 'electron';\nexport const a = ipcRenderer;"],
  ])('%s may not: %s', async (file, code) => {
    expect(await layerErrors(file, code)).not.toEqual([]);
  });

  it.each([
    ['electron/api/x.ts', "import { Station } from '../core/station.ts';\nexport const a = Station;"],
    ['electron/cli/x.ts', "import { openStationApi } from '../api/server.ts';\nexport const a = openStationApi;"],
    ['renderer/src/x.ts', "import type { Channel } from '../../electron/api/index.ts';\nexport type A = Channel;"],
    ['electron/core/x.ts', "import { createHash } from 'node:crypto';\nexport const a = createHash;"],
    ['electron/central/x.ts', "import { verifyConsistency } from '../core/ledger/merkle.ts';\nexport const a = verifyConsistency;"],
    ['electron/shared/x.ts', "import { ROLES } from './roles.ts';\nexport const a = ROLES;"],
    ['renderer/src/x.ts', "import { ABILITIES } from '../../electron/shared/roles.ts';\nexport const a = ABILITIES;"],
    ['electron/core/x.ts', "import { REQUEST_KINDS } from '../shared/requests.ts';\nexport const a = REQUEST_KINDS;"],
    ['electron/main/x.ts', "import { INVOKE_CHANNEL } from '../shared/ipc.ts';\nexport const a = INVOKE_CHANNEL;"],
    ['native/x.ts', "import type { UsbDeviceInfo } from '../electron/shared/events.ts';\nexport type A = UsbDeviceInfo;"],
  ])('%s may: %s', async (file, code) => {
    expect(await layerErrors(file, code)).toEqual([]);
  });
});
