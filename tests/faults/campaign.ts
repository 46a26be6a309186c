// The fault campaign: per scenario, one unharmed baseline run (it measures how long the operation
// takes, and its checks must pass too), then N runs each killed with kill -9 at a point drawn from
// the run's seeded generator: a random moment within the measured duration, or the moment a sign
// of progress appears (a vault temp file, an object, the staging folder, an ISO's .partial, the
// ISO itself), when a crash does the most harm.
import { mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rng, runSeed } from './prng.ts';
import { burnScenario, ingestBesideScenario, ingestScenario, type KillPoint, type RunOutcome, type Scenario, type ScenarioName } from './scenarios.ts';

export type RunResult = RunOutcome & { scenario: string; index: number; seed: number; survived: boolean; error?: string };
export type ScenarioSummary = { scenario: string; baselineMs: number; runs: number; killed: number; survived: number };
export type CampaignResult = {
  seed: number;
  runsPerScenario: number;
  startedAt: string;
  finishedAt: string;
  scenarios: ScenarioSummary[];
  baselines: RunResult[];
  runs: RunResult[];
  failures: RunResult[];
};

export type CampaignOptions = {
  seed: number;
  runs: number;
  scenarios?: ScenarioName[];
  /** Sizes: the CI version uses fewer, smaller files. */
  size?: 'full' | 'short';
  /** Kill points given outright instead of drawn (the CI version aims at the known windows). */
  points?: Partial<Record<ScenarioName, KillPoint[]>>;
  /** A failing run's folder is moved here instead of deleted, for a post-mortem. */
  keepFailedIn?: string;
  log?: (line: string) => void;
};

export function describeKillPoint(p: KillPoint): string {
  return p.kind === 'delay' ? (p.ms < 0 ? 'no kill (baseline)' : `after ${p.ms} ms`) : `at ${p.event}${p.nth > 1 ? ` #${p.nth}` : ''}${p.jitterMs ? ` +${p.jitterMs} ms` : ''}`;
}

function scenariosFor(size: 'full' | 'short'): Scenario[] {
  return size === 'full'
    ? [ingestScenario({ files: 4, mib: 6 }), ingestBesideScenario({ files: 3, mib: 24 }), burnScenario({ files: 3, mib: 8 })]
    : [ingestScenario({ files: 2, mib: 3 }), ingestBesideScenario({ files: 1, mib: 24 }), burnScenario({ files: 2, mib: 2 })];
}

/** Live work folders, removed on Ctrl-C too: the campaign leaves nothing in /tmp. */
const live = new Set<string>();
export function removeLiveWork(): void {
  for (const d of live) rmSync(d, { recursive: true, force: true });
  live.clear();
}

