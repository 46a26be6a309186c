// One core's cryptography speed by `openssl speed` (1 MiB blocks), the baseline issue 16 measures CPU against.
import { execFileSync } from 'node:child_process';

const MiB = 2 ** 20;

/** Bytes per second of one core for an `openssl speed -evp` algorithm on 1 MiB blocks. */
export function opensslRate(algorithm: string): number {
  const out = execFileSync('openssl', ['speed', '-seconds', '2', '-bytes', String(MiB), '-evp', algorithm], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const last = out.trim().split('\n').pop() ?? '';
  const k = /([\d.]+)k\s*$/.exec(last);
  if (!k) throw new Error(`cannot read openssl speed ${algorithm}: ${last}`);
  return Number(k[1]) * 1000;
}
