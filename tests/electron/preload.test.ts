import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { channels, events } from '../../electron/api/index.ts';
import { preloadAllowListDefine } from '../../electron/main/buildPlugins.ts';
import { EVENT_CHANNEL as MAIN_EVENT_CHANNEL, INVOKE_CHANNEL as MAIN_INVOKE_CHANNEL } from '../../electron/main/ipc.ts';
import { EVENT_CHANNEL, INVOKE_CHANNEL, createStationBridge } from '../../electron/preload/bridge.ts';
import config from '../../electron.vite.config.ts';

type Listener = (event: unknown, ...args: unknown[]) => void;

function fakeIpcRenderer() {
  const listeners: Listener[] = [];
  return {
    invoke: vi.fn(async (..._args: unknown[]) => ({ ok: true, value: 'from main' })),
    on: vi.fn((_channel: string, listener: Listener) => listeners.push(listener)),
    fire: (...args: unknown[]) => listeners.forEach((l) => l({ sender: 'ipcRenderer itself' }, ...args)),
  };
}

describe('preload allow-list', () => {
  it('is electron/api channels and events, as baked in by the build', () => {
    const define = preloadAllowListDefine();
    expect(new Set(JSON.parse(define.__STATION_CHANNELS__ ?? '[]'))).toEqual(new Set(channels));
    expect(new Set(JSON.parse(define.__STATION_EVENTS__ ?? '[]'))).toEqual(new Set(events));
  });

  it('is what electron.vite.config.ts hands to the preload build', () => {
    const resolved = config as { preload?: { define?: Record<string, string> } };
    expect(resolved.preload?.define).toEqual(preloadAllowListDefine());
  });

  it('uses the same IPC channel names as main', () => {
    expect(INVOKE_CHANNEL).toBe(MAIN_INVOKE_CHANNEL);
    expect(EVENT_CHANNEL).toBe(MAIN_EVENT_CHANNEL);
  });

  const built = new URL('../../out/preload/index.cjs', import.meta.url);
  it.skipIf(!existsSync(built))('built preload lists every channel and requires nothing but electron', () => {
    const code = readFileSync(built, 'utf8');
    for (const channel of channels) expect(code).toContain(`"${channel}"`);
    for (const event of events) expect(code).toContain(`"${event}"`);
    const requires = [...code.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
    expect(new Set(requires)).toEqual(new Set(['electron']));
    expect(code).not.toMatch(/^\s*(import|export)\s/m);
  });
});

describe('createStationBridge', () => {
  const allow = { channels: ['station.status', 'auth.login'], events: ['session.ended'] };

  it('exposes exactly invoke and on', () => {
    const bridge = createStationBridge(fakeIpcRenderer(), allow);
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'on']);
    expect(Object.isFrozen(bridge)).toBe(true);
  });

  it('forwards allowed channels to main through one IPC channel', async () => {
    const ipc = fakeIpcRenderer();
    const bridge = createStationBridge(ipc, allow);
    await expect(bridge.invoke('auth.login', { username: 'a', password: 'b' })).resolves.toEqual({ ok: true, value: 'from main' });
    expect(ipc.invoke).toHaveBeenCalledWith('station:invoke', 'auth.login', { username: 'a', password: 'b' });
    await bridge.invoke('station.status');
    expect(ipc.invoke).toHaveBeenLastCalledWith('station:invoke', 'station.status', {});
  });

  it('answers anything else itself with the api error envelope, never reaching main', async () => {
    const ipc = fakeIpcRenderer();
    const bridge = createStationBridge(ipc, allow);
    for (const channel of ['user.delete', 'station:invoke', '__proto__', 'constructor', 42 as unknown as string]) {
      await expect(bridge.invoke(channel, {})).resolves.toEqual({ ok: false, error: { code: 'api.unknown_command', kind: 'input', params: { channel: String(channel) } } });
    }
    expect(ipc.invoke).not.toHaveBeenCalled();
  });

  it('delivers only subscribed events, without the IPC event object, and unsubscribes', () => {
    const ipc = fakeIpcRenderer();
    const bridge = createStationBridge(ipc, allow);
    const seen: unknown[][] = [];
    const off = bridge.on('session.ended', (...args) => seen.push(args));
    ipc.fire('session.ended', { reason: 'idle' });
    ipc.fire('ledger.verify.progress', { done: 1 });
    off();
    ipc.fire('session.ended', { reason: 'again' });
    expect(seen).toEqual([[{ reason: 'idle' }]]);
  });

  it('refuses to subscribe to unknown events', () => {
    const bridge = createStationBridge(fakeIpcRenderer(), allow);
    expect(() => bridge.on('ledger.verify.progress', () => {})).toThrow(TypeError);
    expect(() => bridge.on('session.ended', 'nope' as never)).toThrow(TypeError);
  });

  it('keeps a throwing listener from starving the others', () => {
    const ipc = fakeIpcRenderer();
    const bridge = createStationBridge(ipc, allow);
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const second = vi.fn();
    bridge.on('session.ended', () => {
      throw new Error('boom');
    });
    bridge.on('session.ended', second);
    ipc.fire('session.ended', {});
    expect(second).toHaveBeenCalledOnce();
    error.mockRestore();
  });
});
