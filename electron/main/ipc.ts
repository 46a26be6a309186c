// The one IPC entry point. Every command in electron/api is reachable through it and nothing
// else is; adding a command to the api needs no edit here.
// Electron is only a type here: the bridge takes ipcMain as a parameter, so tests drive it with a
// real station and a stand-in for ipcMain, without the Electron binary.
import type { IpcMain, WebContents } from 'electron';
import { channels, events } from '../api/index.ts';
import type { ApiClient, ApiServer, Result } from '../api/server.ts';
import { isTrustedSender, type RendererSource } from './origin.ts';
import { EVENT_CHANNEL, INVOKE_CHANNEL } from '../shared/ipc.ts';

export { EVENT_CHANNEL, INVOKE_CHANNEL };

/** The parts of WebContents the bridge uses. */
export type BridgeContents = Pick<WebContents, 'id' | 'isDestroyed' | 'send' | 'on' | 'once'>;
export type BridgeFrame = { url: string; parent: unknown } | null;
export type BridgeInvokeEvent = { sender: BridgeContents; senderFrame: BridgeFrame };
export type BridgeIpc = {
  handle(channel: string, listener: (event: BridgeInvokeEvent, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
};

export type BridgeLog = { warn(...args: unknown[]): void };

export type StationBridge = {
  /** How many windows currently hold a client (and so possibly a session). */
  readonly clientCount: number;
  /** The windows' clients, each with its own session or none: desktop notices speak to their users. */
  clients(): ApiClient[];
  dispose(): void;
};

const knownChannels: ReadonlySet<string> = new Set(channels);
const knownEvents: ReadonlySet<string> = new Set(events);

function failure(code: string, kind: 'denied' | 'input', params: Record<string, string> = {}): Result<never> {
  return { ok: false, error: { code, kind, params } };
}

export function registerStationIpc(options: {
  ipcMain: BridgeIpc | IpcMain;
  server: ApiServer;
  source: RendererSource;
  log: BridgeLog;
  /** Runs after every command, e.g. to refresh the tray's locked/unlocked state. */
  afterCall?: (channel: string) => void;
}): StationBridge {
  const { server, source, log, afterCall } = options;
  const ipc = options.ipcMain as BridgeIpc;
  // One client per window: each has its own session, so logging in at one window does not log
  // anyone in at another (electron/api/server.ts).
  const clients = new Map<number, { client: ApiClient; stop: () => void }>();
  const wired = new Set<number>();

  const drop = (id: number) => {
    const entry = clients.get(id);
    if (!entry) return;
    entry.stop();
    clients.delete(id);
  };

  const clientFor = (contents: BridgeContents): ApiClient => {
    const existing = clients.get(contents.id);
    if (existing) return existing.client;
    const client = server.connect();
    const stop = client.on((event, payload) => {
      if (!knownEvents.has(event)) {
        log.warn(`station event ${event} is not in electron/api events; not forwarded`);
        return;
      }
      if (!contents.isDestroyed()) contents.send(EVENT_CHANNEL, event, payload);
    });
    clients.set(contents.id, { client, stop });
    const id = contents.id;
    if (!wired.has(id)) {
      wired.add(id);
      contents.once('destroyed', () => {
        drop(id);
        wired.delete(id);
      });
      // A reloaded or crashed page starts signed out: the new page did not log in, and a session
      // must not outlive the page the officer saw it in.
      contents.on('did-navigate', () => drop(id));
      contents.on('render-process-gone', () => drop(id));
    }
    return client;
  };

  ipc.handle(INVOKE_CHANNEL, async (event, channel, payload) => {
    const frame = event.senderFrame;
    const sender = { url: frame?.url ?? null, isTopFrame: frame !== null && frame.parent === null };
    if (!isTrustedSender(sender, source)) {
      log.warn(`refused station:invoke from untrusted frame ${sender.url ?? '(gone)'} (top frame: ${sender.isTopFrame})`);
      return failure('ipc.untrusted_sender', 'denied');
    }
    if (typeof channel !== 'string' || !knownChannels.has(channel)) {
      return failure('api.unknown_command', 'input', { channel: String(channel) });
    }
    const result = await clientFor(event.sender).call(channel, payload);
    try {
      afterCall?.(channel);
    } catch (e) {
      log.warn('afterCall failed', e);
    }
    return result;
  });

  return {
    get clientCount() {
      return clients.size;
    },
    clients() {
      return [...clients.values()].map((c) => c.client);
    },
    dispose() {
      ipc.removeHandler(INVOKE_CHANNEL);
      for (const id of [...clients.keys()]) drop(id);
    },
  };
}
