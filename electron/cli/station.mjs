#!/usr/bin/env node
// Entry of the `station` command. The station needs Node >= 22 (better-sqlite3 13, native
// TypeScript type stripping); machines may have an older system Node, so re-run on the Node 22
// the project ships as a devDependency when needed.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as nodeModule from 'node:module';

const here = dirname(fileURLToPath(import.meta.url));
const major = Number(process.versions.node.split('.')[0]);

if (major < 22) {
  const bundled = join(here, '..', '..', 'node_modules', 'node', 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
  if (!existsSync(bundled)) {
    process.stderr.write(`station: 需要 Node.js 22 或更高版本 / Node.js 22 or newer is required (found ${process.version}); run npm ci first.\n`);
    process.exit(2);
  }
  // The PID a custodian or a service manager knows is this wrapper's: a signal sent to it must reach the
  // station itself (a `station watch` left running would keep ingesting as a custodian gone off duty),
  // and the wrapper ends only when the station has, with its status.
  const child = spawn(bundled, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  const forward = (signal) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, () => forward(signal));
  child.on('error', (e) => {
    process.stderr.write(`station: ${e.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    if (signal) {
      // End the same way, so a shell or service manager sees "killed by SIGTERM", not a plain exit.
      for (const s of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.removeAllListeners(s);
      process.kill(process.pid, signal);
      return;
    }
    process.exit(code ?? 1);
  });
} else if (process.argv[2] === 'central') {
  // The central witness service (electron/central) shares the command name but not the station.
  const { centralMain } = await import('../central/main.ts');
  process.exitCode = await centralMain(process.argv.slice(3));
} else {
  // The prebuilt bundle starts several times faster; it is used only while it matches the sources exactly.
  const { freshBundle } = await import('./freshBundle.mjs');
  const bundle = freshBundle(join(here, '..', '..'));
  // V8's compiled code for the bundle, kept beside it (node checks it against the source text before using it).
  if (bundle) nodeModule.enableCompileCache?.(join(here, '..', '..', 'out', 'cli', 'compile-cache'));
  const { main } = await import(bundle ?? './main.ts');
  process.exitCode = await main(process.argv.slice(2));
}
