// Tray icon showing whether the station is locked, so a custodian can see at a glance from
// across the room whether the vault keys are in memory.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Menu, Tray, nativeImage, type NativeImage } from 'electron';
import type { Translate } from './i18n.ts';
import type { ApiClient } from '../api/server.ts';
import { trayIconName, trayState, type TrayState } from './trayStatus.ts';

export type StationTray = { refresh(): Promise<void>; destroy(): void };

function loadIcon(iconsDir: string, name: string): NativeImage {
  // Read through fs (asar-aware) rather than a path, and add the @2x bitmap for HiDPI panels.
  const image = nativeImage.createFromBuffer(readFileSync(join(iconsDir, `${name}.png`)), { scaleFactor: 1 });
  image.addRepresentation({ scaleFactor: 2, buffer: readFileSync(join(iconsDir, `${name}@2x.png`)) });
  return image;
}

export function createTray(options: {
  iconsDir: string;
  t: Translate;
  /** A client of its own: the tray only reads the public station.status. */
  client: ApiClient;
  showWindow(): void;
  quit(): void;
}): StationTray {
  const { t, client } = options;
  const icons = {
    'tray-locked': loadIcon(options.iconsDir, 'tray-locked'),
    'tray-unlocked': loadIcon(options.iconsDir, 'tray-unlocked'),
  };
  const tray = new Tray(icons['tray-locked']);
  tray.setContextMenu(
    Menu.buildFromTemplate([
      { label: t('tray.show'), click: () => options.showWindow() },
      { type: 'separator' },
      { label: t('tray.quit'), click: () => options.quit() },
    ]),
  );
  tray.on('click', () => options.showWindow());
  let shown: TrayState | null = null;

  const show = (state: TrayState) => {
    if (state === shown || tray.isDestroyed()) return;
    shown = state;
    tray.setImage(icons[trayIconName(state)]);
    tray.setToolTip(t('tray.tooltip', { app: t('app.title'), status: t(`tray.status.${state}`) }));
  };
  show('unknown');

  return {
    async refresh() {
      show(trayState(await client.call('station.status', {})));
    },
    destroy() {
      if (!tray.isDestroyed()) tray.destroy();
    },
  };
}
