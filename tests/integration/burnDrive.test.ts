// The optical-drive path without an optical drive: xorriso treats a plain file as a pseudo-drive,
// so `drive:` targets run the real drive code — medium inspection, the operator asked for the next
// blank disc, reading back through xorriso's own stream (as from /dev/srN) — against a file that
// the test "swaps" like a disc in a tray.
import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hasCommand } from '../support/cli.ts';
import { queryLedger } from '../../electron/core/ledger/query.ts';
import type { InsertMedium } from '../../electron/api/index.ts';
import { burnFixture, checkMd5, type BurnFixture } from './burnSupport.ts';

let f: BurnFixture | null = null;
afterEach(() => {
  f?.cleanup();
  f = null;
});

describe.skipIf(!hasCommand('xorriso'))('burning to a drive', () => {
  it('two copies: the second waits for a blank disc, the operator swaps and continues; both read back through the drive', async () => {
    f = await burnFixture({ files: [{ name: 'a.MP4', bytes: 400_000 }, { name: 'b.MP4', bytes: 90_000 }] });
    const tray = join(f.work, 'tray.img');
    const inserts: InsertMedium[] = [];
    const removed: string[] = [];
    f.clerk.on((event, payload) => {
      if (event !== 'burn.insert') return;
      const p = payload as InsertMedium;
      inserts.push(p);
      // Take the burned disc out, put a blank one in, tell the station.
      const out = join(f!.work, `copy${p.copy - 1}.img`);
      renameSync(tray, out);
      removed.push(out);
      void f!.clerk.invoke('burn.continue', { jobId: p.jobId });
    });
    const job = await f.clerk.invoke('burn.wait', { jobId: (await f.clerk.invoke('burn.start', { requestId: f.requestId, target: { kind: 'drive', device: tray }, media: 'dvd', copies: 2 })).id });
    expect(job.error).toBeNull();
    expect(job.state).toBe('completed');
    expect(inserts).toEqual([expect.objectContaining({ device: tray, disc: 1, discs: 1, copy: 2, copies: 2, reason: 'not_blank', found: expect.objectContaining({ state: 'appendable' }) })]);
    const media = job.discs[0]!.media;
    expect(media.map((m) => [m.copy, m.state, m.location])).toEqual([
      [1, 'verified', tray],
      [2, 'verified', tray],
    ]);
    expect(media[0]!.mediaId).not.toBe(media[1]!.mediaId);
    expect(media.every((m) => m.verification?.md5?.checked && m.verification.sha256?.ok)).toBe(true);
    expect(checkMd5(removed[0]!).status).toBe(0);
    expect(checkMd5(tray).status).toBe(0);
    const burned = queryLedger(f.t.station.db, { action: 'disc.burned', limit: 10, order: 'asc' }).entries;
    expect(burned.map((e) => [e.details.copy, e.details.copies, e.details.target, e.details.mediaId])).toEqual([
      [1, 2, 'drive', media[0]!.mediaId],
      [2, 2, 'drive', media[1]!.mediaId],
    ]);
    // Two copies, two rows in the 004 第二十条 register, one approval used.
    expect(f.t.station.requests.get(f.requestId).state).toBe('fulfilled');
    const label = await f.clerk.invoke('burn.label', { jobId: job.id, disc: 1, copy: 2 });
    expect(label.html).toContain(media[1]!.mediaId!);
  });

  it('cancelled while waiting for the next disc: the first copy stays recorded, the job is cancelled, the request still approved', async () => {
    f = await burnFixture({ files: [{ name: 'a.MP4', bytes: 50_000 }] });
    const tray = join(f.work, 'tray.img');
    const waited = new Promise<void>((resolve) =>
      f!.clerk.on((event) => {
        if (event === 'burn.insert') resolve();
      }),
    );
    const jobId = (await f.clerk.invoke('burn.start', { requestId: f.requestId, target: { kind: 'drive', device: tray }, copies: 2 })).id;
    await waited;
    expect((await f.clerk.invoke('burn.job', { jobId })).state).toBe('waiting_medium');
    // Only the operator or a custodian may control the job.
    const other = await f.t.addUser('clerk2', ['clerk']);
    await expect(other.invoke('burn.cancel', { jobId })).rejects.toMatchObject({ code: 'disc.not_yours' });
    await f.custodian.invoke('burn.cancel', { jobId });
    const job = await f.clerk.invoke('burn.wait', { jobId });
    expect(job).toMatchObject({ state: 'cancelled', error: { code: 'disc.cancelled' }, verified: 1 });
    expect(queryLedger(f.t.station.db, { action: 'disc.burned', limit: 10, order: 'asc' }).entries).toHaveLength(1);
    expect(queryLedger(f.t.station.db, { action: 'disc.burn_cancelled', limit: 10, order: 'asc' }).entries).toHaveLength(1);
    expect(f.t.station.requests.get(f.requestId).state).toBe('approved');
    expect(existsSync(tray)).toBe(true);
  });
});
