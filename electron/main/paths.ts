// Where the built app's parts sit relative to the main bundle. The same layout holds in the
// repository (out/main next to out/preload, out/renderer and resources/) and in the packaged
// app.asar, so no branch on app.isPackaged is needed.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export function appLayout(mainModuleUrl: string): { preload: string; rendererDir: string; resourcesDir: string; iconsDir: string } {
  const mainDir = dirname(fileURLToPath(mainModuleUrl));
  const root = resolve(mainDir, '..', '..');
  return {
    // .cjs: a sandboxed preload is a classic script, never an ES module (see electron.vite.config.ts).
    preload: join(mainDir, '..', 'preload', 'index.cjs'),
    rendererDir: join(mainDir, '..', 'renderer'),
    resourcesDir: join(root, 'resources'),
    iconsDir: join(root, 'resources', 'icons'),
  };
}
