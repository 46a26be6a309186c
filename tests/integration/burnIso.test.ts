// Burning to an ISO image through xorriso's stdio: pseudo-drive (the same code path that drives
// /dev/srN), verified by reading it back — and checked again here from outside the station:
// xorriso -check_md5, sha256sum -c on the extracted content, and `station disc verify` (the real CLI).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hasCommand, station as cli } from '../support/cli.ts';
import { queryLedger } from '../../electron/core/ledger/query.ts';
import { registerRows } from '../../electron/core/access/register.ts';
import { burnFixture, checkMd5, extract, type BurnFixture } from './burnSupport.ts';

const xorriso = hasCommand('xorriso');
let f: BurnFixture | null = null;
afterEach(() => {
  f?.cleanup();
  f = null;
});

describe.skipIf(!xorriso)('burn to an ISO image', () => {
  it('passes xorriso -check_md5; extracted, it passes sha256sum -c and station disc verify; the register shows the burn', async () => {
    f = await burnFixture({
      files: [
        { name: '1234567_000123_20250301100304_0001.MP4', bytes: 300_000 },
        { name: '执法记录 现场.MP4', bytes: 120_000 },
        { name: "odd 'name' [1].MP4", bytes: 5_000 },
      ],
    });
    const iso = join(f.work, 'case.iso');
    const events: string[] = [];
    f.clerk.on((event) => events.push(event));
    const started = await f.clerk.invoke('burn.start', { requestId: f.requestId, target: { kind: 'iso', path: iso }, media: 'cd', place: '某某路 12 号现场' });
    expect(started.state).toBe('running');
    const job = await f.clerk.invoke('burn.wait', { jobId: started.id });
    expect(job.error).toBeNull();
    expect(job.state).toBe('completed');
    expect(job.discCount).toBe(1);
    const medium = job.discs[0]!.media[0]!;
    expect(medium).toMatchObject({ state: 'verified', location: iso, writer: 'xorriso' });
    expect(medium.verification?.md5).toMatchObject({ checked: true, mismatches: [] });
    expect(medium.verification?.sha256).toMatchObject({ ok: true, files: 3 });
    expect(medium.mediaId).toMatch(/^TEST01_AJ_2025_017\/\d{16}$/);
    expect(events).toEqual(expect.arrayContaining(['burn.job', 'burn.progress', 'burn.medium']));
    expect(readdirSync(f.work).filter((n) => n.includes('.partial'))).toEqual([]);

    // Read back from outside the station.
    const md5 = checkMd5(iso);
    expect(md5.status).toBe(0);
    expect(md5.output).toContain('File contents and their MD5 checksums match');
    const dir = join(f.work, 'extracted');
    extract(iso, dir);
    const sums = spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir, encoding: 'utf8' });
    expect(sums.status, sums.stdout + sums.stderr).toBe(0);
    expect(sums.stdout).toContain('verify.html: OK');
    expect(sums.stdout).toContain('NOTE.html: OK');
    const verified = cli(['disc', 'verify', dir, '--key', f.t.station.verifierKey(), '--lang', 'en']);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stdout).toContain('Verified: 3 files');

    // What is on the disc: the set, the note of 002 第二十三条, the offline checker.
    const manifest = JSON.parse(readFileSync(join(dir, 'MANIFEST.json'), 'utf8')) as { kind: string; set: { index: number; count: number; contents: { files: string[] }[] }; request: { caseNumber: string } };
    expect(manifest.kind).toBe('disc');
    expect(manifest.set).toMatchObject({ index: 1, count: 1 });
    expect(manifest.set.contents[0]!.files).toHaveLength(3);
    // Numbered in request order; the names themselves survive ISO 9660/Joliet/Rock Ridge as they were.
    expect(readdirSync(join(dir, 'FILES')).map((n) => n.slice(5)).sort()).toEqual(['1234567_000123_20250301100304_0001.MP4', '执法记录 现场.MP4', "odd 'name' [1].MP4"].sort());
    const note = readFileSync(join(dir, 'NOTE.html'), 'utf8');
    expect(note).toContain('AJ-2025-017');
    expect(note).toContain('某某路 12 号现场');
    expect(note).toContain('head1');
    expect(note).toContain('clerk1');
    expect(readFileSync(join(dir, 'README.txt'), 'utf8')).toContain('verify.html');
    expect(statSync(join(dir, 'verify.html')).size).toBeGreaterThan(5000);

    // Recorded as burned, the approval used, and in the 004 第二十条 register.
    const burned = queryLedger(f.t.station.db, { action: 'disc.burned', limit: 10, order: 'asc' }).entries;
    expect(burned).toHaveLength(1);
    expect(burned[0]!.details).toMatchObject({ requestId: f.requestId, approvers: ['head1'], recordings: f.recordings, mediaId: medium.mediaId, disc: 1, discs: 1, copy: 1 });
    expect(f.t.station.requests.get(f.requestId).state).toBe('fulfilled');
    const register = registerRows(f.t.station.db).filter((r) => r.kind === 'burn');
    expect(register).toEqual([expect.objectContaining({ copier: 'clerk1', approvers: ['head1'], requestId: f.requestId, recordings: f.recordings })]);
    expect((await f.t.admin.invoke('ledger.verify', {})).ok).toBe(true);

    // Staging is gone; printable label and note come from the api.
    expect(existsSync(f.t.station.paths.staging) ? readdirSync(f.t.station.paths.staging) : []).toEqual([]);
    const label = await f.clerk.invoke('burn.label', { jobId: job.id, disc: 1 });
    expect(label.html).toContain('<svg');
    expect(label.html).toContain(job.discs[0]!.manifestSha256!);
    expect((await f.clerk.invoke('burn.note', { jobId: job.id, disc: 1 })).html).toBe(note);

    // The approval was used once.
    await expect(f.clerk.invoke('burn.start', { requestId: f.requestId, target: { kind: 'iso', path: join(f.work, 'again.iso') } })).rejects.toMatchObject({ code: 'request.already_used' });
  });
});
