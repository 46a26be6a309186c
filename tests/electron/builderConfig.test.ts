// electron-builder.yml is only exercised by `npm run dist`, which needs the Electron download;
// these checks catch the mistakes that would only show on an installed station.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// js-yaml is electron-builder's own YAML reader, so the file is read as electron-builder reads it.
const yaml = createRequire(createRequire(import.meta.url).resolve('electron-builder/package.json'))('js-yaml') as { load(text: string): unknown };
const config = yaml.load(readFileSync(new URL('../../electron-builder.yml', import.meta.url), 'utf8')) as {
  productName: string;
  executableName: string;
  files: string[];
  asarUnpack: string[];
  npmRebuild: boolean;
  electronFuses: Record<string, boolean>;
  linux: { target: string[] };
  deb: { depends: string[] };
  win: { target: { target: string }[] };
  nsis: { deleteAppDataOnUninstall: boolean };
};

describe('electron-builder.yml', () => {
  it('ships the build, the resources and nothing from the source tree', () => {
    expect(config.files).toEqual(expect.arrayContaining(['out/**', 'resources/**', 'package.json']));
    expect(config.files.some((f) => f.startsWith('electron/') || f.startsWith('renderer/'))).toBe(false);
    expect(config.executableName).toMatch(/^[a-z0-9-]+$/);
  });

  it('unpacks native modules and the SQL migrations from the asar', () => {
    for (const name of ['better-sqlite3', '@node-rs', 'usb']) expect(config.asarUnpack).toContain(`**/node_modules/${name}/**`);
    expect(config.asarUnpack).toContain('out/main/migrations/**');
    expect(config.npmRebuild).toBe(false);
  });

  it('builds deb + AppImage with the station tools as dependencies, and NSIS', () => {
    expect(config.linux.target).toEqual(['deb', 'AppImage']);
    expect(config.deb.depends).toEqual(expect.arrayContaining(['xorriso', 'exfat-fuse']));
    expect(config.win.target.map((t) => t.target)).toEqual(['nsis']);
  });

  it('never deletes station data on uninstall, and locks the binary down', () => {
    expect(config.nsis.deleteAppDataOnUninstall).toBe(false);
    expect(config.electronFuses).toMatchObject({ runAsNode: false, enableNodeOptionsEnvironmentVariable: false, enableNodeCliInspectArguments: false, onlyLoadAppFromAsar: true });
  });
});
