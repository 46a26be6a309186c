import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const APP_FOLDER = 'evidence-station';

/**
 * The OS app-data folder, the same one Electron's app.getPath('userData') resolves to for an
 * app named "evidence-station", so the CLI and the desktop app share one station.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  switch (platform) {
    case 'win32':
      return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_FOLDER);
    case 'darwin':
      return join(homedir(), 'Library', 'Application Support', APP_FOLDER);
    default:
      return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), APP_FOLDER);
  }
}

export type StationPaths = {
  dataDir: string;
  /** Shipped data (templates, catalogues, calendars); in a packaged app, next to the app bundle. */
  resources: string;
  database: string;
  objects: string;
  vaultTmp: string;
  staging: string;
  logs: string;
};

const defaultResources = fileURLToPath(new URL('../../resources/', import.meta.url));

export function stationPaths(dataDir: string, resources: string = defaultResources): StationPaths {
  return {
    dataDir,
    resources,
    database: join(dataDir, 'station.db'),
    objects: join(dataDir, 'vault', 'objects'),
    vaultTmp: join(dataDir, 'vault', 'tmp'),
    staging: join(dataDir, 'staging'),
    logs: join(dataDir, 'logs'),
  };
}
