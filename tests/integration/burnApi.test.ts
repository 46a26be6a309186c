// The burn api's refusals (all before anything is decrypted), removable-drive copies, and the
// real `station burn` / `station drives` commands.
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hasCommand, station as cli } from '../support/cli.ts';
import { PASSPHRASE } from '../support/testStation.ts';
import { ManualClock } from '../../electron/core/clock.ts';
import { queryLedger } from '../../electron/core/ledger/query.ts';
import { burnFixture, type BurnFixture } from './burnSupport.ts';

let f: BurnFixture | null = null;
afterEach(() => {
  f?.cleanup();
  f = null;
});

const actions = (from: number) => (f!.t.station.db.prepare('SELECT action FROM ledger WHERE seq > ? ORDER BY seq').all(from) as { action: string }[]).map((a) => a.action);

describe('burn api', () => {
  it('refuses before decrypting anything: no writer, wrong kind, not approved, not yours, wrong media, existing target, bad input, wrong role', async () => {
    f = await burnFixture({ files: [{ name: 'a.MP4', bytes: 10_000 }], ports: null });
    const iso = join(f.work, 'x.iso');
    const before = f.t.station.ledger.size;
    await expect(f.clerk.invoke('burn.start', { requestId: f.requestId, target: { kind: 'iso', path: iso } })).rejects.toMatchObject({ code: 'disc.no_writer' });
    expect(actions(before)).toEqual([]);

    const { provideDiscPorts } = await import('../../electron/api/runtime/discs.ts');
    const { createDiscPorts } = await import('../../native/discs/index.ts');
    provideDiscPorts(f.t.server, createDiscPorts());
    const view = await f.clerk.invoke('request.create', { kind: 'view', recordingIds: f.recordings, purpose: '调阅' });
    await expect(f.clerk.invoke('burn.start', { requestId: view.id, target: { kind: 'iso', path: iso } })).rejects.toMatchObject({ code: 'request.wrong_kind' });
    const pending = await f.clerk.invoke('request.create', { kind: 'burn', recordingIds: f.recordings, purpose: '刻录' });
    await expect(f.clerk.invoke('burn.start', { requestId: pending.id, target: { kind: 'iso', path: iso } })).rejects.toMatchObject({ code: 'request.not_approved' });
    const other = await f.t.addUser('clerk2', ['clerk']);
    await expect(other.invoke('burn.start', { requestId: f.requestId, target: { kind: 'iso', path: iso } })).rejects.toMatchObject({ code: 'request.not_yours' });
    await expect(f.clerk.invoke('burn.start', { requestId: f.requestId, target: { kind: 'iso', path: iso }, media: 'usb' })).rejects.toMatchObject({ code: 'disc.media_target_mismatch' });
    writeFileSync(iso, 'something else');
    await expect(f.clerk.invoke('burn.start', { requestId: f.requestId, target: { kind: 'iso', path: iso } })).rejects.toMatchObject({ code: 'disc.target_exists' });
    expect(readFileSync(iso, 'utf8')).toBe('something else');
    await expect(f.clerk.invoke('burn.start', { requestId: f.requestId, target: { kind: 'iso', path: join(f.work, 'missing', 'x.iso') } })).rejects.toMatchObject({ code: 'io.not_found' });
    await expect(f.clerk.call('burn.start', { requestId: f.requestId, target: { kind: 'iso', path: iso }, copies: 11 })).resolves.toMatchObject({ ok: false, error: { code: 'api.invalid_input' } });
    const auditor = await f.t.addUser('auditor1', ['auditor']);
    await expect(auditor.invoke('burn.start', { requestId: f.requestId, target: { kind: 'iso', path: iso } })).rejects.toMatchObject({ code: 'auth.forbidden' });
    expect(await auditor.invoke('burn.jobs', {})).toEqual([]);
    // Refusals of the approval itself are ledgered (an auditor wants to see attempts); nothing was started.
    expect(actions(before)).not.toContain('disc.burn_started');
    expect(actions(before).filter((a) => a === 'request.refused').length).toBeGreaterThanOrEqual(3);
    expect(f.t.station.requests.get(f.requestId).state).toBe('approved');
  });

  it('profiles, writers with honest exercised flags, the drive list, a plan', async () => {
    f = await burnFixture({ files: [{ name: 'a.MP4', bytes: 10_000 }, { name: 'b.MP4', bytes: 20_000 }] });
    const { profiles, writers } = await f.clerk.invoke('burn.profiles', {});
    expect(profiles.map((p) => p.id)).toEqual(['cd', 'dvd', 'dvd-dl', 'bd25', 'bd50', 'usb']);
    expect(writers).toEqual(
      expect.arrayContaining([
        { id: 'removable', exercised: true, targets: ['dir'] },
        ...(hasCommand('xorriso') ? [{ id: 'xorriso', exercised: true, targets: ['iso', 'drive'] }] : []),
      ]),
    );
    const drives = await f.clerk.invoke('drives.list', {});
    expect(drives).toMatchObject({ available: hasCommand('xorriso'), exercised: false });
    const plan = await f.clerk.invoke('burn.plan', { requestId: f.requestId, media: 'dvd', copies: 2 });
    expect(plan).toMatchObject({ media: 'dvd', copies: 2, discs: [{ index: 1, volumeId: 'TEST01_AJ_2025_017', files: [expect.objectContaining({ name: expect.stringMatching(/^0001_/) }), expect.objectContaining({ name: expect.stringMatching(/^0002_/) })] }] });
  });

  it('a removable drive, two copies: two verified folders, each a complete package', async () => {
    f = await burnFixture({ files: [{ name: 'a.MP4', bytes: 100_000 }, { name: 'b.MP4', bytes: 2_000 }] });
    const usb = join(f.work, 'usb');
    mkdirSync(usb);
    const job = await f.clerk.invoke('burn.wait', { jobId: (await f.clerk.invoke('burn.start', { requestId: f.requestId, target: { kind: 'dir', path: usb }, copies: 2, volumeLabel: 'Case 17 archive' })).id });
    expect(job.state).toBe('completed');
    expect(job.media).toBe('usb');
    expect(readdirSync(usb).sort()).toEqual(['CASE_17_ARCHIVE-COPY1', 'CASE_17_ARCHIVE-COPY2']);
    for (const copy of readdirSync(usb)) {
      const r = cli(['disc', 'verify', join(usb, copy), '--key', f.t.station.verifierKey(), '--lang', 'en']);
      expect(r.code, r.stdout + r.stderr).toBe(0);
    }
    expect(job.discs[0]!.media.map((m) => m.writer)).toEqual(['removable', 'removable']);
    expect(queryLedger(f.t.station.db, { action: 'disc.burned', limit: 10, order: 'asc' }).entries.map((e) => e.details.location)).toEqual(readdirSync(usb).sort().map((c) => join(usb, c)));
  });
});

