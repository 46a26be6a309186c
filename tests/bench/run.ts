// `npm run bench`: runs every benchmark, writes tests/bench/results/latest.{md,json}.
// Defaults are issue 16's sizes: ingest, vault put and burn of BENCH_FILE_GIB (1 GiB), ledger verify at
// BENCH_LEDGER_ENTRIES (1,000,000), one recording of BENCH_BIG_GIB (4 GiB) for peak memory and of BENCH_PLAYBACK_GIB
// (4 GiB) for playback, the at-scale catalogue at BENCH_SCALE_RECORDINGS / BENCH_SCALE_LEDGER (1,000,000 / 10,000,000,
// generated once into tests/bench/data/ and reused — generating it is hours, so a run meant to fit an afternoon names
// the size that is cached). Smaller values give a quick look. How long each part takes on the 2-core build machine,
// and the one command for a full run: README, "Measured".
//
// BENCH_ONLY=ingest (or a list, BENCH_ONLY=ingest,playback) runs those parts while working on them; their results go
// to their own file (only-<parts>.md) so the full run's latest.md stays whole. BENCH_SKIP=replica,scale leaves parts
// out of a full run (each skipped part says so in the results). A part that fails is reported as failed with its
// error and the run goes on; the results files are rewritten after every part, so a run stopped midway keeps what it
// measured.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
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

const fileBytes = Math.round(Number(process.env.BENCH_FILE_GIB ?? '1') * 2 ** 30);
const ledgerEntries = Number(process.env.BENCH_LEDGER_ENTRIES ?? '1000000');
const workDir = process.env.BENCH_DIR ?? tmpdir();
// Issue 16 target 6: the catalogue and ledger sizes of the at-scale queries (generated once into tests/bench/data/).
const scaleRecordings = Number(process.env.BENCH_SCALE_RECORDINGS ?? '1000000');
const scaleLedger = Number(process.env.BENCH_SCALE_LEDGER ?? '10000000');
const scaleRuns = Number(process.env.BENCH_SCALE_RUNS ?? '40');
const bigGiB = Number(process.env.BENCH_BIG_GIB ?? '4');
// Issue 16 target 8 names a 4 GiB recording: not scaled by BENCH_FILE_GIB.
const playbackGiB = Number(process.env.BENCH_PLAYBACK_GIB ?? '4');
// Each request is ~10 ms of the station's work; on the shared machine the scheduler adds as much again at random, so
// the median of many.
const playbackRuns = Math.max(1, Number(process.env.BENCH_PLAYBACK_RUNS ?? '15'));
// Not an issue 16 target, and its uploads go through a single-node Ceph on the same two cores at ~25–35 MiB/s: at
// 1 GiB this part alone took ~6 minutes of a full run. Its ratios were the same at 0.125 and 0.25 GiB.
const replicaBytes = Math.round(Number(process.env.BENCH_REPLICA_GIB ?? '1') * 2 ** 30);

const list = (v: string | undefined) => (v ?? '').split(',').map((x) => x.trim()).filter((x) => x !== '');
const only = list(process.env.BENCH_ONLY);
const skip = list(process.env.BENCH_SKIP);
// Issue 16's targets first (ledger and vault verify, ingest, recorders and memory, playback, CLI start, at scale), then
// the rest: a run stopped when its time is up still has what the issue asks for.
const parts = {
  foundation: () => benchFoundation({ workDir, fileBytes, ledgerEntries }),
  ingest: () => benchIngest({ workDir, totalBytes: fileBytes }),
  recorders: () => benchRecorders({ workDir, bigGiB }),
  playback: () => benchPlayback({ workDir, gib: playbackGiB, runs: playbackRuns }),
  cli: () => benchCli({ workDir }),
  scale: () => benchScale({ recordings: scaleRecordings, ledgerEntries: scaleLedger, runs: scaleRuns }),
  burn: () => benchBurn({ workDir, fileBytes }),
  witness: () => benchWitness({ workDir }),
  replica: () => benchReplica({ workDir, fileBytes: replicaBytes }),
};
// A full run does not spend its time generating the at-scale catalogue (hours at full size): it measures the largest
// cache there is (scale.ts, BENCH_SCALE_GENERATE_SECONDS=0; the title says its size) unless given seconds to extend it.
// BENCH_ONLY=scale generates as before.
if (only.length === 0) process.env.BENCH_SCALE_GENERATE_SECONDS ??= '0';
for (const name of [...only, ...skip]) if (!(name in parts)) throw new Error(`BENCH_ONLY and BENCH_SKIP take parts among ${Object.keys(parts).join(', ')}`);
const reports: BenchReport[] = [];
// How long each part took and how busy the machine was meanwhile: the figures are only as quiet as the machine, and
// the next run is planned from these.
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');
const timings: string[] = [];
const outDir = fileURLToPath(new URL('./results/', import.meta.url));
mkdirSync(outDir, { recursive: true });
const base = only.length === 0 ? 'latest' : `only-${only.join('-')}`;

function meta(): Record<string, string> {
  return {
    date: new Date().toISOString(),
    node: process.version,
    cpus: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`,
    memory: `${(totalmem() / 2 ** 30).toFixed(0)} GiB`,
    'work dir': workDir,
    'file size': `${(fileBytes / 2 ** 30).toFixed(2)} GiB`,
    'ledger entries': String(ledgerEntries),
    'large recording (recorders)': `${bigGiB} GiB`,
    'playback recording': `${playbackGiB} GiB, ${playbackRuns} requests per row`,
    'replica object': `${(replicaBytes / 2 ** 30).toFixed(2)} GiB`,
    'at scale': `${scaleRecordings} recordings, ${scaleLedger} ledger entries, p95 of ${scaleRuns} runs`,
    // What the machine was doing meanwhile, in the runner's words (the figures are only as quiet as the machine).
    ...(process.env.BENCH_NOTE ? { note: process.env.BENCH_NOTE } : {}),
    'parts (wall time, load average 1/5/15 min at start → end)': timings.join('; '),
  };
}

/** Written whole to a temporary name and renamed, so a reader never sees half a file. */
function writeResults(): string {
  const md = toMarkdown(reports, meta());
  for (const [ext, text] of [['json', `${JSON.stringify({ meta: meta(), reports }, null, 2)}\n`], ['md', md]] as const) {
    writeFileSync(`${outDir}${base}.${ext}.tmp`, text);
    renameSync(`${outDir}${base}.${ext}.tmp`, `${outDir}${base}.${ext}`);
  }
  return md;
}

for (const [name, run] of Object.entries(parts)) {
  if (only.length > 0 ? !only.includes(name) : skip.includes(name)) {
    if (only.length === 0) reports.push({ title: `${name}: not run (BENCH_SKIP)`, rows: [] });
    continue;
  }
  const t0 = process.hrtime.bigint();
  const before = load();
  process.stderr.write(`bench: ${name} started ${new Date().toISOString()} (load ${before})\n`);
  try {
    reports.push(await run());
  } catch (e) {
    // One broken part must not cost the other half hour's figures; the error stands in its place.
    reports.push({ title: `${name}: FAILED`, rows: [{ name: 'error', seconds: 0, note: (e instanceof Error ? (e.stack ?? e.message) : String(e)).split('\n').slice(0, 4).join(' / ').replaceAll('|', '\\|') }] });
    process.exitCode = 1;
  }
  timings.push(`${name} ${(Number(process.hrtime.bigint() - t0) / 60e9).toFixed(1)} min (load ${before} → ${load()})`);
  writeResults();
}
process.stdout.write(writeResults());
