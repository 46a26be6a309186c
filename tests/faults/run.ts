// `npm run faults`: the full fault campaign. FAULTS_RUNS (default 20) runs per scenario,
// FAULTS_SEED (default: random, printed) for the kill points, FAULTS_SCENARIOS=ingest,ingest-beside,burn to pick,
// FAULTS_KEEP=DIR to keep a failing run's folders. Results in tests/faults/results/latest.{md,json};
// exit code 1 if any run failed a check.
import { mkdirSync, writeFileSync } from 'node:fs';
import { randomInt } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { markdown, removeLiveWork, runCampaign } from './campaign.ts';
import type { ScenarioName } from './scenarios.ts';
import { killAll } from './stationCli.ts';

const seed = process.env.FAULTS_SEED ? Number(process.env.FAULTS_SEED) : randomInt(1, 2 ** 31);
const runs = Number(process.env.FAULTS_RUNS ?? 20);
if (!Number.isInteger(seed) || seed < 0 || !Number.isInteger(runs) || runs < 1) {
  console.error('FAULTS_SEED must be a non-negative integer and FAULTS_RUNS a positive one');
  process.exit(2);
}
const scenarios = process.env.FAULTS_SCENARIOS?.split(',').map((s) => s.trim()) as ScenarioName[] | undefined;

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    killAll();
    removeLiveWork();
    process.exit(130);
  });
}

console.log(`fault campaign: seed ${seed}, ${runs} runs per scenario`);
const result = await runCampaign({ seed, runs, ...(scenarios ? { scenarios } : {}), ...(process.env.FAULTS_KEEP ? { keepFailedIn: process.env.FAULTS_KEEP } : {}), log: (l) => console.log(l) });
const dir = fileURLToPath(new URL('./results/', import.meta.url));
mkdirSync(dir, { recursive: true });
writeFileSync(`${dir}latest.json`, `${JSON.stringify(result, null, 2)}\n`);
const md = markdown(result);
writeFileSync(`${dir}latest.md`, md);
console.log(`\n${md}`);
process.exit(result.failures.length ? 1 : 0);
