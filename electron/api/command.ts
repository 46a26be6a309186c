import type { z } from 'zod';
import type { Station } from '../core/station.ts';
import { ABILITIES, type Ability, type Role } from '../shared/roles.ts';
import type { Emit } from '../shared/events.ts';
import type { User } from '../core/access/users.ts';
import type { StationRuntime } from './runtime/runtime.ts';

/** Who may call a command. `public` commands run before anyone has logged in (setup, unlock, login). */
export type Access = { kind: 'public' } | { kind: 'session'; roles: readonly Role[] | 'any' };

export type Session = { user: User; token: string; lastSeen: number };

export type CommandContext = {
  station: Station;
  /** The dock, the replica queue and event wiring kept by this server (runtime/runtime.ts). */
  runtime: StationRuntime;
  /** The authenticated user; present for every command whose access is not public. */
  actor: User;
  session: Session | null;
  /** Sends a progress or status event to the calling client only. */
  emit: Emit;
  /** Sends an event to every signed-in client (dock and ingest progress). */
  broadcast: Emit;
  /** Lets public auth commands start and end this client's session. */
  client: { setSession(user: User | null): Session | null };
  signal: AbortSignal;
  /** URL under which the front end plays a playback token (custom protocol in Electron, HTTP in e2e). */
  mediaUrl: (token: string) => string;
};

export type Command<S extends z.ZodType, O> = {
  input: S;
  access: Access;
  /** True when the handler changes state; the CLI and UI use it for confirmations and docs. */
  mutates: boolean;
  run: (ctx: CommandContext, input: z.output<S>) => Promise<O> | O;
};

export function command<S extends z.ZodType, O>(def: Command<S, O>): Command<S, O> {
  return def;
}

export const anyone = { kind: 'public' } as const satisfies Access;
export const signedIn = { kind: 'session', roles: 'any' } as const satisfies Access;
export const roles = (...r: Role[]): Access => ({ kind: 'session', roles: r });
/** The roles the shared ability table names: the renderer offers the command to the same roles. */
export const ability = (a: Ability): Access => ({ kind: 'session', roles: ABILITIES[a] });

type HandlerMap = Record<string, { input: z.ZodType; access: Access; mutates: boolean }>;
type Merged<U> = (U extends unknown ? (m: U) => void : never) extends (m: infer I) => void ? I : never;

/**
 * The namespace files' handler maps as one. A name defined twice is refused when the api loads: a
 * spread would let the later file's handler silently replace the earlier one's, access rule and all.
 */
export function mergeHandlers<M extends HandlerMap[]>(...maps: M): Merged<M[number]> {
  const all: HandlerMap = {};
  for (const map of maps) {
    for (const [name, handler] of Object.entries(map)) {
      if (Object.hasOwn(all, name)) throw new Error(`api command ${name} is defined twice`);
      all[name] = handler;
    }
  }
  return all as Merged<M[number]>;
}
