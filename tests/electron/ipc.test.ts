// The IPC bridge against a real station in a temp folder; only Electron's ipcMain and
// webContents are stand-ins (there is no Electron binary on the build machines).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStationApi, type ApiServer } from '../../electron/api/server.ts';
import { registerStationIpc, type BridgeContents, type BridgeInvokeEvent, type StationBridge } from '../../electron/main/ipc.ts';
import type { RendererSource } from '../../electron/main/origin.ts';

type Handler = (event: BridgeInvokeEvent, ...args: unknown[]) => unknown;

const rendererDir = '/opt/station/out/renderer';
const source: RendererSource = { kind: 'file', dir: rendererDir };
const appUrl = pathToFileURL(join(rendererDir, 'index.html')).href;

function fakeIpcMain() {
  const handlers = new Map<string, Handler>();
  return {
    handlers,
    handle: (channel: string, handler: Handler) => {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, handler);
    },
    removeHandler: (channel: string) => handlers.delete(channel),
  };
}

let nextId = 1;
function fakeContents() {
  const listeners = new Map<string, (() => void)[]>();
  const sent: unknown[][] = [];
  let destroyed = false;
  const add = (event: string, listener: () => void) => listeners.set(event, [...(listeners.get(event) ?? []), listener]);
  const contents = {
    id: nextId++,
    isDestroyed: () => destroyed,
    send: (...args: unknown[]) => sent.push(args),
    on: (event: string, listener: () => void) => (add(event, listener), contents),
    once: (event: string, listener: () => void) => (add(event, listener), contents),
  };
  return {
    contents: contents as unknown as BridgeContents,
    sent,
    emit(event: string) {
      if (event === 'destroyed') destroyed = true;
      for (const l of listeners.get(event) ?? []) l();
    },
  };
}

const frame = (url: string, top = true) => ({ url, parent: top ? null : {} });

let dataDir = '';
let server: ApiServer;
let ipc: ReturnType<typeof fakeIpcMain>;
let bridge: StationBridge;
const warnings: string[] = [];
const log = { warn: (...args: unknown[]) => void warnings.push(args.map(String).join(' ')) };

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'station-ipc-'));
  server = openStationApi({ dataDir });
  ipc = fakeIpcMain();
  warnings.length = 0;
  bridge = registerStationIpc({ ipcMain: ipc, server, source, log });
});