export async function runCampaign(o: CampaignOptions): Promise<CampaignResult> {
  const log = o.log ?? (() => undefined);
  const startedAt = new Date().toISOString();
  const work = mkdtempSync(join(tmpdir(), 'station-faults-'));
  live.add(work);
  const result: CampaignResult = { seed: o.seed, runsPerScenario: o.runs, startedAt, finishedAt: '', scenarios: [], baselines: [], runs: [], failures: [] };
  try {
    for (const scenario of scenariosFor(o.size ?? 'full').filter((s) => !o.scenarios || o.scenarios.includes(s.name))) {
      log(`${scenario.name}: preparing the template station`);
      await scenario.prepare(work);
      const once = async (index: number, point: KillPoint | null, seed: number): Promise<RunResult> => {
        const dir = join(work, `${scenario.name}-${index}`);
        mkdirSync(dir);
        let r: RunResult;
        try {
          const outcome = await scenario.run(dir, point);
          r = { ...outcome, scenario: scenario.name, index, seed, survived: outcome.checks.every((c) => c.ok) };
        } catch (e) {
          r = {
            scenario: scenario.name,
            index,
            seed,
            killPoint: point ?? { kind: 'delay', ms: -1 },
            killedAtMs: null,
            firstRun: { code: null, signal: null, ms: 0 },
            rerun: { command: '', code: null, ms: 0 },
            checks: [],
            survived: false,
            error: e instanceof Error ? e.message : String(e),
          };
        }
        if (!r.survived && o.keepFailedIn) {
          mkdirSync(o.keepFailedIn, { recursive: true });
          renameSync(dir, join(o.keepFailedIn, `${scenario.name}-${index}-seed${o.seed}`));
        } else rmSync(dir, { recursive: true, force: true });
        const failed = r.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail.replace(/\s+/g, ' ')}`);
        log(`${scenario.name} #${index} ${describeKillPoint(r.killPoint)}${r.killedAtMs === null ? (point ? ' (ended before the kill)' : '') : ` → killed at ${r.killedAtMs} ms`}: ${r.survived ? 'survived' : `FAILED ${r.error ?? failed.join(' | ')}`}`);
        return r;
      };
      // With every kill point given, no duration is needed to draw them from: the baseline is skipped.
      const given = o.points?.[scenario.name];
      let baselineMs = 0;
      if (!given) {
        const baseline = await once(0, null, o.seed);
        result.baselines.push(baseline);
        if (!baseline.survived) result.failures.push(baseline);
        baselineMs = baseline.firstRun.ms;
      }
      const summary: ScenarioSummary = { scenario: scenario.name, baselineMs, runs: 0, killed: 0, survived: 0 };
      for (let i = 1; i <= (given?.length ?? o.runs); i++) {
        const seed = runSeed(o.seed, scenario.name, i);
        const r = await once(i, given?.[i - 1] ?? scenario.choose(rng(seed), baselineMs), seed);
        result.runs.push(r);
        summary.runs++;
        if (r.killedAtMs !== null) summary.killed++;
        if (r.survived) summary.survived++;
        else result.failures.push(r);
      }
      result.scenarios.push(summary);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
    live.delete(work);
  }
  result.finishedAt = new Date().toISOString();
  return result;
}

/** One line per failed run: what the CI test shows when it fails. */
export function failureLines(r: CampaignResult): string[] {
  return r.failures.map((f) => `${f.scenario} #${f.index} (${describeKillPoint(f.killPoint)}, seed ${r.seed}): ${f.error ?? f.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail.replace(/\s+/g, ' ')}`).join(' | ')}`);
}

export function markdown(r: CampaignResult): string {
  const lines = [
    '# Fault campaign — latest results',
    '',
    `Seed ${r.seed} (replay with \`FAULTS_SEED=${r.seed} FAULTS_RUNS=${r.runsPerScenario} npm run faults\`), ${r.runsPerScenario} runs per scenario, ${r.startedAt} → ${r.finishedAt}.`,
    '',
    '| scenario | unharmed run | runs | killed mid-operation | survived |',
    '|---|---|---|---|---|',
    ...r.scenarios.map((s) => `| ${s.scenario} | ${s.baselineMs ? `${(s.baselineMs / 1000).toFixed(1)} s` : '—'} | ${s.runs} | ${s.killed} | ${s.survived} |`),
    '',
  ];
  const badBaselines = r.baselines.filter((b) => !b.survived);
  if (badBaselines.length) lines.push(`Unharmed baseline runs that failed a check: ${badBaselines.map((b) => b.scenario).join(', ')}.`, '');
  const byCheck = new Map<string, number>();
  for (const f of r.failures) for (const c of f.checks) if (!c.ok) byCheck.set(`${f.scenario}: ${c.name}`, (byCheck.get(`${f.scenario}: ${c.name}`) ?? 0) + 1);
  if (r.failures.length === 0) lines.push('Every run survived every check.');
  else {
    lines.push('## Failed checks', '', ...[...byCheck].map(([k, n]) => `- ${k}: ${n} run(s)`), '', '## Failed runs', '');
    lines.push('| scenario | run | run seed | kill point | killed at | re-run | failed checks |', '|---|---|---|---|---|---|---|');
    for (const f of r.failures) {
      const failed = f.error ? `error: ${f.error}` : f.checks.filter((c) => !c.ok).map((c) => `**${c.name}**: ${c.detail}`).join('<br>');
      lines.push(`| ${f.scenario} | ${f.index} | ${f.seed} | ${describeKillPoint(f.killPoint)} | ${f.killedAtMs ?? '—'} ms | ${f.rerun.command} → ${f.rerun.code ?? '—'} | ${failed.replace(/\|/g, '\\|').replace(/\n/g, ' ')} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}
