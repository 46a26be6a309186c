import type { z } from 'zod';
import type { Station } from '../core/station.ts';
import { ABILITIES, type Ability, type Role } from '../shared/roles.ts';
import type { Emit } from '../shared/events.ts';
import type { User } from '../core/access/users.ts';

/** Who may call a command. `public` commands run before anyone has logged in (setup, unlock, login). */
export type Access = { kind: 'public' } | { kind: 'session'; roles: readonly Role[] | 'any' };

export type Session = { user: User; token: string; lastSeen: number };

export type CommandContext = {
  station: Station;
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
