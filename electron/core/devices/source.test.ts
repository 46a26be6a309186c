// Issue 11: which source a path or docked volume is was decided twice (api's sourceForPath and the
// dock); one decision in core means a recorder ingested by path and the same recorder docked share
// their source key, so each resumes the other.
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestStation, type TestStation } from '../../../tests/support/testStation.ts';
import { dockedSource, sourceForPath } from './source.ts';

let t: TestStation | null = null;
const dirs: string[] = [];
afterEach(() => {
  t?.cleanup();
  t = null;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'source-'));
  dirs.push(dir);
  return dir;
}

describe('source identity', () => {
  it('a folder that is not a mount point is a folder source keyed by its real path', async () => {
    t = await createTestStation();
    const station = t.station;
    const root = folder();
    mkdirSync(join(root, 'synced'));
    writeFileSync(join(root, 'synced', 'A12B345_JH0102_20250301100304_0001.MP4'), 'x');
    const source = await sourceForPath({ path: join(root, 'synced', '..', 'synced') }, { registry: station.ingest.registry, namingRules: () => station.ingest.namingRules.rules() });
    const real = realpathSync(join(root, 'synced'));
    expect(source).toEqual({ kind: 'folder', root: real, sourceKey: `folder:${real}`, device: null, fsType: null, label: null, vendorInfo: null, recorder: null });
  });

  it('a recorder named by the custodian has the key the dock gives the same recorder docked', async () => {
    t = await createTestStation();
    const station = t.station;
    station.ingest.registry.addRecorder('admin', { serial: 'A12B345', registeredVia: 'custodian' });
    const root = folder();
    const byPath = await sourceForPath({ path: root, recorderSerial: 'A12B345' }, { registry: station.ingest.registry, namingRules: () => station.ingest.namingRules.rules() });
    expect(byPath.recorder).toEqual({ serial: 'A12B345', via: 'custodian' });
    const docked = dockedSource({ mountPoint: '/media/rec', device: '/dev/sdz1', fsType: 'exfat', label: null, usb: null }, { serial: 'A12B345', via: 'usb' }, { vendorInfo: null, clockDrift: null });
    expect(docked).toMatchObject({ kind: 'volume', root: '/media/rec', device: '/dev/sdz1', recorder: { serial: 'A12B345', via: 'usb' } });
    expect(byPath.sourceKey).toBe(docked.sourceKey);
  });

  it('refuses an unregistered recorder, a file and a missing path', async () => {
    t = await createTestStation();
    const station = t.station;
    const deps = { registry: station.ingest.registry, namingRules: () => station.ingest.namingRules.rules() };
    const root = folder();
    writeFileSync(join(root, 'file.mp4'), 'x');
    await expect(sourceForPath({ path: root, recorderSerial: 'NOPE' }, deps)).rejects.toMatchObject({ code: 'recorder.not_found' });
    await expect(sourceForPath({ path: join(root, 'file.mp4') }, deps)).rejects.toMatchObject({ code: 'ingest.not_a_directory' });
    await expect(sourceForPath({ path: join(root, 'missing') }, deps)).rejects.toMatchObject({ code: 'io.not_found' });
  });
});
