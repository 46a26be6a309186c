// `npm run bench`: runs every benchmark, writes tests/bench/results/latest.{md,json}.
// BENCH_FILE_GIB and BENCH_LEDGER_ENTRIES scale it down for a quick look; the README reports
// the full-size run (2 GiB, 1,000,000 entries).
import { writeFileSync, mkdirSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { benchFoundation } from './foundation.ts';
import { benchBurn } from './burn.ts';
import { benchIngest } from './ingest.ts';
import { benchWitness } from './witness.ts';
import { benchReplica } from './replica.ts';
import { benchCli } from './cli.ts';
import { benchScale } from './scale.ts';
import { benchRecorders } from './recorders.ts';
import { benchPlayback } from './playback.ts';
import { toMarkdown, type BenchReport } from './report.ts';

const fileBytes = Math.round(Number(process.env.BENCH_FILE_GIB ?? '2') * 2 ** 30);
const ledgerEntries = Number(process.env.BENCH_LEDGER_ENTRIES ?? '1000000');
const workDir = process.env.BENCH_DIR ?? tmpdir();
// Issue 16 target 6: the catalogue and ledger sizes of the at-scale queries (generated once into tests/bench/data/).
const scaleRecordings = Number(process.env.BENCH_SCALE_RECORDINGS ?? '1000000');
const scaleLedger = Number(process.env.BENCH_SCALE_LEDGER ?? '10000000');
const scaleRuns = Number(process.env.BENCH_SCALE_RUNS ?? '40');

// BENCH_ONLY=ingest (or foundation, burn, replica, cli) runs one part while working on it; its results go to their own file so
// the full run's latest.md stays whole.
const only = process.env.BENCH_ONLY;
const parts = {
  foundation: () => benchFoundation({ workDir, fileBytes, ledgerEntries }),
  burn: () => benchBurn({ workDir, fileBytes }),
  ingest: () => benchIngest({ workDir, totalBytes: fileBytes }),
  witness: () => benchWitness({ workDir }),
  replica: () => benchReplica({ workDir, fileBytes }),
  cli: () => benchCli({ workDir }),
  recorders: () => benchRecorders({ workDir, bigGiB: Number(process.env.BENCH_BIG_GIB ?? '4') }),
  // Issue 16 target 8 names a 4 GiB recording: not scaled by BENCH_FILE_GIB.
  playback: () => benchPlayback({ workDir, gib: Number(process.env.BENCH_PLAYBACK_GIB ?? '4'), runs: Number(process.env.BENCH_PLAYBACK_RUNS ?? '7') }),
  scale: () => benchScale({ recordings: scaleRecordings, ledgerEntries: scaleLedger, runs: scaleRuns }),
};
if (only !== undefined && !(only in parts)) throw new Error(`BENCH_ONLY must be one of ${Object.keys(parts).join(', ')}`);
const reports: BenchReport[] = [];
// How long each part took and how busy the machine was meanwhile: the figures are only as quiet as the machine, and
// the next run is planned from these.
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');
const timings: string[] = [];
for (const [name, run] of Object.entries(parts)) {
  if (only !== undefined && only !== name) continue;
  const t0 = process.hrtime.bigint();
  const before = load();
  reports.push(await run());
  timings.push(`${name} ${(Number(process.hrtime.bigint() - t0) / 60e9).toFixed(1)} min (load ${before} → ${load()})`);
}

const meta = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`,
  memory: `${(totalmem() / 2 ** 30).toFixed(0)} GiB`,
  'work dir': workDir,
  'file size': `${(fileBytes / 2 ** 30).toFixed(2)} GiB`,
  'ledger entries': String(ledgerEntries),
  'at scale': `${scaleRecordings} recordings, ${scaleLedger} ledger entries, p95 of ${scaleRuns} runs`,
  // What the machine was doing meanwhile, in the runner's words (the figures are only as quiet as the machine).
  ...(process.env.BENCH_NOTE ? { note: process.env.BENCH_NOTE } : {}),
  'parts (wall time, load average 1/5/15 min at start → end)': timings.join('; '),
};
const outDir = fileURLToPath(new URL('./results/', import.meta.url));
mkdirSync(outDir, { recursive: true });
const base = only === undefined ? 'latest' : `only-${only}`;
writeFileSync(`${outDir}${base}.json`, `${JSON.stringify({ meta, reports }, null, 2)}\n`);
const md = toMarkdown(reports, meta);
writeFileSync(`${outDir}${base}.md`, md);
process.stdout.write(md);
