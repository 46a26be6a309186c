#!/usr/bin/env node
// Entry of the `station` command. The station needs Node >= 22 (better-sqlite3 13, native
// TypeScript type stripping); machines may have an older system Node, so re-run on the Node 22
// the project ships as a devDependency when needed.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const major = Number(process.versions.node.split('.')[0]);

if (major < 22) {
  const bundled = join(here, '..', '..', 'node_modules', 'node', 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
  if (!existsSync(bundled)) {
    process.stderr.write(`station: 需要 Node.js 22 或更高版本 / Node.js 22 or newer is required (found ${process.version}); run npm ci first.\n`);
    process.exit(2);
  }
  const child = spawnSync(bundled, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(child.status ?? 1);
} else {
  const { main } = await import('./main.ts');
  process.exitCode = await main(process.argv.slice(2));
}
