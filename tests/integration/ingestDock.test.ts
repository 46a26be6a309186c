// The dock service through the api, with in-test device ports (folders standing in for volumes):
// identification, the custodian on duty, unknown storage, the catalogue, vendor info, unplugging.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../electron/core/clock.ts';
import { createTestStation, type TestStation } from '../support/testStation.ts';
import { HandVolumes } from '../support/handVolumes.ts';
import { nameAt, randomMp4 } from '../support/recorderFiles.ts';
import { startDock, dockOf, type DockHandle } from '../../electron/api/runtime/dock.ts';
import type { ApiClient } from '../../electron/api/server.ts';
import type { DockedVolume, ProgressEvent } from '../../electron/api/index.ts';
import type { MountedVolume, PlatformDevices, RecorderInfo, RecorderUnlocker, UsbDeviceInfo } from '../../electron/core/devices/ports.ts';

let t: TestStation;
let keeper: ApiClient;
let fake: HandVolumes;
let dock: DockHandle | null;
let dirs: string[] = [];
let unlockers: RecorderUnlocker[] = [];

function ports(): PlatformDevices {
  return { volumes: fake, usb: { list: async () => [], watch: async () => async () => {} }, unlockers };
}

function volume(files: Record<string, Buffer>, usb: UsbDeviceInfo | null = null): MountedVolume {
  const dir = mkdtempSync(join(tmpdir(), 'dock-vol-'));
  dirs.push(dir);
  for (const [n, d] of Object.entries(files)) writeFileSync(join(dir, n), d);
  return { mountPoint: dir, device: '/dev/sdz1', fsType: 'exfat', label: null, usb };
}

