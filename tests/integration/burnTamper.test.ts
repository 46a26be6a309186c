// A medium that does not read back as written: one byte flipped inside a file of the ISO (found
// with xorriso's own report of the file's extent), or inside a file on a removable drive. The
// read-back names the file, nothing is recorded as burned, the request stays approved, and a retry
// of the same job then succeeds.
import { spawnSync } from 'node:child_process';
import { existsSync, openSync, readSync, readdirSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hasCommand } from '../support/cli.ts';
import { queryLedger } from '../../electron/core/ledger/query.ts';
import type { DiscWriter, WriteRequest } from '../../electron/core/discs/ports.ts';
import { createDiscPorts, RemovableWriter, XorrisoWriter } from '../../native/discs/index.ts';
import { findExecutable } from '../../native/discs/xorrisoProcess.ts';
import { parseReportLba } from '../../native/discs/xorrisoParse.ts';
import { provideDiscPorts } from '../../electron/api/runtime/discs.ts';
import { burnFixture, type BurnFixture } from './burnSupport.ts';

let f: BurnFixture | null = null;
afterEach(() => {
  f?.cleanup();
  f = null;
});

function flipByte(path: string, offset: number): void {
  const fd = openSync(path, 'r+');
  try {
    const b = Buffer.alloc(1);
    readSync(fd, b, 0, 1, offset);
    b[0] = b[0]! ^ 0xff;
    writeSync(fd, b, 0, 1, offset);
  } finally {
    closeSync(fd);
  }
}

/** Wraps a real writer: after it has written, the medium is damaged as a bad disc would be. */
function damaging(inner: DiscWriter, damage: (req: WriteRequest) => string): DiscWriter & { damaged: string[] } {
  const damaged: string[] = [];
  return {
    id: inner.id,
    exercised: inner.exercised,
    damaged,
    supports: (t) => inner.supports(t),
    async write(req) {
      const written = await inner.write(req);
      damaged.push(damage(req));
      return written;
    },
    openMedium: (w) => inner.openMedium(w),
    discard: (w) => inner.discard(w),
  };
}

const entries = (action: string) => queryLedger(f!.t.station.db, { action, limit: 100, order: 'asc' }).entries;

describe.skipIf(!hasCommand('xorriso'))('a damaged medium is never recorded as burned', () => {
  it('one byte flipped inside a file of the ISO: fails naming that file; the request stays approved; a retry succeeds', async () => {
    f = await burnFixture({ files: [{ name: 'a.MP4', bytes: 200_000 }, { name: 'b.MP4', bytes: 700_000 }, { name: 'c.MP4', bytes: 50_000 }], ports: null });
    const real = new XorrisoWriter({ binary: findExecutable('xorriso')! });
    const writer = damaging(real, (req) => {
      const image = (req.target as { path: string }).path;
      const r = spawnSync('xorriso', ['-pkt_output', 'on', '-indev', image, '-find', '/FILES', '-type', 'f', '-exec', 'report_lba', '--'], { encoding: 'utf8' });
      const victim = parseReportLba(r.stdout.split('\n')).find((x) => x.path.endsWith('b.MP4'))!;
      flipByte(image, victim.extents[0]!.lba * 2048 + Math.floor(victim.size / 2));
      return victim.path.slice(1);
    });
    provideDiscPorts(f.t.server, { writers: [writer], drives: null });
    const iso = join(f.work, 'case.iso');
    const ledgerBefore = f.t.station.ledger.size;
    const job = await f.clerk.invoke('burn.wait', { jobId: (await f.clerk.invoke('burn.start', { requestId: f.requestId, target: { kind: 'iso', path: iso }, media: 'cd' })).id });

    expect(writer.damaged).toEqual([expect.stringMatching(/^FILES\/\d{4}_b\.MP4$/)]);
    expect(job.state).toBe('failed');
    expect(job.error).toMatchObject({ code: 'disc.verify_failed', params: { path: writer.damaged[0], reason: 'md5_mismatch' } });
    const medium = job.discs[0]!.media[0]!;
    expect(medium).toMatchObject({ state: 'failed', mediaId: null, ledgerSeq: null });
    expect(medium.verification?.md5).toMatchObject({ checked: true, mismatches: [writer.damaged[0]] });
    // Nothing recorded as burned; the failure is; the approval is not used up.
    expect(entries('disc.burned')).toEqual([]);
    expect(entries('disc.burn_failed')).toEqual([expect.objectContaining({ seq: expect.any(Number), details: expect.objectContaining({ code: 'disc.verify_failed', jobId: job.id }) })]);
    expect(entries('request.fulfilled')).toEqual([]);
    expect(f.t.station.requests.get(f.requestId).state).toBe('approved');
    expect(f.t.station.ledger.size).toBeGreaterThan(ledgerBefore);
    // The bad image (plaintext evidence) is gone, and so is the staging.
    expect(existsSync(iso)).toBe(false);
    expect(readdirSync(f.work).filter((n) => n.endsWith('.partial'))).toEqual([]);
    expect(readdirSync(f.t.station.paths.staging)).toEqual([]);

    // Retry the same job with a sound writer: the same set and manifest, now burned.
    provideDiscPorts(f.t.server, createDiscPorts());
    const retried = await f.clerk.invoke('burn.wait', { jobId: (await f.clerk.invoke('burn.retry', { jobId: job.id })).id });
    expect(retried.state).toBe('completed');
    expect(retried.discs[0]!.media.map((m) => [m.attempt, m.state])).toEqual([
      [1, 'failed'],
      [2, 'verified'],
    ]);
    expect(retried.discs[0]!.manifestSha256).toBe(job.discs[0]!.manifestSha256);
    expect(entries('disc.burned')).toHaveLength(1);
    expect(f.t.station.requests.get(f.requestId).state).toBe('fulfilled');
  });

  it('without an MD5 to compare (a removable drive), the SHA-256 pass over the medium finds the changed byte', async () => {
    f = await burnFixture({ files: [{ name: 'a.MP4', bytes: 100_000 }, { name: 'b.MP4', bytes: 300_000 }], ports: null });
    const writer = damaging(new RemovableWriter(), (req) => {
      const root = (req.target as { path: string }).path;
      const name = readdirSync(join(root, 'FILES')).find((n) => n.endsWith('b.MP4'))!;
      flipByte(join(root, 'FILES', name), 1234);
      return `FILES/${name}`;
    });
    provideDiscPorts(f.t.server, { writers: [writer], drives: null });
    const usb = join(f.work, 'usb');
    spawnSync('mkdir', [usb]);
    const job = await f.clerk.invoke('burn.wait', { jobId: (await f.clerk.invoke('burn.start', { requestId: f.requestId, target: { kind: 'dir', path: usb } })).id });
    expect(job.state).toBe('failed');
    expect(job.error).toMatchObject({ code: 'disc.verify_failed', params: { path: writer.damaged[0], reason: 'hash_mismatch' } });
    expect(job.discs[0]!.media[0]!.verification?.md5).toEqual({ checked: false, reason: 'folder' });
    expect(entries('disc.burned')).toEqual([]);
    expect(readdirSync(usb)).toEqual([]);
    expect(f.t.station.requests.get(f.requestId).state).toBe('approved');
  });
});
