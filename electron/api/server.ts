import { randomBytes } from 'node:crypto';
import type { ZodType } from 'zod';
import { StationError, isStationError, type SerializedError } from '../core/errors.ts';
import { Station } from '../core/station.ts';
import { storageError } from '../core/storageErrors.ts';
import type { Clock } from '../core/clock.ts';
import type { User } from '../core/access/users.ts';
import type { Command, CommandContext, Session } from './command.ts';
import { channels, handlers, type Channel, type Input, type Output } from './index.ts';
import { invalidInput } from './validation.ts';
import { StationRuntime } from './runtime/runtime.ts';
import { ReplicaRunner } from '../core/replica/runner.ts';

import { FIRST_LOGIN_COMMANDS } from '../shared/commands.ts';
import type { Result } from '../shared/ipc.ts';

export type { Result };

const FIRST_LOGIN_CHANNELS: ReadonlySet<string> = new Set(FIRST_LOGIN_COMMANDS);

type Listener = (event: string, payload: unknown) => void;

/**
 * One connected front end (a window, a CLI process, the e2e bridge). Each has its own session,
 * so a user logged in at one window is not logged in at another.
 */
export class ApiClient {
  private session: Session | null = null;
  private readonly listeners = new Set<Listener>();
  private readonly server: ApiServer;

  constructor(server: ApiServer) {
    this.server = server;
  }

  on(listener: Listener): () => void {
    this.listeners.add(listener);
    this.server.subscribe(this);
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.server.unsubscribe(this);
    };
  }

  emit(event: string, payload: unknown): void {
    for (const l of this.listeners) l(event, payload);
  }

  get user(): User | null {
    return this.session?.user ?? null;
  }

  /** Throws StationError on failure (CLI, tests). */
  async invoke<C extends Channel>(channel: C, payload: Input<C>): Promise<Output<C>> {
    return this.server.dispatch(this, channel, payload) as Promise<Output<C>>;
  }

  /** Never throws: the envelope crosses IPC, where Error objects lose their fields. */
  async call(channel: string, payload: unknown): Promise<Result<unknown>> {
    try {
      return { ok: true, value: await this.server.dispatch(this, channel, payload) };
    } catch (e) {
      return { ok: false, error: toSerialized(e) };
    }
  }

  /** @internal used by the server */
  currentSession(): Session | null {
    return this.session;
  }
  /** @internal used by the server */
  replaceSession(session: Session | null): void {
    this.session = session;
  }
}

export function toSerialized(e: unknown): SerializedError {
  if (isStationError(e)) return e.toJSON();
  return { code: 'api.internal', kind: 'io', params: { message: e instanceof Error ? e.message : String(e) } };
}

export class ApiServer {
  readonly station: Station;
  readonly runtime: StationRuntime;
  private readonly now: () => number;
  private readonly mediaUrl: (token: string) => string;

  constructor(station: Station, options: { mediaUrl?: (token: string) => string } = {}) {
    this.station = station;
    this.now = () => station.clock.now().getTime();
    this.mediaUrl = options.mediaUrl ?? ((token) => `station-media://play/${token}`);
    this.runtime = new StationRuntime({
      ingest: () => station.ingest,
      createDock: (runtime) => station.createDock(runtime),
      discs: () => station.discs,
      unlocked: () => station.unlocked,
      catalogue: () => station.recorderCatalogue.load(),
      replicaRunner: (onEvent) => new ReplicaRunner({ ready: () => station.initialized && station.unlocked, replica: () => station.replica }, { onEvent }),
      broadcast: (event, payload) => this.broadcast(event, payload),
    });
  }

  close(): void {
    this.station.close();
  }

  // Clients with at least one listener; dropped when their last listener goes (a closed window).
  private readonly subscribers = new Set<ApiClient>();

  /** @internal used by ApiClient.on */
  subscribe(client: ApiClient): void {
    this.subscribers.add(client);
  }
  /** @internal used by ApiClient.on */
  unsubscribe(client: ApiClient): void {
    this.subscribers.delete(client);
  }

  /**
   * Sends an event to every signed-in client (the dock's progress must reach every window showing
   * the Dock screen, not only the one that started it). Clients without a session get nothing:
   * file names and officers are not for a login screen.
   */
  broadcast(event: string, payload: unknown): void {
    for (const observer of this.observers) {
      try {
        observer(event, payload);
      } catch {
        // An observer's failure (a notification that could not show) must not stop the events.
      }
    }
    for (const client of this.subscribers) {
      if (!client.currentSession()) continue;
      try {
        client.emit(event, payload);
      } catch {
        // One failing window must not keep the event from the others.
      }
    }
  }