async function settled(mountPoint: string, states: DockedVolume['state'][] = ['done', 'failed', 'interrupted', 'stopped', 'unrecognized', 'waiting']): Promise<DockedVolume> {
  const end = Date.now() + 60_000;
  for (;;) {
    const v = dockOf(t.server)?.status().volumes.find((x) => x.mountPoint === mountPoint);
    if (v && states.includes(v.state)) return v;
    if (Date.now() > end) throw new Error(`volume ${mountPoint} did not settle: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const clip = (seq: number, extra: { deviceSerial?: string; officerId?: string } = {}) => nameAt({ y: 2025, mo: 3, d: 1, h: 9, mi: seq, s: 0 }, { sequence: seq, ...extra });

beforeEach(async () => {
  t = await createTestStation({ clock: new ManualClock('2025-03-02T01:00:00Z') });
  keeper = await t.addUser('keeper', ['custodian']);
  fake = new HandVolumes();
  unlockers = [];
  dock = null;
});

afterEach(async () => {
  await dock?.stop();
  t.cleanup();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

describe('dock service', () => {
  it('a recognized recorder waits for a custodian on duty, then is ingested; events reach signed-in clients only', async () => {
    await keeper.invoke('recorder.add', { serial: '1234567' });
    const stranger = t.server.connect();
    const strangerEvents: string[] = [];
    stranger.on((e) => strangerEvents.push(e));
    const seen: { event: string; payload: unknown }[] = [];
    keeper.on((event, payload) => seen.push({ event, payload }));
    expect(await keeper.invoke('dock.status', {})).toMatchObject({ running: false });
    await expect(keeper.invoke('dock.onDuty', {})).rejects.toMatchObject({ code: 'dock.not_running' });

    dock = await startDock(t.server, ports());
    const v = volume({ [clip(1)]: randomMp4(), [clip(2)]: randomMp4() });
    fake.mount(v);
    expect(await settled(v.mountPoint)).toMatchObject({ state: 'waiting', reason: 'dock.no_custodian_on_duty', recorder: null });
    await keeper.invoke('dock.onDuty', {});
    const done = await settled(v.mountPoint, ['done', 'failed']);
    expect(done).toMatchObject({ state: 'done', mayUndock: true, recorder: { serial: '1234567', via: 'name' }, session: { counts: { ingested: 2 } } });
    const states = seen.filter((e) => e.event === 'dock.volume').map((e) => (e.payload as DockedVolume).state);
    expect(states).toEqual(expect.arrayContaining(['identifying', 'waiting', 'queued', 'ingesting', 'done']));
    const progress = seen.filter((e) => e.event === 'ingest.progress').map((e) => e.payload as ProgressEvent);
    expect(progress.at(-1)).toMatchObject({ recorderSerial: '1234567', filesDone: 2, filesTotal: 2 });
    expect(seen.some((e) => e.event === 'ingest.file')).toBe(true);
    expect(strangerEvents).toEqual([]);
    const status = await keeper.invoke('dock.status', {});
    expect(status).toMatchObject({ running: true, duty: 'keeper' });
    expect(t.station.ledger.entry(t.station.ledger.size)!.action).toBe('ingest.session_finished');
  });

  it('unknown storage is refused and ledgered; a custodian accepts it; a clerk cannot', async () => {
    dock = await startDock(t.server, ports(), { duty: 'keeper' });
    const v = volume({ [clip(1, { deviceSerial: '7777777' })]: randomMp4() });
    fake.mount(v);
    const refused = await settled(v.mountPoint);
    expect(refused).toMatchObject({ state: 'unrecognized', reason: 'dock.unregistered_serial', serialsFromNames: ['7777777'] });
    const clerk = await t.addUser('clerk1', ['clerk']);
    await expect(clerk.invoke('dock.accept', { mountPoint: v.mountPoint })).rejects.toMatchObject({ code: 'auth.forbidden' });
    await keeper.invoke('dock.accept', { mountPoint: v.mountPoint });
    expect(await settled(v.mountPoint, ['done', 'failed'])).toMatchObject({ state: 'done', recorder: { serial: '7777777', via: 'custodian' } });
    expect((await keeper.invoke('recorder.list', {}))[0]).toMatchObject({ serial: '7777777', registeredVia: 'accepted_storage', createdBy: 'keeper' });
    const actions = (await keeper.invoke('ledger.list', { subject: `volume:${v.mountPoint}`, order: 'asc' })).entries.map((e) => e.action);
    expect(actions).toEqual(['dock.storage_refused', 'dock.storage_accepted']);
  });

  it('USB storage: a catalogued model with autoIngest is a recorder (registered with its USB identity); one without is not', async () => {
    dock = await startDock(t.server, ports(), { duty: 'keeper' });
    // The shipped catalogue lists the Linux mass-storage gadget with autoIngest false.
    const gadget: UsbDeviceInfo = { vendorId: 0x0525, productId: 0xa4a5, serialNumber: 'G1', manufacturer: null, product: null, portPath: '1-1' };
    const v1 = volume({ [clip(1, { deviceSerial: '2222222' })]: randomMp4() }, gadget);
    fake.mount(v1);
    expect(await settled(v1.mountPoint)).toMatchObject({ state: 'unrecognized', reason: 'dock.needs_confirmation', catalogueModel: { verified: false } });
    const stick: UsbDeviceInfo = { vendorId: 0x0781, productId: 0x5581, serialNumber: 'S1', manufacturer: 'SanDisk', product: 'Ultra', portPath: '1-2' };
    const v2 = volume({ [clip(2, { deviceSerial: '2222222' })]: randomMp4() }, stick);
    fake.mount(v2);
    expect(await settled(v2.mountPoint)).toMatchObject({ state: 'unrecognized', reason: 'dock.not_a_recorder' });

    await t.admin.invoke('recorderCatalogue.put', {
      entry: { id: 'acme-dsj', vendorId: '1234', productId: '5678', vendor: 'ACME', model: 'DSJ-9', storage: 'mass-storage', unlocker: null, autoIngest: true, verified: false, source: 'test', note: null },
    });
    const acme: UsbDeviceInfo = { vendorId: 0x1234, productId: 0x5678, serialNumber: 'ACME-0001', manufacturer: 'ACME', product: 'DSJ', portPath: '1-3' };
    const v3 = volume({ [clip(3, { deviceSerial: '3333333' })]: randomMp4() }, acme);
    fake.mount(v3);
    expect(await settled(v3.mountPoint, ['done', 'failed'])).toMatchObject({ state: 'done', recorder: { serial: '3333333', vendor: 'ACME', model: 'DSJ-9' } });
    expect((await keeper.invoke('recorder.list', {})).find((r) => r.serial === '3333333')).toMatchObject({ registeredVia: 'catalogue', usbVendorId: 0x1234, usbSerial: 'ACME-0001' });
    // Next time the USB identity alone says which recorder it is, whatever the names say.
    fake.unmount(v3.mountPoint);
    const v4 = volume({ 'VID_9.MP4': randomMp4() }, acme);
    fake.mount(v4);
    expect(await settled(v4.mountPoint, ['done', 'failed'])).toMatchObject({ state: 'done', recorder: { serial: '3333333', via: 'usb' } });
  });

  it('vendor info (GetZFYInfo) names the recorder and, where the file names do not, the officer', async () => {
    const info: RecorderInfo = { deviceSerial: '4444444', officerId: '040506', officerName: '赵六', unitCode: null, unitName: null };
    unlockers = [{ id: 'fake-vendor', exercised: false, handles: (d) => d.vendorId === 0x2222, readInfo: async () => info, exposeStorage: async () => {} }];
    const usb: UsbDeviceInfo = { vendorId: 0x2222, productId: 0x1, serialNumber: null, manufacturer: null, product: null, portPath: '2-1' };
    dock = await startDock(t.server, { ...ports(), usb: { list: async () => [usb], watch: async () => async () => {} } }, { duty: 'keeper' });
    const v = volume({ 'VID_0001.MP4': randomMp4() }, usb);
    fake.mount(v);
    const done = await settled(v.mountPoint, ['done', 'failed']);
    expect(done).toMatchObject({ state: 'done', vendorInfo: info, recorder: { serial: '4444444', via: 'vendor' } });
    const rec = (await keeper.invoke('recording.list', {})).items[0]!;
    expect(rec).toMatchObject({ recorderSerial: '4444444', recorderSource: 'vendor', officerBadge: '040506', officerSource: 'vendor' });
  });

  it('unplugged mid-file: the file is not marked ingested, the ledger says aborted, a re-dock completes it', async () => {
    await keeper.invoke('recorder.add', { serial: '1234567' });
    dock = await startDock(t.server, ports(), { duty: 'keeper' });
    const big = randomMp4({ mdatBytes: 24 * 2 ** 20 });
    const v = volume({ [clip(1)]: big, [clip(2)]: randomMp4() });
    let pulled = false;
    const off = keeper.on((event, payload) => {
      const p = payload as ProgressEvent;
      if (!pulled && event === 'ingest.progress' && p.reading.some((f) => f.path === clip(1) && f.bytes > 0 && f.bytes < big.length)) {
        pulled = true;
        fake.unmount(v.mountPoint);
      }
    });
    fake.mount(v);
    const end = Date.now() + 60_000;
    while (!(await keeper.invoke('ingest.sessions', {})).items.some((s) => s.status === 'interrupted')) {
      if (Date.now() > end) throw new Error('no interrupted session');
      await new Promise((r) => setTimeout(r, 20));
    }
    off();
    expect(pulled).toBe(true);
    const session = (await keeper.invoke('ingest.sessions', {})).items[0]!;
    expect(session).toMatchObject({ status: 'interrupted', stopCode: 'io.device_gone', mayUndock: false });
    expect(session.counts.aborted).toBeGreaterThanOrEqual(1);
    expect((await keeper.invoke('recording.list', { text: clip(1) })).total).toBe(0);
    const aborted = await keeper.invoke('ledger.list', { action: 'ingest.file_aborted' });
    // Two files are read at once, so the small one may be cut off too; the big one must be among the aborted.
    expect(aborted.entries.map((e) => e.details)).toContainEqual(expect.objectContaining({ path: clip(1), reason: 'io.device_gone' }));
    expect(dockOf(t.server)!.status().volumes).toEqual([]);

    fake.mount(v);
    expect(await settled(v.mountPoint, ['done', 'failed'])).toMatchObject({ state: 'done', session: { counts: { aborted: 0, pending: 0 } } });
    expect((await keeper.invoke('recording.list', {})).total).toBe(2);
  });
});

describe('ingest and catalogue access', () => {
  it('custodians ingest and explain; admins set the rules; auditors and clerks read; nobody else writes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dock-acl-'));
    dirs.push(dir);
    writeFileSync(join(dir, clip(1)), randomMp4());
    const auditor = await t.addUser('auditor1', ['auditor']);
    const clerk = await t.addUser('clerk1', ['clerk']);
    await expect(t.admin.invoke('ingest.run', { path: dir })).rejects.toMatchObject({ code: 'auth.forbidden' });
    await expect(auditor.invoke('ingest.run', { path: dir })).rejects.toMatchObject({ code: 'auth.forbidden' });
    await expect(keeper.invoke('ingest.setSettings', { maxConcurrentRecorders: 2 })).rejects.toMatchObject({ code: 'auth.forbidden' });
    await t.admin.invoke('ingest.setSettings', { handoverDeadline: { workingDays: 2 } });
    expect(await auditor.invoke('ingest.settings', {})).toMatchObject({ handoverDeadline: { workingDays: 2 }, maxConcurrentRecorders: 8, clearRecorderAfterIngest: false, timeZone: 'Asia/Shanghai' });
    await expect(t.admin.invoke('ingest.setSettings', { interruptionGapSeconds: { min: 10, max: 5 } })).rejects.toMatchObject({ code: 'api.invalid_input' });
    const r = await keeper.invoke('ingest.run', { path: dir });
    const id = r.files[0]!.recordingId!;
    expect((await clerk.invoke('recording.list', {})).total).toBe(1);
    expect((await auditor.invoke('recording.get', { id })).recording.id).toBe(id);
    await expect(clerk.invoke('recording.explain', { id, text: 'x y z' })).rejects.toMatchObject({ code: 'auth.forbidden' });
    await expect(auditor.invoke('officer.add', { badge: '123456', name: 'x' })).rejects.toMatchObject({ code: 'auth.forbidden' });
    await expect(keeper.invoke('recorderCatalogue.put', { entry: {} })).rejects.toMatchObject({ code: 'auth.forbidden' });
    // The settings change is in the ledger with its author.
    const changes = await auditor.invoke('ledger.list', { action: 'setting.changed' });
    expect(changes.entries.some((e) => e.actor === 'admin' && e.subject === 'setting:handover.deadline')).toBe(true);
    // The agency's time zone: only one the runtime knows, and a refused one takes nothing sent with it along.
    await expect(t.admin.invoke('ingest.setSettings', { timeZone: 'Mars/Olympus_Mons', maxConcurrentRecorders: 3 })).rejects.toMatchObject({ code: 'station.bad_time_zone' });
    expect(await auditor.invoke('ingest.settings', {})).toMatchObject({ timeZone: 'Asia/Shanghai', maxConcurrentRecorders: 8 });
    await expect(keeper.invoke('ingest.setSettings', { timeZone: 'Asia/Urumqi' })).rejects.toMatchObject({ code: 'auth.forbidden' });
    await t.admin.invoke('ingest.setSettings', { timeZone: 'Asia/Urumqi' });
    expect(await auditor.invoke('ingest.settings', {})).toMatchObject({ timeZone: 'Asia/Urumqi' });
    const zone = (await auditor.invoke('ledger.list', { action: 'setting.changed' })).entries.find((e) => e.subject === 'setting:agency.timeZone');
    expect(zone).toMatchObject({ actor: 'admin', details: { from: 'Asia/Shanghai', to: 'Asia/Urumqi' } });
  });
});
