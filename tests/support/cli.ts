import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const STATION_BIN = fileURLToPath(new URL('../../electron/cli/station.mjs', import.meta.url));

export type CliResult = { code: number; stdout: string; stderr: string };

/** Runs the real `station` command in a child process, as a custodian would at a terminal. */
export function station(args: string[], env: Record<string, string | undefined> = {}, input?: string): CliResult {
  const r: SpawnSyncReturns<string> = spawnSync(process.execPath, [STATION_BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, STATION_LANG: undefined, STATION_PASSPHRASE: undefined, STATION_PASSWORD: undefined, STATION_USER: undefined, STATION_NEW_PASSWORD: undefined, ...env },
    input: input ?? '',
    timeout: 60_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function sqlite(dbPath: string, sql: string): CliResult {
  const r = spawnSync('sqlite3', [dbPath, sql], { encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function hasCommand(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

/**
 * Adds a user with the real CLI the way a station does it: the admin sets a first password, the
 * user replaces it with `station password` (defect 11), ending with `password` known to them.
 * `adminEnv` carries STATION_DATA, STATION_USER/STATION_PASSWORD of an admin (and any passphrase).
 */
export function addCliUser(adminEnv: Record<string, string | undefined>, username: string, roles: string, password: string): CliResult {
  const initial = `${password}-from-admin`;
  const added = station(['user', 'add', username, '--role', roles], { ...adminEnv, STATION_NEW_PASSWORD: initial });
  if (added.code !== 0) return added;
  return station(['password'], { ...adminEnv, STATION_USER: username, STATION_PASSWORD: initial, STATION_NEW_PASSWORD: password });
}
