// CLI start-up (issue 16, target 9): `station status` wall time through the prebuilt bundle (`npm run build`) against
// the sources compiled at every start, on the same initialized station in the same run.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Station } from '../../electron/core/station.ts';
import { bundleCli } from '../../electron/cli/bundle.ts';
import { freshBundle } from '../../electron/cli/freshBundle.mjs';
import type { BenchReport } from './report.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const STATION_BIN = join(root, 'electron/cli/station.mjs');

function medianWall(env: NodeJS.ProcessEnv, args: string[], runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    execFileSync(process.execPath, [STATION_BIN, ...args], { env, stdio: 'ignore' });
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}

export async function benchCli(options: { workDir: string }): Promise<BenchReport> {
  const dir = mkdtempSync(join(options.workDir, 'bench-cli-'));
  try {
    const dataDir = join(dir, 'data');
    const station = Station.open({ dataDir });
    await station.init({ agencyCode: 'BENCH', agencyName: 'bench', passphrase: 'benchmark passphrase', admin: { username: 'admin', displayName: 'admin', password: 'admin-password' } });
    station.close();
    if (!freshBundle(root)) await bundleCli();
    if (!freshBundle(root)) throw new Error('the CLI bundle is not fresh right after building it');
    const args = ['status', '--data', dataDir];
    const env = { ...process.env, STATION_CLI_SOURCE: undefined };
    // One start of each first: the compile cache and the page cache are warm for both, as on a working station.
    medianWall(env, args, 1);
    medianWall({ ...env, STATION_CLI_SOURCE: '1' }, args, 1);
    const source = medianWall({ ...env, STATION_CLI_SOURCE: '1' }, args, 5);
    const bundled = medianWall(env, args, 5);
    return {
      title: 'CLI start',
      rows: [
        { name: '`station status` from the sources (baseline)', seconds: source },
        { name: '`station status` from the bundle', seconds: bundled, ratio: { 'vs sources': bundled / source, 'of the 0.3 s target': bundled / 0.3 }, note: 'median of 5' },
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
