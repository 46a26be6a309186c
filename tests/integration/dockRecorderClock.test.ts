// Issue 15 item 3: "vendor 采集站 set the recorder's clock on every dock (SyncDevTime in the 公安部
// interface) because a wrong recorder clock makes every deadline wrong". The dock reads the recorder's
// own clock through the vendor adapter — here the real GabDllUnlocker through koffi, against the
// stand-in library built with gcc — records the measured drift on the session and its recordings,
// and with recorder.syncClocks sets the clock, ledgered device.clock_synced for the custodian on duty.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { queryLedger } from '../../electron/core/ledger/query.ts';
import { ManualClock } from '../../electron/core/clock.ts';
import { createTestStation, type TestStation } from '../support/testStation.ts';
import { HandVolumes } from '../support/handVolumes.ts';
import { nameAt, randomMp4 } from '../support/recorderFiles.ts';
import { startDock, dockOf, type DockHandle } from '../../electron/api/runtime/dock.ts';
import type { ApiClient } from '../../electron/api/server.ts';
import type { DockedVolume } from '../../electron/api/index.ts';
import type { MountedVolume, PlatformDevices, RecorderUnlocker, UsbDeviceInfo } from '../../electron/core/devices/ports.ts';
import { GAB_DLL_DEFAULTS, GabDllUnlocker, validateGabDllConfig, type GabDllConfig } from '../../native/unlock/gabDll.ts';
import { buildGabStandIn, type StandInProbe } from '../../native/testing/gabStandIn.ts';

const device: UsbDeviceInfo = { vendorId: 0x2222, productId: 1, serialNumber: 'SN-CLOCK', manufacturer: null, product: null, portPath: null };

let libDir: string;
let lib = '';
let skip: string | null = null;
let probe: StandInProbe | null = null;

beforeAll(async () => {
  libDir = await mkdtemp(join(tmpdir(), 'es-clock-lib-'));
  const built = await buildGabStandIn(libDir);
  if ('skip' in built) skip = built.skip;
  else ({ lib, probe } = built);
});
afterAll(async () => {
  probe?.unload();
  await rm(libDir, { recursive: true, force: true });
});

let t: TestStation;
let keeper: ApiClient;
let fake: HandVolumes;
let dock: DockHandle | null;
let dirs: string[] = [];
let unlocker: GabDllUnlocker | null;

function ports(u: RecorderUnlocker): PlatformDevices {
  return { volumes: fake, usb: { list: async () => [], watch: async () => async () => {} }, unlockers: [u] };
}

function adapter(over: Partial<GabDllConfig> = {}): GabDllUnlocker {
  const config = { ...validateGabDllConfig({ id: 'gab-dll:test', dllPath: lib, initIdCode: 'ZFY', devices: [{ vendorId: 0x2222, productId: 1 }] }), ...over };
  unlocker = new GabDllUnlocker(config, { platform: 'linux', allowNonWindows: true });
  return unlocker;
}

function volume(): MountedVolume {
  const dir = mkdtempSync(join(tmpdir(), 'dock-clock-'));
  dirs.push(dir);
  const at = { y: 2025, mo: 3, d: 1, h: 9, mi: 0, s: 0 };
  writeFileSync(join(dir, nameAt(at, { sequence: 1 })), randomMp4());
  return { mountPoint: dir, device: '/dev/sdz1', fsType: 'exfat', label: null, usb: device };
}

