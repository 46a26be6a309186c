// Many recorders and one large file (issue 16, target 3): 25 recorders docked at once — 25 small exFAT volumes on
// loop devices through FUSE, as the ingest bench makes them — all ingested by one station process without an error,
// its peak resident memory ≤ 1 GiB; and one large recording ingested with peak RSS ≤ 256 MiB, flat in the file's
// size (1 GiB against BENCH_BIG_GIB, default 4). Each ingest runs in its own process under /usr/bin/time, so the
// peak is the whole process's (the runtime included), not a sample.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { recorderFileName } from '../fixtures/mediaFixtures.ts';
import type { BenchReport, BenchRow } from './report.ts';
import { BENCH_PASSPHRASE as PASSPHRASE, benchStation, RecorderSources, writeRecording } from './recorderSources.ts';

const MiB = 2 ** 20;
const GiB = 2 ** 30;
const child = fileURLToPath(new URL('./ingestProcess.ts', import.meta.url));

type Run = { seconds: number; baseRss: number; peakRss: number; counts: Record<string, number>[]; statuses: string[] };

/** Ingests `roots` at once in a fresh process on a fresh station; its peak RSS from the kernel via /usr/bin/time. */
async function ingestInProcess(dir: string, name: string, roots: string[]): Promise<Run> {
  const dataDir = join(dir, `station-${name}`);
  (await benchStation(dataDir)).close();
  const out = spawnSync('/usr/bin/time', ['-f', 'maxrss=%M', process.execPath, child, dataDir, PASSPHRASE, ...roots], { encoding: 'utf8', maxBuffer: 64 * MiB });
  if (out.status !== 0) throw new Error(`ingest process failed: ${out.stderr}`);
  const maxrss = /maxrss=(\d+)/.exec(out.stderr);
  if (!maxrss) throw new Error(`no peak RSS from /usr/bin/time: ${out.stderr}`);
  const result = JSON.parse(out.stdout.trim().split('\n').pop() as string) as Omit<Run, 'peakRss'>;
  rmSync(dataDir, { recursive: true, force: true });
  return { ...result, peakRss: Number(maxrss[1]) * 1024 };
}

function problems(run: Run, filesPerSource: number): string[] {
  const out: string[] = [];
  run.counts.forEach((c, i) => {
    if (c.ingested !== filesPerSource || (c.failed ?? 0) + (c.aborted ?? 0) + (c.skipped ?? 0) > 0) out.push(`source ${i}: ${JSON.stringify(c)}`);
  });
  run.statuses.forEach((s, i) => s !== 'completed' && out.push(`source ${i}: ${s}`));
  return out;
}

export async function benchRecorders(options: { workDir: string; bigGiB: number; recorders?: number }): Promise<BenchReport> {
  const rows: BenchRow[] = [];
  const dir = mkdtempSync(join(options.workDir, 'bench-recorders-'));
  let recorders: RecorderSources | null = new RecorderSources(dir);
  const count = options.recorders ?? 25;
  try {
    // 25 recorders of 2 files of 16 MiB each (800 MiB in all).
    const filesPer = 2;
    const fileBytes = 16 * MiB;
    const roots: string[] = [];
    for (let v = 0; v < count; v++) {
      const files = Array.from({ length: filesPer }, (_, i) => ({
        name: recorderFileName({ deviceSerial: String(2000000 + v), sequence: i + 1, localTime: new Date(Date.UTC(2025, 2, 1, 8, i * 11, 0)) }),
        bytes: fileBytes,
        index: v * 100 + i,
      }));
      roots.push(recorders.dock(`rec-${v}`, files).root);
    }
    execFileSync('sync');
    const many = await ingestInProcess(dir, 'many', roots);
    const bad = problems(many, filesPer);
    const totalBytes = count * filesPer * fileBytes;
    rows.push({
      name: `${count} recorders at once (${recorders.exfat ? 'exFAT/FUSE volumes' : `folders: ${recorders.foldersBecause}`}): ingest`,
      seconds: many.seconds,
      mibPerSecond: totalBytes / MiB / many.seconds,
      ratio: { 'peak RSS of the 1 GiB target': many.peakRss / GiB },
      note: `${bad.length === 0 ? 'all ingested, no errors' : `PROBLEMS: ${bad.join('; ')}`}; peak RSS ${(many.peakRss / MiB).toFixed(0)} MiB (process at start ${(many.baseRss / MiB).toFixed(0)} MiB); ${count} × ${filesPer} files of ${fileBytes / MiB} MiB`,
    });
    recorders.cleanup();
    recorders = null;

    // One large recording, 1 GiB and BENCH_BIG_GIB: sparse on the station's own disk (its payload a hole read as
    // zeros), so making it costs nothing; the ingest reads, hashes, encrypts, writes and verifies every byte of it.
    const big: Record<string, Run> = {};
    for (const gib of [...new Set([1, options.bigGiB])]) {
      const root = join(dir, `big-${gib}`);
      mkdirSync(root);
      writeRecording(join(root, recorderFileName({ deviceSerial: '1999999', sequence: 1 })), Math.round(gib * GiB), gib, { sparse: true });
      const run = await ingestInProcess(dir, `big-${gib}`, [root]);
      const badBig = problems(run, 1);
      big[gib] = run;
      rows.push({
        name: `one ${gib} GiB recording: ingest`,
        seconds: run.seconds,
        mibPerSecond: (gib * GiB) / MiB / run.seconds,
        ratio: { 'peak RSS of the 256 MiB target': run.peakRss / (256 * MiB) },
        note: `${badBig.length === 0 ? 'ingested' : `PROBLEMS: ${badBig.join('; ')}`}; peak RSS ${(run.peakRss / MiB).toFixed(0)} MiB (process at start ${(run.baseRss / MiB).toFixed(0)} MiB)`,
      });
      rmSync(root, { recursive: true, force: true });
    }
    const small = big[1]!;
    const large = big[options.bigGiB]!;
    rows.push({
      name: `peak RSS, ${options.bigGiB} GiB recording vs 1 GiB (flat = 1)`,
      seconds: 0,
      ratio: { [`${options.bigGiB} GiB / 1 GiB peak RSS`]: large.peakRss / small.peakRss, 'growth per GiB (MiB)': (large.peakRss - small.peakRss) / MiB / (options.bigGiB - 1 || 1) },
    });
    // /proc/meminfo's view, for the note: the page cache the kernel keeps of these files is not the process's.
    const avail = /MemAvailable:\s+(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'));
    if (avail) rows.push({ name: 'note', seconds: 0, note: `peak RSS is the kernel's (VmHWM via /usr/bin/time) for the whole ingest process; MemAvailable now ${(Number(avail[1]) / 2 ** 20).toFixed(1)} GiB` });
    return { title: `Recorders at once and one large recording (peak memory)`, rows };
  } finally {
    recorders?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
}
