// Issue 15 ("Names"): device identification read the file names with the old digits-only GA/T 947
// parser, so a recorder whose 产品序号 has letters (公安部 ZFY_INFO allows them) or that writes another
// layout was "no_recorder_files" at dock, although ingest read the same names with the naming rules.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestStation, type TestStation } from '../../../tests/support/testStation.ts';
import { parseCatalogue } from './catalogue.ts';
import { identifyVolume, serialsFromNames } from './identify.ts';

let t: TestStation | null = null;
const dirs: string[] = [];
afterEach(() => {
  t?.cleanup();
  t = null;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function volumeWith(names: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'identify-'));
  dirs.push(dir);
  for (const n of names) writeFileSync(join(dir, n), 'x');
  return dir;
}

describe('device identification reads names with the naming rules', () => {
  it('defect: an alphanumeric 产品序号 and the DCAM layout are read at identification', async () => {
    t = await createTestStation();
    const rules = t.station.ingest.namingRules.rules();
    const root = volumeWith(['A12B345_JH0102_20250301100304_0001.MP4', 'A12B345_JH0102_20250301101304_0002_IMP.mp4', 'notes.txt']);
    expect(await serialsFromNames(root, rules)).toEqual(['A12B345']);
    const dcam = volumeWith(['DCAM_CAM001_000001_20260804_100000_IMP.mp4', 'DCAM_CAM001_000001_20260804_101000.mp4']);
    expect(await serialsFromNames(dcam, rules)).toEqual(['CAM001']);
  });

  it('a registered recorder with letters in its serial is identified by its names', async () => {
    t = await createTestStation();
    const registry = t.station.ingest.registry;
    registry.addRecorder('admin', { serial: 'A12B345', registeredVia: 'custodian' });
    const root = volumeWith(['A12B345_JH0102_20250301100304_0001.MP4']);
    const identity = await identifyVolume({
      volume: { mountPoint: root, device: '/dev/loop-test', fsType: 'exfat', label: null, usb: null },
      registry,
      catalogue: parseCatalogue({ format: 'evidence-station/recorder-catalogue', version: 1, recorders: [] }),
      vendorInfo: null,
      rules: t.station.ingest.namingRules.rules(),
    });
    expect(identity).toMatchObject({ kind: 'recorder', serial: 'A12B345', via: 'name' });
  });

  it('mixed serials across layouts are still refused, not guessed', async () => {
    t = await createTestStation();
    const root = volumeWith(['A12B345_JH0102_20250301100304_0001.MP4', 'DCAM_CAM001_000001_20260804_100000.mp4']);
    expect((await serialsFromNames(root, t.station.ingest.namingRules.rules())).sort()).toEqual(['A12B345', 'CAM001']);
  });
});