describe.skipIf(!hasCommand('xorriso'))('station burn / station drives (the real CLI)', () => {
  it('burns and verifies, prints the media and exits 0; --json gives the job; label and note to files; drives listed', async () => {
    f = await burnFixture({ files: [{ name: 'a.MP4', bytes: 50_000 }], ports: null, clock: new ManualClock(new Date()) });
    f.t.station.close();
    const env = { STATION_PASSPHRASE: PASSPHRASE, STATION_PASSWORD: 'clerk1-password' };
    const base = ['--data', f.t.dir, '--user', 'clerk1', '--lang', 'en'];
    const iso = join(f.work, 'cli.iso');
    const r = cli(['burn', f.requestId, '--target', `iso:${iso}`, '--media', 'cd', '--place', '现场', ...base], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Disc 1\/1, copy 1\/1: read back and verified \(1 files\)/);
    expect(r.stdout).toContain('completed: 1 medium/media burned, verified and recorded in the ledger');
    expect(existsSync(iso)).toBe(true);

    const again = cli(['burn', f.requestId, '--target', `iso:${join(f.work, 'b.iso')}`, ...base], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already used');
    const badTarget = cli(['burn', f.requestId, '--target', 'floppy:/x', ...base], env);
    expect(badTarget.code).toBe(2);
    expect(badTarget.stderr).toContain('iso:FILE, drive:DEVICE or dir:FOLDER');

    const jobs = JSON.parse(cli(['burn', 'label', 'BJ-000001', '--disc', '1', '--out', join(f.work, 'label.html'), '--json', ...base], env).stdout) as { path: string };
    expect(jobs.path).toBe(join(f.work, 'label.html'));
    expect(readFileSync(join(f.work, 'label.html'), 'utf8')).toContain('<svg');
    expect(cli(['burn', 'note', 'BJ-000001', '--disc', '1', '--out', join(f.work, 'note.html'), ...base], env).code).toBe(0);
    expect(readFileSync(join(f.work, 'note.html'), 'utf8')).toContain('现场');

    const drives = cli(['drives', ...base], env);
    expect(drives.code, drives.stderr).toBe(0);
    expect(drives.stdout).toMatch(/No optical drives found|Drive/);
  });
});
