// Foundation benchmark (`npm run bench`): vault put vs cp on the same file and disk, vault
// verify throughput, ledger append rate and full verify time at 1,000,000 entries.
// Ratios against baselines measured in the same run are what matter: these machines are noisy.
import { execFileSync } from 'node:child_process';
import { createReadStream, mkdtempSync, openSync, rmSync, writeSync, closeSync, statSync } from 'node:fs';
import { randomFillSync } from 'node:crypto';
import { join } from 'node:path';
import { Station } from '../../electron/core/station.ts';
import { verifyLedger, verifyLedgerSequentially } from '../../electron/core/ledger/ledger.ts';
import { availableParallelism, loadavg } from 'node:os';
import type { BenchReport } from './report.ts';
import { opensslRate } from './openssl.ts';

const GiB = 1 << 30;

function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function timeCommand(cmd: string, args: string[]): number {
  const t0 = process.hrtime.bigint();
  execFileSync(cmd, args, { stdio: 'ignore' });
  return seconds(t0);
}

function makeFile(path: string, bytes: number): void {
  const block = Buffer.allocUnsafe(64 << 20);
  randomFillSync(block);
  const fd = openSync(path, 'w');
  for (let written = 0; written < bytes; written += block.length) writeSync(fd, block, 0, Math.min(block.length, bytes - written));
  closeSync(fd);
}

