import { join } from 'node:path';
import { BrowserWindow, type NativeImage } from 'electron';
import type { RendererSource } from './origin.ts';
import { windowOptions } from './security.ts';

type Log = { info(...a: unknown[]): void; error(...a: unknown[]): void };

export function createMainWindow(options: {
  source: RendererSource;
  preloadPath: string;
  icon: NativeImage;
  title: string;
  devTools: boolean;
  log: Log;
}): BrowserWindow {
  const { source, log } = options;
  const win = new BrowserWindow(windowOptions({ preloadPath: options.preloadPath, icon: options.icon, title: options.title, devTools: options.devTools }));
  win.once('ready-to-show', () => win.show());
  let lastCrash = 0;
  win.webContents.on('render-process-gone', (_event, details) => {
    log.error(`renderer gone: ${details.reason} (exit ${details.exitCode})`);
    if (details.reason === 'clean-exit' || win.isDestroyed()) return;
    // One automatic reload; a renderer that keeps dying is left for the officer to see rather
    // than restarted in a loop.
    const now = Date.now();
    if (now - lastCrash > 60_000) win.reload();
    lastCrash = now;
  });
  const loaded = source.kind === 'dev' ? win.loadURL(`${source.origin}/`) : win.loadFile(join(source.dir, 'index.html'));
  loaded.then(
    () => log.info(`renderer loaded from ${source.kind === 'dev' ? source.origin : source.dir}`),
    (e: unknown) => log.error('renderer failed to load', e),
  );
  return win;
}
