// Recordings for the case, retention and report tests, made the real way: fixture files in a folder,
// ingested through the api by a custodian, exactly as a synced recorder folder would be.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildMp4, recorderFileName } from '../fixtures/mediaFixtures.ts';
import type { ApiClient } from '../../electron/api/server.ts';

export type FixtureRecording = {
  /** Wall-clock time as the recorder shows it (Beijing time), 'YYYY-MM-DDTHH:mm:ss'. */
  local: string;
  officer?: string;
  serial?: string;
  sequence?: number;
  /** Vary to get distinct content; equal fill and local time give identical bytes (a duplicate). */
  fill?: number;
  /** Give the same bytes a different file name (a vendor re-sync). */
  nameSuffix?: string;
};

/**
 * Writes the files into a new folder and ingests it; returns recording ids in the order given.
 * Re-synced copies (`nameSuffix`) come in a second ingest, as a vendor re-sync does: two files with
 * the same bytes read at once would make which one counts as the original depend on which finished first.
 */
export async function ingestFixtures(custodian: ApiClient, recordings: FixtureRecording[]): Promise<string[]> {
  const ids = new Map<number, string>();
  for (const resync of [false, true]) {
    const batch = [...recordings.entries()].filter(([, r]) => Boolean(r.nameSuffix) === resync);
    if (batch.length === 0) continue;
    const dir = mkdtempSync(join(tmpdir(), 'case-fixtures-'));
    const root = join(dir, 'DCIM');
    mkdirSync(root);
    const names: [number, string][] = [];
    for (const [i, r] of batch) {
      const localTime = new Date(`${r.local}Z`);
      // The mvhd time is UTC: Beijing wall-clock minus 8 h, as a recorder with a set clock writes it.
      const bytes = buildMp4({ creationTime: new Date(localTime.getTime() - 8 * 3_600_000), mdatFill: r.fill ?? i + 1, durationSeconds: 10 });
      const base = recorderFileName({ localTime, officerId: r.officer ?? '010203', deviceSerial: r.serial ?? '1234567', sequence: r.sequence ?? i + 1 });
      const name = r.nameSuffix ? base.replace('.MP4', `${r.nameSuffix}.MP4`) : base;
      writeFileSync(join(root, name), bytes);
      names.push([i, name]);
    }
    // The originals are in the vault now; the plaintext fixture folder must not outlive the test.
    const result = await custodian.invoke('ingest.run', { path: dir }).finally(() => rmSync(dir, { recursive: true, force: true }));
    for (const [i, n] of names) {
      const f = result.files.find((x) => x.path.endsWith(n));
      if (!f?.recordingId) throw new Error(`fixture ${n} was not ingested: ${JSON.stringify(f)}`);
      ids.set(i, f.recordingId);
    }
  }
  return recordings.map((_, i) => ids.get(i)!);
}
