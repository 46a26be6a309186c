// Burn benchmark: an approved request of ≥ 2 GiB of recordings burned to an ISO image by the
// station (decrypt from the vault into private staging, xorriso through stdio:, then the read-back:
// xorriso -check_md5 and a SHA-256 of every file read from the image), against plain xorriso
// building an ISO with the same options from the same plaintext files already on disk.
// Verification is reported separately. BENCH_FILE_GIB scales the total.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { randomFillSync } from 'node:crypto';
import { join } from 'node:path';
import { createTestStation } from '../support/testStation.ts';
import { provideDiscPorts } from '../../electron/api/runtime/discs.ts';
import { createDiscPorts } from '../../native/discs/index.ts';
import { writeArgs } from '../../native/discs/xorrisoArgs.ts';
import { findExecutable } from '../../native/discs/xorrisoProcess.ts';
import type { BurnProgress } from '../../electron/api/index.ts';
import type { BenchReport } from './report.ts';

const FILES = 4;

function seconds(start: bigint, end = process.hrtime.bigint()): number {
  return Number(end - start) / 1e9;
}

/** Random content (incompressible, not sparse): what a recorder's footage costs to read and write. */
function makeFile(path: string, bytes: number): void {
  const block = Buffer.allocUnsafe(64 << 20);
  randomFillSync(block);
  const fd = openSync(path, 'w');
  for (let written = 0; written < bytes; written += block.length) {
    block[0] = written & 0xff; // distinct files, distinct hashes
    writeSync(fd, block, 0, Math.min(block.length, bytes - written));
  }
  closeSync(fd);
}

export async function benchBurn(options: { workDir: string; fileBytes: number }): Promise<BenchReport> {
  const xorriso = findExecutable('xorriso');
  if (!xorriso) return { title: 'Burn to an ISO image', rows: [{ name: 'skipped: xorriso not installed', seconds: 0 }] };
  const dir = mkdtempSync(join(options.workDir, 'bench-burn-'));
  const t = await createTestStation();
  try {
    const source = join(dir, 'source');
    mkdirSync(source);
    const each = Math.ceil(options.fileBytes / FILES);
    for (let i = 0; i < FILES; i++) makeFile(join(source, `rec${i + 1}.MP4`), each);
    const total = FILES * each;
    const custodian = await t.addUser('custodian1', ['custodian']);
    const clerk = await t.addUser('clerk1', ['clerk']);
    const approver = await t.addUser('head1', ['approver']);
    await custodian.invoke('ingest.run', { path: source });
    const ids = (await custodian.invoke('recording.list', { limit: 100, order: 'asc' })).items.map((r) => r.id);
    const media = total > 4.3e9 ? 'bd25' : 'dvd';

    // Baseline: plain xorriso, the same options (MD5s recorded, level 3, Joliet, Rock Ridge), the
    // same plaintext already on disk. The page cache is warmed for both contenders first.
    execFileSync('sh', ['-c', `cat "${source}"/* > /dev/null`]);
    const plainIso = join(dir, 'plain.iso');
    const p0 = process.hrtime.bigint();
    execFileSync(xorriso, writeArgs({ sourceDir: source, target: { kind: 'iso', path: plainIso }, volumeId: 'PLAIN', createdAt: new Date() }), { stdio: 'ignore' });
    execFileSync('sync', ['-f', plainIso]);
    const plainSeconds = seconds(p0);
    const plainSize = statSync(plainIso).size;
    rmSync(plainIso);

    const req = await clerk.invoke('request.create', { kind: 'burn', recordingIds: ids, purpose: 'benchmark' });
    await approver.invoke('request.approve', { id: req.id, password: 'head1-password' });
    provideDiscPorts(t.server, createDiscPorts());
    const marks: Partial<Record<BurnProgress['phase'], bigint>> = {};
    clerk.on((event, payload) => {
      if (event !== 'burn.progress') return;
      const phase = (payload as BurnProgress).phase;
      marks[phase] ??= process.hrtime.bigint();
    });
    const b0 = process.hrtime.bigint();
    const started = await clerk.invoke('burn.start', { requestId: req.id, target: { kind: 'iso', path: join(dir, 'station.iso') }, media });
    const job = await clerk.invoke('burn.wait', { jobId: started.id });
    const b1 = process.hrtime.bigint();
    if (job.state !== 'completed') throw new Error(`bench burn failed: ${JSON.stringify(job.error)}`);
    const stagingSeconds = seconds(b0, marks.writing ?? b1);
    const writeSeconds = seconds(b0, marks.checking_md5 ?? b1);
    const md5Seconds = seconds(marks.checking_md5 ?? b1, marks.reading_back ?? b1);
    const shaSeconds = seconds(marks.reading_back ?? b1, b1);
    const verifySeconds = md5Seconds + shaSeconds;
    const totalSeconds = seconds(b0, b1);
    const mibps = (s: number) => total / 2 ** 20 / s;
    return {
      title: `Burn to an ISO image (${(total / 2 ** 30).toFixed(2)} GiB in ${FILES} recordings, ${media} profile)`,
      rows: [
        { name: 'plain xorriso from plaintext on disk (same options, -md5 on) + sync', seconds: plainSeconds, mibPerSecond: mibps(plainSeconds), note: `image ${(plainSize / 2 ** 30).toFixed(2)} GiB` },
        {
          name: 'station burn, writing: decrypt to private staging + xorriso',
          seconds: writeSeconds,
          mibPerSecond: mibps(writeSeconds),
          ratio: { 'vs plain xorriso': writeSeconds / plainSeconds },
          note: `of which staging (vault decrypt + hash + fsync) ${stagingSeconds.toFixed(2)} s`,
        },
        { name: 'station verification: xorriso -check_md5 of the image', seconds: md5Seconds, mibPerSecond: mibps(md5Seconds) },
        { name: 'station verification: SHA-256 of every file read from the image + signatures/proofs', seconds: shaSeconds, mibPerSecond: mibps(shaSeconds) },
        { name: 'station verification, total', seconds: verifySeconds, mibPerSecond: mibps(verifySeconds) },
        { name: 'station burn including verification', seconds: totalSeconds, mibPerSecond: mibps(totalSeconds), ratio: { 'vs plain xorriso': totalSeconds / plainSeconds } },
      ],
    };
  } finally {
    t.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
}
