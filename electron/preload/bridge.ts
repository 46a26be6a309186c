// What the renderer gets as window.station, built from an allow-list so that it is exactly
// invoke + on over the api's channels and events, and nothing else.
// Pure: ipcRenderer comes in as a parameter, so the unit test needs no Electron.
import { EVENT_CHANNEL, INVOKE_CHANNEL, type Result } from '../shared/ipc.ts';

export { EVENT_CHANNEL, INVOKE_CHANNEL };

export type Envelope = Result<unknown>;

export type StationBridge = {
  invoke(channel: string, payload?: unknown): Promise<Envelope>;
  on(event: string, callback: (payload: unknown) => void): () => void;
};

/** The parts of ipcRenderer the bridge uses. */
export type BridgeIpcRenderer = {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
};

export function createStationBridge(ipc: BridgeIpcRenderer, allow: { channels: readonly string[]; events: readonly string[] }): StationBridge {
  const channels: ReadonlySet<string> = new Set(allow.channels);
  const events: ReadonlySet<string> = new Set(allow.events);
  const listeners = new Map<string, Set<(payload: unknown) => void>>();

  // One IPC listener for all subscriptions; the IpcRendererEvent stays here, because handing it
  // to the page would hand over `sender`, i.e. ipcRenderer itself.
  ipc.on(EVENT_CHANNEL, (_event, name, payload) => {
    if (typeof name !== 'string') return;
    for (const callback of listeners.get(name) ?? []) {
      try {
        callback(payload);
      } catch (e) {
        console.error(`station event ${name} listener failed`, e);
      }
    }
  });

  return Object.freeze({
    invoke(channel: string, payload?: unknown): Promise<Envelope> {
      if (typeof channel !== 'string' || !channels.has(channel)) {
        // Same envelope the api returns for an unknown command, so the UI has one error path.
        return Promise.resolve({ ok: false, error: { code: 'api.unknown_command', kind: 'input', params: { channel: String(channel) } } });
      }
      return ipc.invoke(INVOKE_CHANNEL, channel, payload ?? {}) as Promise<Envelope>;
    },
    on(event: string, callback: (payload: unknown) => void): () => void {
      if (typeof event !== 'string' || !events.has(event)) throw new TypeError(`unknown station event: ${String(event)}`);
      if (typeof callback !== 'function') throw new TypeError('station.on needs a callback');
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(callback);
      return () => {
        listeners.get(event)?.delete(callback);
      };
    },
  });
}
