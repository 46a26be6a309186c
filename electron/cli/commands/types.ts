import type { ParseArgsConfig } from 'node:util';
import type { i18n } from 'i18next';
import type { ApiClient, ApiServer } from '../../api/server.ts';

export type CliContext = {
  /** For runtime services that outlive one command (`station watch` starts the dock on it). */
  server: ApiServer;
  client: ApiClient;
  t: i18n['t'];
  args: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
  json: boolean;
  print: (human: string, value: unknown) => void;
  secret: (envName: string, promptKey: string) => Promise<string>;
  env: NodeJS.ProcessEnv;
  writeFile: (path: string, text: string) => void;
};

export type CliCommand = {
  words: string[];
  synopsis: string;
  positionals: string[];
  options: ParseArgsConfig['options'];
  /** Whether the acting user must log in (STATION_USER/--user + STATION_PASSWORD). */
  login: boolean;
  /** Whether the station passphrase is needed (prompted), or just used when STATION_PASSPHRASE is set. */
  unlock: 'never' | 'if-available' | 'required';
  run: (ctx: CliContext) => Promise<number | void>;
};
