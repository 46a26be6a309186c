import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { appArgument, binaryMissingMessage, findElectronBinary } from '../../electron/main/launch.ts';

let dir = '';
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = '';
});

function loader(result: () => unknown): NodeJS.Require {
  const real = createRequire(import.meta.url);
  return Object.assign(() => result(), { resolve: real.resolve, cache: real.cache, main: undefined, extensions: real.extensions }) as unknown as NodeJS.Require;
}

describe('findElectronBinary', () => {
  it('reports where the binary should have been when the download was skipped', () => {
    const found = findElectronBinary(
      loader(() => {
        throw new Error('Electron failed to install correctly');
      }),
    );
    expect(found.path).toBeNull();
    expect(found.path === null && found.reason).toMatch(/node_modules[/\\]electron[/\\]dist$/);
  });

  it('refuses a path that does not exist, and accepts one that does', () => {
    expect(findElectronBinary(loader(() => '/nonexistent/electron'))).toEqual({ path: null, reason: '/nonexistent/electron' });
    expect(findElectronBinary(loader(() => process.execPath))).toEqual({ path: process.execPath });
  });
});

describe('binaryMissingMessage', () => {
  it('is one line in Chinese and English that says what to do', () => {
    const text = binaryMissingMessage('/x/node_modules/electron/dist');
    expect(text).not.toContain('\n');
    expect(text).toContain('未找到 Electron 可执行文件');
    expect(text).toContain('Electron binary not found');
    expect(text).toContain('npm start');
    expect(text).toContain('ELECTRON_MIRROR');
  });
});

describe('appArgument', () => {
  it('hands Electron the project when package.json main is the bundle, else the bundle', () => {
    dir = mkdtempSync(join(tmpdir(), 'station-launch-'));
    expect(appArgument(dir)).toBe(join(dir, 'out', 'main', 'index.js'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'x' }));
    expect(appArgument(dir)).toBe(join(dir, 'out', 'main', 'index.js'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'x', main: 'out/main/index.js' }));
    expect(appArgument(dir)).toBe(dir);
  });
});
