import { describe, expect, it } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { createTranslator, mainResources } from '../../electron/main/i18n.ts';
import { menuTemplate } from '../../electron/main/menu.ts';

function keys(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

function items(template: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return template.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? items(item.submenu) : [])]);
}

const actions = { openLogsFolder: () => {}, about: () => {} };

describe('main-process strings', () => {
  it('zh-CN and en have the same keys', () => {
    expect(keys(mainResources.en.main).sort()).toEqual(keys(mainResources['zh-CN'].main).sort());
  });

  it('translates a station error code through the errors namespace', async () => {
    const t = await createTranslator('zh-CN');
    expect(t('errors:api.unknown_command', { channel: 'x' })).toContain('x');
    expect(t('errors:api.unknown_command', { channel: 'x' })).not.toBe('api.unknown_command');
  });
});

describe('menuTemplate', () => {
  for (const language of ['zh-CN', 'en'] as const) {
    it(`labels every item in ${language}`, async () => {
      const t = await createTranslator(language);
      const all = items(menuTemplate(t, actions, { devTools: true, platform: 'linux' }));
      for (const item of all) {
        if (item.type === 'separator') continue;
        expect(item.label, JSON.stringify(item)).toBeTruthy();
        expect(item.label).not.toMatch(/^menu\./);
      }
    });
  }

  it('has File, Edit, View and Help with accelerators on every command', async () => {
    const t = await createTranslator('en');
    const template = menuTemplate(t, actions, { devTools: false, platform: 'win32' });
    expect(template.map((m) => m.label)).toEqual(['&File', '&Edit', '&View', '&Help']);
    for (const item of items(template)) {
      if (item.type === 'separator' || Array.isArray(item.submenu)) continue;
      expect(item.accelerator, String(item.label)).toBeTruthy();
    }
    const roles = items(template).map((i) => i.role);
    expect(roles).toEqual(expect.arrayContaining(['quit', 'copy', 'paste', 'undo', 'reload', 'togglefullscreen']));
  });

  it('offers DevTools only when asked (unpackaged builds)', async () => {
    const t = await createTranslator('en');
    const roles = (devTools: boolean) => items(menuTemplate(t, actions, { devTools, platform: 'linux' })).map((i) => i.role);
    expect(roles(false)).not.toContain('toggleDevTools');
    expect(roles(true)).toContain('toggleDevTools');
  });

  it('adds the app menu on macOS only', async () => {
    const t = await createTranslator('en');
    expect(menuTemplate(t, actions, { devTools: false, platform: 'darwin' })[0]?.role).toBe('appMenu');
    expect(menuTemplate(t, actions, { devTools: false, platform: 'linux' })[0]?.role).toBeUndefined();
  });
});
