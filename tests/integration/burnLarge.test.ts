// A recording over 4 GiB: ISO 9660 level 3 stores it as a multi-extent file (xorriso with
// -file_size_limit off). Heavy — about 13 GB of temporary disk and a few minutes on a 2-core box
// (ingest, staging, image and read-back of 4.1 GiB each) — so it is marked slow; skip it with
// STATION_SKIP_LARGE_BURN=1.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hasCommand } from '../support/cli.ts';
import { parseReportLba } from '../../native/discs/xorrisoParse.ts';
import { burnFixture, checkMd5, type BurnFixture } from './burnSupport.ts';

let f: BurnFixture | null = null;
afterEach(() => {
  f?.cleanup();
  f = null;
});

const BIG = Math.round(4.1 * 2 ** 30);

describe.skipIf(!hasCommand('xorriso') || process.env.STATION_SKIP_LARGE_BURN === '1')('[slow] a recording over 4 GiB', () => {
  it('is burned to a DVD image as a multi-extent file and reads back identical', async () => {
    f = await burnFixture({
      files: [
        { name: 'long.MP4', bytes: BIG, sparse: true },
        { name: 'short.MP4', bytes: 10_000 },
      ],
    });
    const big = f.recordings.map((id) => f!.t.station.requests.recording(id)).find((r) => r.originalName === 'long.MP4')!;
    expect(big.size).toBeGreaterThan(2 ** 32);
    const iso = join(f.work, 'big.iso');
    const job = await f.clerk.invoke('burn.wait', { jobId: (await f.clerk.invoke('burn.start', { requestId: f.requestId, target: { kind: 'iso', path: iso }, media: 'dvd' })).id });
    expect(job.error).toBeNull();
    expect(job.state).toBe('completed');
    const v = job.discs[0]!.media[0]!.verification!;
    expect(v.md5).toMatchObject({ checked: true, mismatches: [] });
    const total = f.recordings.map((id) => f!.t.station.requests.recording(id).size).reduce((a, b) => a + b, 0);
    expect(v.sha256).toMatchObject({ ok: true, files: 2, bytes: total });

    const listing = spawnSync('xorriso', ['-pkt_output', 'on', '-indev', iso, '-find', '/FILES', '-type', 'f', '-exec', 'report_lba', '--'], { encoding: 'utf8' });
    const file = parseReportLba(listing.stdout.split('\n')).find((x) => x.path.endsWith('long.MP4'))!;
    expect(file.size).toBe(big.size);
    expect(file.extents.length).toBeGreaterThan(1);
    expect(checkMd5(iso).status).toBe(0);
  }, 1_800_000);
});
