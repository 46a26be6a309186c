import { writeFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { i18n } from 'i18next';
import { openStationApi, defaultDataDir, StationError, toSerialized, type ApiClient } from '../api/server.ts';
import type { SerializedError } from '../api/index.ts';
import { createCliI18n, pickLang } from './i18n.ts';
import { provideDiscPorts } from '../api/runtime/discs.ts';
import { createDiscPorts } from '../../native/discs/index.ts';
import { readSecret } from './secrets.ts';
import { cliCommands, type CliCommand, type CliContext } from './commands/index.ts';
import { alarmLines } from './commands/foundation.ts';
import { localTimes, useAgencyTimeZone } from './commands/format.ts';

const GLOBAL_OPTIONS = {
  data: { type: 'string' },
  lang: { type: 'string' },
  user: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies ParseArgsConfig['options'];

/** What an account whose password an administrator chose may run (`user passwd` only for oneself). */
const PASSWORD_COMMANDS = new Set(['password', 'user passwd']);

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export function exitCodeFor(error: SerializedError): number {
  switch (error.kind) {
    case 'input':
    case 'state':
      return EXIT.usage;
    case 'denied':
    case 'verify':
    case 'io':
      return EXIT.failed;
  }
}

function findCommand(positionals: string[]): { command: CliCommand; rest: string[] } | null {
  let best: { command: CliCommand; rest: string[] } | null = null;
  for (const command of cliCommands) {
    const n = command.words.length;
    if (positionals.slice(0, n).join(' ') === command.words.join(' ') && (!best || n > best.command.words.length)) {
      best = { command, rest: positionals.slice(n) };
    }
  }
  return best;
}

function usage(t: i18n['t']): string {
  return [t('usage.title'), '', ...cliCommands.map((c) => `  station ${c.words.join(' ')} ${c.synopsis}`.trimEnd() + `\n      ${t(`help.${c.words.join('_')}`)}`), '', t('usage.globals'), t('time.usage')].join('\n');
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env, io = { out: process.stdout, err: process.stderr }): Promise<number> {
  // Find the command words first so that its own options can be parsed strictly.
  const loose = parseArgs({ args: argv, options: GLOBAL_OPTIONS, strict: false, allowPositionals: true });
  const lang = pickLang(typeof loose.values.lang === 'string' ? loose.values.lang : undefined, env);
  const i18n = await createCliI18n(lang);
  const t = i18n.t.bind(i18n);
  const fail = (error: SerializedError): number => {
    io.err.write(localTimes(`${t('error_prefix')}${t(`errors:${error.code}`, { ...error.params, defaultValue: error.code })}\n`));
    return exitCodeFor(error);
  };
  const positionalWords = loose.positionals.filter((p) => typeof p === 'string');
  const found = findCommand(positionalWords);
  if (!found || loose.values.help) {
    (found || loose.values.help ? io.out : io.err).write(`${usage(t)}\n`);
    return found || loose.values.help ? EXIT.ok : EXIT.usage;
  }
  const { command } = found;
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs({ args: argv, options: { ...GLOBAL_OPTIONS, ...command.options }, strict: true, allowPositionals: true });
  } catch (e) {
    return fail({ code: 'cli.bad_usage', kind: 'input', params: { detail: (e as Error).message, usage: `station ${command.words.join(' ')} ${command.synopsis}` } });
  }
  const rest = args.positionals.slice(command.words.length);
  // '[NAME]' marks an optional positional (`station burn --retry JOB` needs no REQUEST).
  const required = command.positionals.filter((p) => !p.startsWith('[')).length;
  if (rest.length < required || rest.length > command.positionals.length) {
    return fail({ code: 'cli.bad_usage', kind: 'input', params: { detail: t('wrong_arguments'), usage: `station ${command.words.join(' ')} ${command.synopsis}` } });
  }
  const dataDir = (args.values.data as string | undefined) ?? env.STATION_DATA ?? defaultDataDir(env);
  let server;
  try {
    server = openStationApi({ dataDir });
  } catch (e) {
    return fail(toSerialized(e));
  }
  const client: ApiClient = server.connect();
  const json = args.values.json === true;
  const print = (human: string, value: unknown) => io.out.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${localTimes(human)}\n`);
  const secret = async (envName: string, promptKey: string): Promise<string> => {
    const value = await readSecret(envName, t(promptKey), env);
    if (value === null) throw new StationError('input', 'cli.secret_required', { variable: envName });
    return value;
  };
  const ctx: CliContext = { server, client, t, args: args.values, positionals: rest, print, json, secret, env, writeFile: (path, text) => writeFileSync(path, text) };
  try {
    const status = await client.invoke('station.status', {});
    useAgencyTimeZone(status.timeZone);
    if (command.unlock !== 'never' && status.initialized) {
      // Before unlocking: recovery after a crashed burn reads back a finished image with these.
      provideDiscPorts(server, createDiscPorts());
      const passphrase = env.STATION_PASSPHRASE || (command.unlock === 'required' ? await secret('STATION_PASSPHRASE', 'prompt.passphrase') : null);
      if (passphrase) await client.invoke('station.unlock', { passphrase });
    }
    if (command.login && status.initialized) {
      const username = (args.values.user as string | undefined) ?? env.STATION_USER;
      if (!username) throw new StationError('input', 'cli.user_required', {});
      const password = await secret('STATION_PASSWORD', 'prompt.password');
      const { user } = await client.invoke('auth.login', { username, password });
      // The server refuses every other command anyway; saying what to run is kinder than a bare refusal.
      if (user.mustChangePassword && !PASSWORD_COMMANDS.has(command.words.join(' '))) throw new StationError('denied', 'cli.password_change_first', { username: user.username });
    }
    const code = (await command.run(ctx)) ?? EXIT.ok;
    // A checkpoint the witness has not cosigned goes to it now (core/witness/README.md); offline is
    // normal and stays queued, a refusal raises the alarm printed below.
    if (command.login && status.initialized && command.words[0] !== 'witness') {
      const after = await client.invoke('station.status', {});
      if (after.witness?.pendingSize != null) await client.invoke('witness.sync', {}).catch(() => undefined);
    }
    // Every user sees a ledger alarm or a clock anomaly, whatever they ran (ledger/README.md).
    if (command.words[0] !== 'status' && status.initialized) {
      for (const line of alarmLines(await client.invoke('station.status', {}), t)) io.err.write(localTimes(`${t('warning_prefix')}${line}\n`));
    }
    return code;
  } catch (e) {
    return fail(toSerialized(e));
  } finally {
    server.close();
  }
}