/** Samples RSS while fn runs, to show memory stays flat whatever the object size. */
async function withPeakRss<T>(fn: () => Promise<T>): Promise<{ value: T; peakRssMiB: number; baseRssMiB: number }> {
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  try {
    const value = await fn();
    return { value, peakRssMiB: peak / 2 ** 20, baseRssMiB: base / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
}

export async function benchFoundation(options: { workDir: string; fileBytes: number; ledgerEntries: number }): Promise<BenchReport> {
  const dir = mkdtempSync(join(options.workDir, 'bench-foundation-'));
  const rows: BenchReport['rows'] = [];
  try {
    const station = Station.open({ dataDir: join(dir, 'data') });
    await station.init({ agencyCode: 'BENCH', agencyName: 'bench', passphrase: 'benchmark passphrase', admin: { username: 'admin', displayName: 'admin', password: 'admin-password' } });
    const source = join(dir, 'source.bin');
    makeFile(source, options.fileBytes);
    const size = statSync(source).size;
    // Warm the page cache once so neither contender pays for the first read alone.
    execFileSync('cat', [source], { stdio: ['ignore', 'ignore', 'ignore'] });

    const cpSeconds: number[] = [];
    const cpSyncSeconds: number[] = [];
    const putSeconds: number[] = [];
    let peak = { peakRssMiB: 0, baseRssMiB: 0 };
    let lastId = '';
    for (let round = 0; round < 2; round++) {
      cpSeconds.push(timeCommand('cp', [source, join(dir, `copy-${round}.bin`)]));
      rmSync(join(dir, `copy-${round}.bin`));
      cpSyncSeconds.push(timeCommand('sh', ['-c', `cp "${source}" "${dir}/copy-s-${round}.bin" && sync -f "${dir}/copy-s-${round}.bin"`]));
      rmSync(join(dir, `copy-s-${round}.bin`));
      const t0 = process.hrtime.bigint();
      const measured = await withPeakRss(() => station.vault.put(createReadStream(source, { highWaterMark: 1 << 20 })));
      putSeconds.push(seconds(t0));
      peak = measured.peakRssMiB > peak.peakRssMiB ? measured : peak;
      lastId = measured.value.id;
    }
    const best = (xs: number[]) => Math.min(...xs);
    const mbps = (s: number) => size / 2 ** 20 / s;
    rows.push({ name: 'cp (no fsync)', seconds: best(cpSeconds), mibPerSecond: mbps(best(cpSeconds)) });
    rows.push({ name: 'cp + sync', seconds: best(cpSyncSeconds), mibPerSecond: mbps(best(cpSyncSeconds)) });
    rows.push({
      name: 'vault put (hash+encrypt, fsync, read-back verify)',
      seconds: best(putSeconds),
      mibPerSecond: mbps(best(putSeconds)),
      ratio: { 'vs cp': best(putSeconds) / best(cpSeconds), 'vs cp+sync': best(putSeconds) / best(cpSyncSeconds) },
      note: `peak RSS ${peak.peakRssMiB.toFixed(0)} MiB (at start ${peak.baseRssMiB.toFixed(0)} MiB) for a ${(size / GiB).toFixed(2)} GiB object`,
    });
    // Issue 16 target 4: ≥ 0.8 × (cores × one core's decrypt + SHA-256 rate by openssl speed). One object's SHA-256 is
    // sequential, so one object can use one core at most: the target is about verifying a vault, which verifyAll does
    // one object per core at once. The vault here holds the two objects put above plus four of a quarter of the size.
    const sha = opensslRate('sha256');
    const aes = opensslRate('aes-256-gcm');
    const oneCore = 1 / (1 / sha + 1 / aes);
    const cores = availableParallelism();
    const quarter = Math.floor(size / 4);
    for (let i = 0; i < 4; i++) {
      await station.vault.put(createReadStream(source, { start: i * quarter, end: (i + 1) * quarter - 1, highWaterMark: 1 << 20 }));
    }
    // openssl speed divides by CPU time, which a loaded machine does not show: the process's CPU against the same floor
    // is the figure the load disturbs least, so it is reported beside the target's ratio, with the load. (openssl run
    // on every core by the clock around the verify was tried as a further baseline: it swung 0.4–2× from one second to
    // the next on the shared machine.)
    // The sealer writes with O_DIRECT, so the objects are not in the page cache now: the first pass reads the disk, as
    // a fixity sweep of a vault written long ago does, against `cat` of the same files with their cache dropped alike
    // (this disk's rate). That pass leaves them in the cache (verify reads through it); the second pass is then the
    // cryptography's and the code's alone, the figure target 4's CPU baseline speaks to.
    const objectFiles = station.vault.list().map((o) => station.vault.objectPath(o.id));
    const dropCache = () => {
      for (const f of objectFiles) execFileSync('dd', [`if=${f}`, 'iflag=nocache', 'count=0', 'status=none']);
    };
    dropCache();
    const catSeconds = timeCommand('sh', ['-c', 'cat "$@" > /dev/null', 'cat', ...objectFiles]);
    const fileBytes = objectFiles.reduce((n, f) => n + statSync(f).size, 0);
    const verifyAllRow = async (fromDisk: boolean) => {
      if (fromDisk) dropCache();
      const verifyLoad = loadavg()[0]!;
      const cpu0 = process.cpuUsage();
      const v0 = process.hrtime.bigint();
      const verified = await station.vault.verifyAll();
      const verifySeconds = seconds(v0);
      const cpu = process.cpuUsage(cpu0);
      if (!verified.ok) throw new Error(`vault verify failed in the benchmark: ${JSON.stringify(verified.failures)}`);
      const verifyCpuSeconds = (cpu.user + cpu.system) / 1e6;
      rows.push({
        name: `vault verify (verifyAll, ${verified.checked} objects, decrypt + re-hash), ${fromDisk ? 'objects read from the disk (page cache dropped)' : 'objects in the page cache'}`,
        seconds: verifySeconds,
        mibPerSecond: verified.bytes / 2 ** 20 / verifySeconds,
        ratio: {
          [`of cores × openssl decrypt+hash${fromDisk ? '' : ' (target ≥ 0.8)'}`]: verified.bytes / verifySeconds / (cores * oneCore),
          'CPU of the openssl floor': verifyCpuSeconds / (verified.bytes / oneCore),
          ...(fromDisk ? { 'vs cat of the files from the disk': verifySeconds / catSeconds } : {}),
        },
        note: `${(verified.bytes / GiB).toFixed(2)} GiB in objects of 1 and 1/4 the file size, one per core at once; one core ${(oneCore / 2 ** 20).toFixed(0)} MiB/s by openssl speed (CPU time), ${cores} cores; CPU is the whole process's user + sys; load average ${verifyLoad.toFixed(2)} at start${fromDisk ? `; the disk: cat of the ${objectFiles.length} files, cache dropped, ${(fileBytes / 2 ** 20 / catSeconds).toFixed(0)} MiB/s` : ''}`,
      });
    };
    await verifyAllRow(true);
    await verifyAllRow(false);
    // One object alone, in the page cache as the pass above left it: one core's decrypt + hash, the code's own cost.
    const oneObject0 = process.hrtime.bigint();
    await station.vault.verifyObject(lastId);
    const oneObjectSeconds = seconds(oneObject0);
    rows.push({
      name: 'vault verify of one object (decrypt + re-hash, one core, in the page cache)',
      seconds: oneObjectSeconds,
      mibPerSecond: mbps(oneObjectSeconds),
      ratio: { 'of one core × openssl decrypt+hash': size / oneObjectSeconds / oneCore },
    });

    // Ledger at scale: appends in transactions of 1,000 (as a busy ingest does), then a few
    // single-entry transactions (every one an fsync'd commit, synchronous=FULL).
    const ledger = station.ledger;
    const ac = process.cpuUsage();
    const a0 = process.hrtime.bigint();
    const batch = 1000;
    while (ledger.size < options.ledgerEntries) {
      const n = Math.min(batch, options.ledgerEntries - ledger.size);
      station.write(() => {
        for (let i = 0; i < n; i++) {
          ledger.append({ actor: 'custodian1', action: 'bench.append', subject: `recording:${ledger.size}`, details: { sha256: 'ab'.repeat(32), size: 123456789 } });
        }
      });
    }
    const appendSeconds = seconds(a0);
    const appendCpu = process.cpuUsage(ac);
    rows.push({
      name: `ledger append, ${batch} per transaction`,
      seconds: appendSeconds,
      perSecond: options.ledgerEntries / appendSeconds,
      note: `${ledger.size} entries; CPU ${((appendCpu.user + appendCpu.system) / 1e6).toFixed(1)} s (${((appendCpu.user + appendCpu.system) / options.ledgerEntries).toFixed(1)} µs per entry, ${(options.ledgerEntries / ((appendCpu.user + appendCpu.system) / 1e6)).toFixed(0)} /s of CPU); load average ${loadavg()[0]?.toFixed(1)}`,
    });
    const singles = 500;
    const s0 = process.hrtime.bigint();
    for (let i = 0; i < singles; i++) station.write(() => ledger.append({ actor: 'custodian1', action: 'bench.single', subject: 'x' }));
    const singleSeconds = seconds(s0);
    rows.push({ name: 'ledger append, one per transaction (fsync each)', seconds: singleSeconds, perSecond: singles / singleSeconds });
    // Baseline in the same run: the one-thread verifier (the pass that names the first bad entry when anything fails).
    // CPU seconds of the whole process (every thread) as well as wall time: on a shared machine the wall time says how
    // busy the others were, the CPU time what the verifier itself costs (seconds per 1M entries on 2 idle cores ≈ CPU / 2).
    const cpuSeconds = (since: NodeJS.CpuUsage): number => {
      const u = process.cpuUsage(since);
      return (u.user + u.system) / 1e6;
    };
    const load = () => loadavg()[0]?.toFixed(1) ?? '?';
    const qc = process.cpuUsage();
    const q0 = process.hrtime.bigint();
    const baseline = verifyLedgerSequentially(station.db, station.publicKey(), station.origin, ledger.size);
    const sequentialVerify = seconds(q0);
    const sequentialCpu = cpuSeconds(qc);
    if (!baseline.ok) throw new Error(`ledger verify failed in the benchmark: ${JSON.stringify(baseline)}`);
    rows.push({
      name: `ledger full verify, one thread (baseline)`,
      seconds: sequentialVerify,
      perSecond: baseline.size / sequentialVerify,
      note: `CPU ${sequentialCpu.toFixed(2)} s (${((sequentialCpu / baseline.size) * 1e6).toFixed(1)} µs per entry); load average ${load()}`,
    });
    const fc = process.cpuUsage();
    const f0 = process.hrtime.bigint();
    const result = verifyLedger(station.db, station.publicKey(), station.origin);
    const fullVerify = seconds(f0);
    const fullCpu = cpuSeconds(fc);
    if (!result.ok) throw new Error(`ledger verify failed in the benchmark: ${JSON.stringify(result)}`);
    rows.push({
      name: `ledger full verify (${result.size} entries, ${result.checkpoints} checkpoints)`,
      seconds: fullVerify,
      perSecond: result.size / fullVerify,
      // Issue 16 target 5: ≤ 5 s for 1,000,000 entries on the build machine, ranges verified on every core.
      ratio: { 'vs one thread': fullVerify / sequentialVerify, 'of the 5 s target per 1M entries': fullVerify / 5 / (result.size / 1e6) },
      note: `${availableParallelism()} threads (the caller and ${availableParallelism() - 1} worker${availableParallelism() === 2 ? '' : 's'}); CPU ${fullCpu.toFixed(2)} s all threads (${((fullCpu / result.size) * 1e6).toFixed(1)} µs per entry, ${(fullCpu / (result.size / 1e6) / availableParallelism()).toFixed(2)} s per 1M on ${availableParallelism()} idle cores); load average ${load()}`,
    });
    // Opening the station at this ledger size: locked (what `station status` and every CLI command start with), then
    // the unlock (passphrase KDF, then the head record check, which builds the Merkle tree from every leaf hash).
    station.close();
    const o0 = process.hrtime.bigint();
    const reopened = Station.open({ dataDir: join(dir, 'data') });
    const openSeconds = seconds(o0);
    const u0 = process.hrtime.bigint();
    await reopened.unlock('benchmark passphrase');
    const unlockSeconds = seconds(u0);
    const entries = reopened.ledger.size;
    reopened.close();
    rows.push({ name: `station open, locked (ledger of ${entries} entries)`, seconds: openSeconds, note: 'the Merkle tree is not built until needed' });
    rows.push({
      name: `station unlock (ledger of ${entries} entries)`,
      seconds: unlockSeconds,
      ratio: { 'vs one-thread full verify': unlockSeconds / sequentialVerify },
      note: `passphrase KDF + head record check (the tree from every leaf hash); load average ${load()}`,
    });
    return { title: 'Foundation: vault and ledger', rows };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
