// The short fault campaign that runs with every test run: the same scenarios, checks and CLI as
// `npm run faults`, with smaller files and kill points aimed at the windows where a crash did harm
// (ISSUE10 defects 1, 5 and 6). Every run must survive every check. Each test prints the failing
// runs, one line each, with their kill points.
import { afterEach, describe, expect, it } from 'vitest';
import { hasCommand } from '../support/cli.ts';
import { failureLines, removeLiveWork, runCampaign } from './campaign.ts';
import { killAll } from './stationCli.ts';

const seed = Number(process.env.FAULTS_SEED ?? 20261207);

// A test that times out leaves its station processes and work folder: both go here.
afterEach(() => {
  killAll();
  removeLiveWork();
});

describe('fault campaign (short)', () => {
  it('ingest killed with kill -9 as an object is renamed into place (before its row) and as a temp file is written, then re-run: every check holds', async () => {
    const r = await runCampaign({
      seed,
      runs: 2,
      size: 'short',
      scenarios: ['ingest'],
      points: { ingest: [{ kind: 'event', event: 'vault-object', nth: 1, jitterMs: 0 }, { kind: 'event', event: 'vault-tmp-file', nth: 2, jitterMs: 2 }] },
    });
    expect(failureLines(r)).toEqual([]);
    expect(r.scenarios[0]!.killed).toBe(2);
  }, 150_000);

  it('ingest beside a process killed with kill -9, while another command recovers: the live ingest keeps its temp file and its renamed object', async () => {
    const r = await runCampaign({
      seed,
      runs: 1,
      size: 'short',
      scenarios: ['ingest-beside'],
      points: { 'ingest-beside': [{ kind: 'event', event: 'b-object', nth: 1, jitterMs: 0 }] },
    });
    expect(failureLines(r)).toEqual([]);
    expect(r.scenarios[0]!.killed).toBe(1);
  }, 150_000);

  it.skipIf(!hasCommand('xorriso'))('2-copy burn killed with kill -9 as copy 1 lands before its record, and after copy 1 is recorded, then continued: every check holds', async () => {
    const r = await runCampaign({
      seed,
      runs: 2,
      size: 'short',
      scenarios: ['burn'],
      points: { burn: [{ kind: 'event', event: 'iso-1', nth: 1, jitterMs: 0 }, { kind: 'event', event: 'partial-2', nth: 1, jitterMs: 0 }] },
    });
    expect(failureLines(r)).toEqual([]);
    expect(r.scenarios[0]!.killed).toBe(2);
  }, 150_000);
});
