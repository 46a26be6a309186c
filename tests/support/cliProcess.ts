import { spawn, type ChildProcess } from 'node:child_process';
import { STATION_BIN, type CliResult } from './cli.ts';

export type RunningCli = { child: ChildProcess; output: () => string; done: Promise<CliResult> };

/**
 * The real `station` command started in the background: for two processes at once, or one to be
 * killed with kill -9 at a chosen moment. `detached` puts it in its own process group, so killing
 * the group takes its xorriso down with it, as a power cut would.
 */
export function startStation(args: string[], env: Record<string, string | undefined> = {}, options: { detached?: boolean } = {}): RunningCli {
  const child = spawn(process.execPath, [STATION_BIN, ...args], {
    env: { ...process.env, STATION_LANG: undefined, STATION_PASSPHRASE: undefined, STATION_PASSWORD: undefined, STATION_USER: undefined, STATION_NEW_PASSWORD: undefined, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliResult>((resolve) => child.once('close', (code, signal) => resolve({ code: code ?? (signal ? -1 : -2), stdout, stderr })));
  return { child, output: () => stdout + stderr, done };
}
