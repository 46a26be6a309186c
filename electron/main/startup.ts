// Start-up choices made from argv and the environment, kept pure for tests.
import { join, resolve } from 'node:path';

/** Same folder name as electron/core/paths.ts APP_FOLDER, so the CLI and the app share one station. */
export const APP_FOLDER = 'evidence-station';

export type Language = 'zh-CN' | 'en';
export const LANGUAGES: readonly Language[] = ['zh-CN', 'en'];

/** Value of `--name VALUE` or `--name=VALUE`, the same spelling the CLI accepts. */
export function argValue(argv: readonly string[], name: string): string | undefined {
  const flag = `--${name}`;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === flag) return argv[i + 1];
    if (arg?.startsWith(`${flag}=`)) return arg.slice(flag.length + 1);
  }
  return undefined;
}

/**
 * `--data DIR`, else STATION_DATA, else the OS app-data folder. The default is pinned to the
 * folder name rather than taken from app.getName(), which a productName in package.json would
 * change, silently splitting the desktop app and the CLI onto two different stations.
 */
export function resolveDataDir(argv: readonly string[], env: NodeJS.ProcessEnv, appDataDir: string, cwd = process.cwd()): string {
  const fromArg = argValue(argv, 'data');
  if (fromArg) return resolve(cwd, fromArg);
  if (env.STATION_DATA) return resolve(cwd, env.STATION_DATA);
  return join(appDataDir, APP_FOLDER);
}

/**
 * The first supported language among the candidates (explicit choice first, then the OS's
 * preferences); zh-CN when none matches, since the station's users are Chinese agencies.
 */
export function resolveLanguage(candidates: readonly (string | undefined)[]): Language {
  for (const candidate of candidates) {
    const tag = candidate?.trim().toLowerCase();
    if (!tag) continue;
    if (tag === 'zh' || tag.startsWith('zh-') || tag.startsWith('zh_')) return 'zh-CN';
    if (tag === 'en' || tag.startsWith('en-') || tag.startsWith('en_')) return 'en';
  }
  return 'zh-CN';
}