afterEach(() => {
  bridge.dispose();
  server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const invoke = (event: BridgeInvokeEvent, channel: unknown, payload?: unknown) => {
  const handler = ipc.handlers.get('station:invoke');
  if (!handler) throw new Error('station:invoke not registered');
  return handler(event, channel, payload) as Promise<unknown>;
};

describe('station:invoke', () => {
  it('is the one handler registered, and dispose removes it', () => {
    expect([...ipc.handlers.keys()]).toEqual(['station:invoke']);
    bridge.dispose();
    expect(ipc.handlers.size).toBe(0);
  });

  it('runs api commands for the app frame and returns the envelope', async () => {
    const { contents } = fakeContents();
    const result = await invoke({ sender: contents, senderFrame: frame(appUrl) }, 'station.status', {});
    expect(result).toMatchObject({ ok: true, value: { initialized: false, unlocked: false, dataDir } });
    const failed = await invoke({ sender: contents, senderFrame: frame(appUrl) }, 'auth.whoami', {});
    expect(failed).toEqual({ ok: false, error: { code: 'auth.required', kind: 'denied', params: {} } });
  });

  it('refuses other pages, subframes and vanished frames before touching the station', async () => {
    const { contents } = fakeContents();
    const refused = { ok: false, error: { code: 'ipc.untrusted_sender', kind: 'denied', params: {} } };
    expect(await invoke({ sender: contents, senderFrame: frame('https://evil.example/') }, 'station.status', {})).toEqual(refused);
    expect(await invoke({ sender: contents, senderFrame: frame('file:///tmp/evil.html') }, 'station.status', {})).toEqual(refused);
    expect(await invoke({ sender: contents, senderFrame: frame(appUrl, false) }, 'station.status', {})).toEqual(refused);
    expect(await invoke({ sender: contents, senderFrame: null }, 'station.status', {})).toEqual(refused);
    expect(bridge.clientCount).toBe(0);
    expect(warnings).toHaveLength(4);
  });

  it('refuses channels that are not in electron/api', async () => {
    const { contents } = fakeContents();
    for (const channel of ['station.destroyEverything', 'toString', 42, undefined]) {
      expect(await invoke({ sender: contents, senderFrame: frame(appUrl) }, channel, {})).toEqual({
        ok: false,
        error: { code: 'api.unknown_command', kind: 'input', params: { channel: String(channel) } },
      });
    }
    expect(bridge.clientCount).toBe(0);
  });

  it('returns input errors as envelopes', async () => {
    const { contents } = fakeContents();
    const result = await invoke({ sender: contents, senderFrame: frame(appUrl) }, 'station.status', { extra: 1 });
    expect(result).toMatchObject({ ok: false, error: { code: 'api.invalid_input', kind: 'input' } });
  });
});

describe('clients and sessions', () => {
  const passphrase = 'correct horse battery staple';
  const admin = { username: 'admin', displayName: '管理员', password: 'admin-password-1' };

  async function initAndLogin(contents: BridgeContents) {
    const init = await invoke({ sender: contents, senderFrame: frame(appUrl) }, 'station.init', { agencyCode: 'TEST', agencyName: '测试局', passphrase, admin });
    expect(init).toMatchObject({ ok: true });
    const login = await invoke({ sender: contents, senderFrame: frame(appUrl) }, 'auth.login', { username: admin.username, password: admin.password });
    expect(login).toMatchObject({ ok: true, value: { user: { username: 'admin' } } });
  }

  it('keeps one session per window and drops it when the window goes', async () => {
    const a = fakeContents();
    const b = fakeContents();
    await initAndLogin(a.contents);
    expect(await invoke({ sender: a.contents, senderFrame: frame(appUrl) }, 'auth.whoami', {})).toMatchObject({ ok: true, value: { user: { username: 'admin' } } });
    expect(await invoke({ sender: b.contents, senderFrame: frame(appUrl) }, 'auth.whoami', {})).toMatchObject({ ok: false, error: { code: 'auth.required' } });
    expect(bridge.clientCount).toBe(2);
    a.emit('destroyed');
    expect(bridge.clientCount).toBe(1);
  });

  it('signs a reloaded page out', async () => {
    const a = fakeContents();
    await initAndLogin(a.contents);
    a.emit('did-navigate');
    expect(await invoke({ sender: a.contents, senderFrame: frame(appUrl) }, 'auth.whoami', {})).toMatchObject({ ok: false, error: { code: 'auth.required' } });
  });

  it('sends a window its own progress events as station:event', async () => {
    const a = fakeContents();
    const b = fakeContents();
    await initAndLogin(a.contents);
    await invoke({ sender: b.contents, senderFrame: frame(appUrl) }, 'station.status', {});
    const result = await invoke({ sender: a.contents, senderFrame: frame(appUrl) }, 'ledger.verify', {});
    expect(result).toMatchObject({ ok: true });
    const progress = a.sent.filter(([channel, name]) => channel === 'station:event' && name === 'ledger.verify.progress');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)?.[2]).toMatchObject({ done: expect.any(Number), total: expect.any(Number) });
    expect(b.sent).toEqual([]);
  });

  it('runs afterCall after each command (the tray refresh)', async () => {
    bridge.dispose();
    const calls: string[] = [];
    bridge = registerStationIpc({ ipcMain: ipc, server, source, log, afterCall: (c) => calls.push(c) });
    const { contents } = fakeContents();
    await invoke({ sender: contents, senderFrame: frame(appUrl) }, 'station.status', {});
    await invoke({ sender: contents, senderFrame: frame('https://evil.example/') }, 'station.status', {});
    expect(calls).toEqual(['station.status']);
  });
});
