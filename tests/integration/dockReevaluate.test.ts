// A docked volume is judged again, not once (issue #14 item 13): registering its recorder while it
// is docked starts its ingest, through the api at once and from another process at the next check;
// files that appear after mounting are ingested without a re-dock. Folders stand in for volumes.
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
import type { DockedVolume } from '../../electron/api/index.ts';
import type { MountedVolume, PlatformDevices } from '../../electron/core/devices/ports.ts';

let t: TestStation;
let keeper: ApiClient;
let volumes: HandVolumes;
let dock: DockHandle | null = null;
const dirs: string[] = [];

const ports = (): PlatformDevices => ({ volumes, usb: { list: async () => [], watch: async () => async () => {} }, unlockers: [] });
const clip = (seq: number, deviceSerial = '1234567') => nameAt({ y: 2025, mo: 3, d: 1, h: 9, mi: seq, s: 0 }, { sequence: seq, deviceSerial });

function folder(files: Record<string, Buffer>): MountedVolume {
  const dir = mkdtempSync(join(tmpdir(), 'dock-recheck-'));
  dirs.push(dir);
  for (const [n, d] of Object.entries(files)) writeFileSync(join(dir, n), d);
  return { mountPoint: dir, device: '/dev/sdy1', fsType: 'exfat', label: null, usb: null };
}

const view = (mountPoint: string) => dockOf(t.server)?.status().volumes.find((x) => x.mountPoint === mountPoint);

async function until(mountPoint: string, ok: (v: DockedVolume) => boolean): Promise<DockedVolume> {
  const end = Date.now() + 60_000;
  for (;;) {
    const v = view(mountPoint);
    if (v && ok(v)) return v;
    if (Date.now() > end) throw new Error(`volume ${mountPoint} never got there: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const refusals = (mountPoint: string) => (t.station.db.prepare("SELECT count(*) AS n FROM ledger WHERE action = 'dock.storage_refused' AND subject = ?").get(`volume:${mountPoint}`) as { n: number }).n;

beforeEach(async () => {
  t = await createTestStation({ clock: new ManualClock('2025-03-02T01:00:00Z') });
  keeper = await t.addUser('keeper', ['custodian']);
  volumes = new HandVolumes();
});

afterEach(async () => {
  await dock?.stop();
  dock = null;
  t.cleanup();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('docked volumes judged again', () => {
  it('registering the recorder of refused storage through the api ingests it at once, without a re-dock', async () => {
    // A recheck period far beyond the test: only the registration itself can start the ingest.
    dock = await startDock(t.server, ports(), { duty: 'keeper', recheckMs: 3_600_000 });
    const v = folder({ [clip(1, '7777777')]: randomMp4(), [clip(2, '7777777')]: randomMp4() });
    volumes.mount(v);
    expect(await until(v.mountPoint, (x) => x.state === 'unrecognized')).toMatchObject({ reason: 'dock.unregistered_serial', serialsFromNames: ['7777777'] });
    await keeper.invoke('recorder.add', { serial: '7777777' });
    const done = await until(v.mountPoint, (x) => x.state === 'done');
    expect(done).toMatchObject({ recorder: { serial: '7777777', via: 'name' }, session: { counts: { ingested: 2 } } });
    expect(refusals(v.mountPoint)).toBe(1);
  });

  it('a recorder registered by another process is picked up at the next check; a refusal is ledgered once', async () => {
    dock = await startDock(t.server, ports(), { duty: 'keeper', recheckMs: 100 });
    const v = folder({ [clip(1, '8888888')]: randomMp4() });
    volumes.mount(v);
    await until(v.mountPoint, (x) => x.state === 'unrecognized');
    // Several checks pass while it stays unknown: judged again each time, said once.
    await new Promise((r) => setTimeout(r, 600));
    expect(view(v.mountPoint)?.state).toBe('unrecognized');
    expect(refusals(v.mountPoint)).toBe(1);
    // As `station recorders add` in a second process does: straight into the registry, no api call here.
    t.station.ingest.registry.addRecorder('keeper', { serial: '8888888', registeredVia: 'custodian' });
    expect(await until(v.mountPoint, (x) => x.state === 'done')).toMatchObject({ recorder: { serial: '8888888' }, session: { counts: { ingested: 1 } } });
  });

  it('files that appear after the ingest finished are ingested; what was ingested is not read twice', async () => {
    await keeper.invoke('recorder.add', { serial: '1234567' });
    dock = await startDock(t.server, ports(), { duty: 'keeper', recheckMs: 100 });
    const v = folder({ [clip(1)]: randomMp4() });
    volumes.mount(v);
    const first = await until(v.mountPoint, (x) => x.state === 'done');
    expect(first.session).toMatchObject({ counts: { ingested: 1 } });
    // Nothing new: the finished session stays the one shown.
    await new Promise((r) => setTimeout(r, 400));
    expect(view(v.mountPoint)?.sessionId).toBe(first.sessionId);

    writeFileSync(join(v.mountPoint, clip(2)), randomMp4());
    const second = await until(v.mountPoint, (x) => x.state === 'done' && x.sessionId !== first.sessionId);
    expect(second.session).toMatchObject({ counts: { ingested: 1, already_ingested: 1 } });
    expect((await keeper.invoke('recording.list', {})).total).toBe(2);
  });
});
