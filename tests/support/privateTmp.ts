// `npm test` runs under this: every temporary folder any step makes (our tests, the PostgreSQL and
// Ceph the tests start, Chromium's profiles, node's compile cache) lands in one private folder that
// is removed at the end, so /tmp lists the same before and after the suite. What the steps leave
// behind is named on the way out, so a test that forgets its clean-up is still visible.
//   node tests/support/privateTmp.ts <command> [args…]
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error('usage: node tests/support/privateTmp.ts <command> [args…]');
  process.exit(2);
}

const outer = tmpdir();
const before = new Set(readdirSync(outer));
const privateDir = mkdtempSync(join(outer, 'station-suite-'));
// The PostgreSQL the tests start runs as its own user and must reach its data folder in here.
chmodSync(privateDir, 0o755);

const run = spawnSync(command, args, {
  stdio: 'inherit',
  env: { ...process.env, TMPDIR: privateDir, TMP: privateDir, TEMP: privateDir },
});

const leftovers = readdirSync(privateDir);
if (leftovers.length) console.warn(`privateTmp: left behind by the suite and removed now: ${leftovers.join(', ')}`);
// A volume a killed test left mounted in here would make removal walk into it: detach first.
const mounts = readFileSync('/proc/mounts', 'utf8')
  .split('\n')
  .map((line) => line.split(' ')[1]?.replace(/\\040/g, ' '))
  .filter((point): point is string => !!point && point.startsWith(privateDir + '/'))
  .sort((a, b) => b.length - a.length);
for (const point of mounts) spawnSync('umount', ['-l', point], { stdio: 'inherit' });
rmSync(privateDir, { recursive: true, force: true, maxRetries: 3 });

const appeared = readdirSync(outer).filter((name) => !before.has(name));
if (appeared.length) console.warn(`privateTmp: appeared in ${outer} outside the private folder: ${appeared.join(', ')}`);

process.exit(run.status ?? 1);
