// Issue 15: the naming rules reach the catalogue. Every rule that matched is on the recording; a name
// no rule matches is flagged name_unrecognized instead of being dated silently; a station's own rules
// file replaces the shipped one, and is refused when one of its examples does not hold.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.ts';
import { createTestStation, type TestStation } from '../../../tests/support/testStation.ts';
import { randomMp4 } from '../../../tests/support/recorderFiles.ts';
import { type IngestSourceSpec } from './service.ts';

let t: TestStation | null = null;
const dirs: string[] = [];
afterEach(() => {
  t?.cleanup();
  t = null;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function folder(files: Record<string, Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), 'names-src-'));
  dirs.push(dir);
  for (const [name, data] of Object.entries(files)) {
    writeFileSync(join(dir, name), data);
    utimesSync(join(dir, name), new Date('2026-08-04T02:00:10Z'), new Date('2026-08-04T02:00:10Z'));
  }
  return dir;
}
const spec = (root: string): IngestSourceSpec => ({ kind: 'folder', root, sourceKey: `folder:${root}`, device: null, fsType: null, label: null, recorder: null, vendorInfo: null });

describe('naming rules at ingest', () => {
  it('issue 15: DCAM and alphanumeric names are read, every matching rule recorded; an unknown name is flagged', async () => {
    t = await createTestStation({ clock: new ManualClock('2026-08-04T03:00:00Z') });
    await t.addUser('keeper', ['custodian']);
    const clip = () => randomMp4({ creationTime: new Date('2026-08-04T02:00:00Z') });
    const dir = folder({ 'DCAM_CAM001_000001_20260804_100000_IMP.mp4': clip(), 'A12B345_JH0102_20260804100000_0001.mp4': clip(), 'clip-from-phone.mp4': clip() });
    const svc = t.station.ingest;
    const recordings = t.station.recordings;
    const s = await svc.ingest(spec(dir), 'keeper');
    const byName = new Map(s.files.map((f) => [f.path, recordings.require(f.recordingId!)]));

    const dcam = byName.get('DCAM_CAM001_000001_20260804_100000_IMP.mp4')!;
    expect(dcam).toMatchObject({ nameRule: 'dcam-imp', important: true, recorderSerial: 'CAM001', officerBadge: '000001', recordedAtSource: 'name', recordedAt: '2026-08-04T02:00:00.000Z' });
    expect(dcam.nameRulesMatched).toEqual([{ rule: 'dcam-imp', models: ['*'] }]);
    expect(dcam.flags).not.toContain('name_unrecognized');

    const alnum = byName.get('A12B345_JH0102_20260804100000_0001.mp4')!;
    expect(alnum).toMatchObject({ nameRule: 'gat947', recorderSerial: 'A12B345', officerBadge: 'JH0102' });

    const phone = byName.get('clip-from-phone.mp4')!;
    expect(phone).toMatchObject({ nameRule: 'none', nameRulesMatched: [], recordedAtSource: 'metadata', timeChecks: { recordedAtReason: { code: 'no_name_time' } } });
    expect(phone.flags).toContain('name_unrecognized');
    const entry = t.station.ledger.entry(dcam.ingestSeq)!;
    expect(entry.details).toMatchObject({ nameRule: 'dcam-imp', nameRulesMatched: ['dcam-imp'] });
  });

  it("a station's own rules file replaces the shipped one and is refused when its examples do not hold", async () => {
    t = await createTestStation();
    const shipped = JSON.parse(readFileSync(join(t.station.paths.resources, 'recorders', 'naming-rules.json'), 'utf8')) as { rules: unknown[] };
    mkdirSync(join(t.station.paths.dataDir, 'recorders'), { recursive: true });
    const own = join(t.station.paths.dataDir, 'recorders', 'naming-rules.json');
    const rule = { id: 'xyz', models: ['*'], layout: 'XYZ_{time14}', source: 'admin', verified: true, examples: [{ name: 'XYZ_20260804100000.mp4', expect: { recordedAtRaw: '20260804100000' } }] };
    writeFileSync(own, JSON.stringify({ format: 'evidence-station/naming-rules', version: 1, rules: [...shipped.rules, rule] }));
    expect(t.station.ingest.namingRules.rules().map((r) => r.id)).toContain('xyz');
    const bad = { ...rule, examples: [{ name: 'XYZ_20260804100000.mp4', expect: { recordedAtRaw: '20990101000000' } }] };
    writeFileSync(own, JSON.stringify({ format: 'evidence-station/naming-rules', version: 1, rules: [bad] }));
    utimesSync(own, new Date(), new Date(Date.now() + 5000));
    expect(() => t!.station.ingest.namingRules.rules()).toThrow(expect.objectContaining({ code: 'media.naming_rules_invalid' }));
  });
});
