// The real `station` CLI in child processes, for the fault campaign: every command the campaign
// runs (set-up, the operations it kills, the re-runs and the checks) goes through it, as a
// custodian at a terminal would.
import { spawn, type ChildProcess } from 'node:child_process';
import { STATION_BIN } from '../support/cli.ts';

export const PASSPHRASE = 'fault campaign station passphrase';

export type Login = { user: string; password: string };
export type CliRun = { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; ms: number };

/** The environment a command runs with: only what the station reads, nothing from the caller's shell. */
export function cliEnv(data: string, login: Login | null, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, STATION_DATA: data, STATION_PASSPHRASE: PASSPHRASE, STATION_LANG: 'en', ...extra };
  for (const k of ['STATION_USER', 'STATION_PASSWORD', 'STATION_NEW_PASSWORD']) if (!(k in extra)) delete env[k];
  if (login) {
    env.STATION_USER = login.user;
    env.STATION_PASSWORD = login.password;
  }
  return env;
}

export type Started = {
  child: ChildProcess;
  /** Resolves when the process (the whole group) has ended. */
  done: Promise<CliRun>;
  /** kill -9 of the process group: the station and whatever it started (xorriso), as a power cut. */
  kill(): void;
  /** SIGSTOP of the group: a process that hangs, alive and holding whatever it holds. */
  freeze(): void;
  thaw(): void;
  ended(): boolean;
};

/** Every process group started and not yet ended, so that Ctrl-C leaves no frozen station behind. */
const running = new Set<Started>();
export function killAll(): void {
  for (const s of running) s.kill();
}

/** Starts `station ARGS` in its own process group, so that kill -9 takes its children down too. */
export function start(args: string[], env: NodeJS.ProcessEnv): Started {
  const t0 = Date.now();
  const child = spawn(process.execPath, [STATION_BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stdout = '';
  let stderr = '';
  let over = false;
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliRun>((resolve) =>
    child.once('close', (code, signal) => {
      over = true;
      resolve({ code, signal, stdout, stderr, ms: Date.now() - t0 });
    }),
  );
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, sig);
    } catch {
      // Already gone: the group ended between the check and the signal.
    }
  };
  const started: Started = {
    child,
    done,
    ended: () => over,
    kill: () => signal('SIGKILL'),
    freeze: () => signal('SIGSTOP'),
    thaw: () => signal('SIGCONT'),
  };
  running.add(started);
  void done.then(() => running.delete(started));
  return started;
}

/** Runs a command to its end; a command that hangs past `timeoutMs` is killed and reported as such. */
export async function run(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 180_000): Promise<CliRun> {
  const s = start(args, env);
  const timer = setTimeout(() => s.kill(), timeoutMs);
  try {
    return await s.done;
  } finally {
    clearTimeout(timer);
  }
}

/** Runs a command that must succeed; its output is in the error otherwise. */
export async function must(args: string[], env: NodeJS.ProcessEnv, timeoutMs?: number): Promise<CliRun> {
  const r = await run(args, env, timeoutMs);
  if (r.code !== 0) throw new Error(`station ${args.join(' ')} exited ${r.code ?? r.signal}:\n${r.stdout}\n${r.stderr}`);
  return r;
}

export async function json<T>(args: string[], env: NodeJS.ProcessEnv): Promise<T> {
  const r = await must([...args, '--json'], env);
  return JSON.parse(r.stdout) as T;
}

let helpText: Promise<string> | null = null;
/** `station --help`: lets the campaign use commands that exist on this build (burn --retry, password). */
export function help(): Promise<string> {
  helpText ??= run(['--help', '--lang', 'en'], cliEnv('/nonexistent', null)).then((r) => `${r.stdout}${r.stderr}`);
  return helpText;
}

export const ADMIN: Login = { user: 'admin', password: 'admin-password-1' };

/**
 * Creates a user the way an admin does, and signs them in for the first time. All the campaign's
 * user set-up goes through here: when accounts made by an admin must set their own password at
 * first login (`station password`, STATION_PASSWORD = current, STATION_NEW_PASSWORD = new), this is
 * the one place that does it. Returns the password the user signs in with from then on.
 */
export async function addUser(data: string, user: string, roles: string[]): Promise<Login> {
  const initial = `${user}-initial-password`;
  const own = `${user}-own-password`;
  await must(['user', 'add', user, '--role', roles.join(','), '--name', user], cliEnv(data, ADMIN, { STATION_NEW_PASSWORD: initial }));
  if (/^\s*station password\b/m.test(await help())) {
    await must(['password'], cliEnv(data, null, { STATION_USER: user, STATION_PASSWORD: initial, STATION_NEW_PASSWORD: own }));
    return { user, password: own };
  }
  return { user, password: initial };
}

export async function initStation(data: string): Promise<void> {
  await must(['init', '--agency-code', 'FLT01', '--agency-name', '故障演练执法局', '--admin', ADMIN.user, '--admin-name', '管理员'], cliEnv(data, ADMIN));
}