  connect(): ApiClient {
    return new ApiClient(this);
  }

  private readonly observers = new Set<(event: string, payload: unknown) => void>();

  /** In-process observers of broadcast events (the main process's notifications), not tied to a session. */
  observe(listener: (event: string, payload: unknown) => void): () => void {
    this.observers.add(listener);
    return () => this.observers.delete(listener);
  }

  isChannel(channel: string): channel is Channel {
    return (channels as string[]).includes(channel);
  }

  async dispatch(client: ApiClient, channel: string, payload: unknown): Promise<unknown> {
    if (!this.isChannel(channel)) throw new StationError('input', 'api.unknown_command', { channel });
    const cmd = handlers[channel] as unknown as Command<ZodType, unknown>;
    const parsed = cmd.input.safeParse(payload ?? {});
    if (!parsed.success) throw invalidInput(channel, parsed.error, payload ?? {});
    let actor: User | null = null;
    const session = client.currentSession();
    if (cmd.access.kind === 'session') {
      actor = this.authorize(client, session, cmd.access.roles, channel);
    }
    const controller = new AbortController();
    const ctx: CommandContext = {
      station: this.station,
      runtime: this.runtime,
      actor: actor as User,
      session,
      emit: (event, data) => client.emit(event, data),
      client: {
        setSession: (user) => {
          const next = user ? { user, token: randomBytes(16).toString('hex'), lastSeen: this.now() } : null;
          client.replaceSession(next);
          return next;
        },
      },
      signal: controller.signal,
      broadcast: (event, data) => this.broadcast(event, data),
      mediaUrl: this.mediaUrl,
    };
    try {
      return await cmd.run(ctx, parsed.data);
    } catch (e) {
      throw storageError(e, this.station.paths.dataDir) ?? e;
    }
  }

  /**
   * Re-reads the user on every call: a user disabled or demoted by an admin loses access at
   * their next action, not at their next login.
   */
  private authorize(client: ApiClient, session: Session | null, allowed: readonly string[] | 'any', channel: string): User {
    if (!session) throw new StationError('denied', 'auth.required', {});
    const idleMs = this.station.settings.get('session.idleMinutes') * 60_000;
    if (this.now() - session.lastSeen > idleMs) {
      client.replaceSession(null);
      client.emit('session.ended', { reason: 'idle' });
      throw new StationError('denied', 'auth.session_expired', {});
    }
    let user: User;
    try {
      // Not the row alone: what the ledger backs (roles, disabled, password), so a sqlite3 edit
      // that makes a clerk an approver is refused here and alarmed, not obeyed.
      user = this.station.users.backed(session.user.username, 'command');
    } catch (e) {
      client.replaceSession(null);
      if (isStationError(e) && e.kind === 'denied') throw e;
      throw new StationError('denied', 'auth.required', {});
    }
    if (user.disabled) {
      client.replaceSession(null);
      throw new StationError('denied', 'auth.disabled', {});
    }
    if (user.mustChangePassword && !FIRST_LOGIN_CHANNELS.has(channel)) {
      // The password was chosen by an administrator: until the user replaces it, whoever knows it
      // (the admin) could act as them.
      throw new StationError('denied', 'auth.password_change_required', {});
    }
    if (allowed !== 'any' && !user.roles.some((r) => allowed.includes(r))) {
      this.station.users.recordForbidden(user, channel);
      throw new StationError('denied', 'auth.forbidden', { channel, roles: user.roles.join(',') });
    }
    session.lastSeen = this.now();
    session.user = user;
    return user;
  }
}

/**
 * Opens (or prepares to initialize) the station in dataDir and returns its api server. Front ends
 * (main, CLI, e2e bridge) call this instead of reaching into core.
 */
export function openStationApi(options: { dataDir: string; clock?: Clock; resourcesDir?: string; mediaUrl?: (token: string) => string }): ApiServer {
  let station: Station;
  try {
    station = Station.open(options);
  } catch (e) {
    throw storageError(e, options.dataDir) ?? e;
  }
  return new ApiServer(station, options.mediaUrl ? { mediaUrl: options.mediaUrl } : {});
}

/** Serves a playback token's byte range (Electron's custom protocol handler and the e2e HTTP bridge call this). */
export function servePlayback(server: ApiServer, token: string, rangeHeader: string | null | undefined) {
  return server.station.playback.serve(token, rangeHeader);
}

export { defaultDataDir } from '../core/paths.ts';
export { StationError } from '../core/errors.ts';