async function settled(mountPoint: string): Promise<DockedVolume> {
  const end = Date.now() + 60_000;
  for (;;) {
    const v = dockOf(t.server)?.status().volumes.find((x) => x.mountPoint === mountPoint);
    if (v && ['done', 'failed', 'interrupted', 'stopped', 'unrecognized'].includes(v.state)) return v;
    if (Date.now() > end) throw new Error(`volume ${mountPoint} did not settle: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeEach(async () => {
  // The stand-in's clock is the real one (plus its drift); so is the station's here, held still.
  t = await createTestStation({ clock: new ManualClock(new Date()) });
  keeper = await t.addUser('keeper', ['custodian']);
  await keeper.invoke('recorder.add', { serial: '1234567', usbVendorId: 0x2222, usbProductId: 1, usbSerial: 'SN-CLOCK' });
  fake = new HandVolumes();
  dock = null;
  unlocker = null;
});

afterEach(async () => {
  await dock?.stop();
  await unlocker?.close();
  t.cleanup();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

const entries = (action: string) => queryLedger(t.station.db, { action, limit: 100, order: 'asc' }).entries;
const near = (actual: number, expected: number) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(2);

describe('recorder clock through the vendor interface', () => {
  it('issue 15 item 3: the drift is read from the recorder, recorded on session and recordings, and the clock is synced and ledgered', async (ctx) => {
    if (skip) return ctx.skip(skip);
    await t.admin.invoke('ingest.setSettings', { syncRecorderClocks: true });
    dock = await startDock(t.server, ports(adapter()), { duty: 'keeper' });
    probe!.setDrift(3600); // the recorder runs an hour ahead
    const syncs = probe!.syncs();
    const res = (await keeper.invoke('dock.unlock', { device, password: '123456' })) as {
      clock: { drift: { seconds: number; source: string }; synced: { after: { seconds: number }; by: string } };
    };
    near(res.clock.drift.seconds, 3600);
    expect(res.clock.drift.source).toBe('vendor:gab-dll:test');
    near(res.clock.synced.after.seconds, 0);
    expect(probe!.syncs()).toBe(syncs + 1);

    const synced = entries('device.clock_synced');
    expect(synced).toHaveLength(1);
    expect(synced[0]).toMatchObject({ actor: 'keeper', subject: 'usb:2222:0001', details: { unlocker: 'gab-dll:test', before: { source: 'vendor:gab-dll:test' } } });
    near((synced[0]!.details as { driftSeconds: number }).driftSeconds, 3600);

    const v = volume();
    fake.mount(v);
    const done = await settled(v.mountPoint);
    expect(done.state).toBe('done');
    expect(done.session!.clockDrift).toMatchObject({ source: 'vendor:gab-dll:test', beyondTolerance: true });
    near(done.session!.clockDrift!.seconds, 3600);
    const list = (await keeper.invoke('recording.list', {})) as { items: { flags: string[]; clockDrift: { seconds: number; source: string } | null }[] };
    expect(list.items).toHaveLength(1);
    expect(list.items[0]!.flags).toContain('clock_drift');
    expect(list.items[0]!.clockDrift!.source).toBe('vendor:gab-dll:test');
  });

  it('a measured clock behind the station is flagged too; with syncing off the clock is left alone', async (ctx) => {
    if (skip) return ctx.skip(skip);
    dock = await startDock(t.server, ports(adapter()), { duty: 'keeper' });
    probe!.setDrift(-1800);
    const syncs = probe!.syncs();
    const res = (await keeper.invoke('dock.unlock', { device, password: '123456' })) as { clock: { drift: { seconds: number }; synced: unknown } };
    near(res.clock.drift.seconds, -1800);
    expect(res.clock.synced).toBeNull();
    expect(probe!.syncs()).toBe(syncs);
    expect(entries('device.clock_synced').length > 0).toBe(false);
    const v = volume();
    fake.mount(v);
    const done = await settled(v.mountPoint);
    expect(done.session!.clockDrift).toMatchObject({ source: 'vendor:gab-dll:test', beyondTolerance: true });
    probe!.setDrift(0);
  });

  it('an interface without a clock leaves the estimate, labelled an estimate', async (ctx) => {
    if (skip) return ctx.skip(skip);
    await t.admin.invoke('ingest.setSettings', { syncRecorderClocks: true });
    dock = await startDock(t.server, ports(adapter({ functions: { ...GAB_DLL_DEFAULTS.functions, getTime: null, syncTime: null } })), { duty: 'keeper' });
    const res = (await keeper.invoke('dock.unlock', { device, password: '123456' })) as { clock: unknown };
    expect(res.clock).toBeNull();
    const v = volume();
    fake.mount(v);
    const done = await settled(v.mountPoint);
    expect(done.session!.clockDrift!.source).toMatch(/^estimate:/);
    expect(entries('device.clock_synced').length > 0).toBe(false);
  });
});
