// ~1.2 GB with the CD profile (700 MB) spans two discs, each self-contained: its own manifest,
// README, SHA256SUMS, proofs and note, the list of what is on which disc of the set, and each one
// verifies on its own. Real sizes, real xorriso: generous timeout, files deleted as soon as checked.
import { rmSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hasCommand, station as cli } from '../support/cli.ts';
import { queryLedger } from '../../electron/core/ledger/query.ts';
import { MEDIA_PROFILES } from '../../electron/core/discs/profiles.ts';
import { burnFixture, checkMd5, extract, type BurnFixture } from './burnSupport.ts';

let f: BurnFixture | null = null;
afterEach(() => {
  f?.cleanup();
  f = null;
});

const MB200 = 200 * 1024 * 1024;

describe.skipIf(!hasCommand('xorriso') || process.env.STATION_SKIP_LARGE_BURN === '1')('content larger than one medium', () => {
  it('~1.2 GB on CD media → two self-contained discs that each verify on their own', async () => {
    f = await burnFixture({ files: Array.from({ length: 6 }, (_, i) => ({ name: `rec${i + 1}.MP4`, bytes: MB200, sparse: true })) });
    const total = f.recordings.map((id) => f!.t.station.requests.recording(id).size).reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(1.2e9);

    const plan = await f.clerk.invoke('burn.plan', { requestId: f.requestId, media: 'cd' });
    expect(plan.discs.map((d) => d.files.length)).toEqual([3, 3]);
    expect(plan.discs.map((d) => d.volumeId)).toEqual(['TEST01_AJ_2025_017_1OF2', 'TEST01_AJ_2025_017_2OF2']);

    const progress: { disc: number; phase: string }[] = [];
    f.clerk.on((event, payload) => event === 'burn.progress' && progress.push(payload as { disc: number; phase: string }));
    const iso = join(f.work, 'case.iso');
    const job = await f.clerk.invoke('burn.wait', { jobId: (await f.clerk.invoke('burn.start', { requestId: f.requestId, target: { kind: 'iso', path: iso }, media: 'cd' })).id });
    expect(job.error).toBeNull();
    expect(job.state).toBe('completed');
    expect(job.discCount).toBe(2);
    // Per-disc progress, every phase, for the Burn screen.
    for (const disc of [1, 2]) {
      expect(new Set(progress.filter((p) => p.disc === disc).map((p) => p.phase))).toEqual(new Set(['staging', 'writing', 'checking_md5', 'reading_back']));
    }

    const images = ['case-disc1of2.iso', 'case-disc2of2.iso'].map((n) => join(f!.work, n));
    const seen: string[] = [];
    for (const [i, image] of images.entries()) {
      expect(statSync(image).size).toBeLessThanOrEqual(MEDIA_PROFILES.cd.capacityBytes!);
      expect(checkMd5(image).status).toBe(0);
      const dir = join(f.work, `disc${i + 1}`);
      extract(image, dir);
      expect(spawnSync('sha256sum', ['--quiet', '-c', 'SHA256SUMS'], { cwd: dir }).status).toBe(0);
      const verified = cli(['disc', 'verify', dir, '--key', f.t.station.verifierKey(), '--lang', 'en']);
      expect(verified.code, verified.stdout + verified.stderr).toBe(0);
      const manifest = JSON.parse(readFileSync(join(dir, 'MANIFEST.json'), 'utf8')) as {
        set: { setId: string; index: number; count: number; contents: { index: number; files: string[] }[] };
        files: { path: string; recordingId: string }[];
      };
      expect(manifest.set).toMatchObject({ setId: job.setId, index: i + 1, count: 2 });
      // Every disc lists what is on every disc of the set.
      expect(manifest.set.contents.map((c) => c.files.length)).toEqual([3, 3]);
      expect(manifest.set.contents[i]!.files).toEqual(manifest.files.map((x) => x.path));
      expect(readFileSync(join(dir, 'README.txt'), 'utf8')).toContain(`本盘为第 ${i + 1} 张，共 2 张`);
      expect(readFileSync(join(dir, 'NOTE.html'), 'utf8')).toContain(`第 ${i + 1} 张，共 2 张`);
      seen.push(...manifest.files.map((x) => x.recordingId));
      expect(readdirSync(join(dir, 'FILES'))).toHaveLength(3);
      rmSync(dir, { recursive: true, force: true });
      rmSync(image);
    }
    expect(seen.sort()).toEqual([...f.recordings].sort());
    const burned = queryLedger(f.t.station.db, { action: 'disc.burned', limit: 10, order: 'asc' }).entries;
    expect(burned.map((e) => [e.details.disc, e.details.discs, (e.details.recordings as string[]).length])).toEqual([
      [1, 2, 3],
      [2, 2, 3],
    ]);
  }, 900_000);
});
