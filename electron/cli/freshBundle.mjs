// Which code `station` runs: the prebuilt bundle (out/cli, made by `npm run build`, see bundle.ts) only while every
// module it was built from is still the same file — same size, same modification time — else the sources. Other
// people edit and merge the sources all day; a command must never run code older than what is in the checkout.
// Plain JavaScript: this runs before anything can compile TypeScript.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The bundle's entry URL if it is up to date with the sources under root, else null. STATION_CLI_SOURCE=1 forces the sources. */
export function freshBundle(root, env = process.env) {
  if (env.STATION_CLI_SOURCE === '1') return null;
  const dir = join(root, 'out', 'cli');
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  } catch {
    return null;
  }
  if (!manifest || typeof manifest.entry !== 'string' || !Array.isArray(manifest.files) || manifest.files.length === 0) return null;
  for (const file of manifest.files) {
    let now;
    try {
      now = statSync(join(root, file.path));
    } catch {
      return null;
    }
    if (now.size !== file.size || now.mtimeMs !== file.mtimeMs) return null;
  }
  return pathToFileURL(join(dir, manifest.entry)).href;
}
