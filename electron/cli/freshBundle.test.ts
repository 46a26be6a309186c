// The prebuilt CLI bundle (issue 16, target 9) must never run once a source it was built from has changed:
// other people edit and merge sources all day, and `station` must run what is in the checkout.
import { mkdirSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { freshBundle } from './freshBundle.mjs';

const roots: string[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

function checkout(): string {
  const root = mkdtempSync(join(tmpdir(), 'station-bundle-'));
  roots.push(root);
  mkdirSync(join(root, 'electron', 'cli'), { recursive: true });
  mkdirSync(join(root, 'out', 'cli'), { recursive: true });
  for (const f of ['electron/cli/main.ts', 'electron/cli/other.ts']) writeFileSync(join(root, f), `export const x = ${JSON.stringify(f)};\n`);
  writeFileSync(join(root, 'out/cli/main.mjs'), 'export async function main() { return 0; }\n');
  const files = ['electron/cli/main.ts', 'electron/cli/other.ts'].map((path) => {
    const s = statSync(join(root, path));
    return { path, size: s.size, mtimeMs: s.mtimeMs };
  });
  writeFileSync(join(root, 'out/cli/manifest.json'), JSON.stringify({ entry: 'main.mjs', files }));
  return root;
}

describe('the CLI bundle is used only while it matches the sources', () => {
  it('is used when every source is the one it was built from', () => {
    const root = checkout();
    expect(freshBundle(root, {})).toBe(pathToFileURL(join(root, 'out/cli/main.mjs')).href);
  });

  it('is not used when a source was edited, touched, removed, or the manifest is missing or forced off', () => {
    const edited = checkout();
    appendFileSync(join(edited, 'electron/cli/other.ts'), '// more\n');
    expect(freshBundle(edited, {})).toBeNull();

    const touched = checkout();
    const later = new Date(Date.now() + 5_000);
    utimesSync(join(touched, 'electron/cli/main.ts'), later, later);
    expect(freshBundle(touched, {})).toBeNull();

    const removed = checkout();
    rmSync(join(removed, 'electron/cli/other.ts'));
    expect(freshBundle(removed, {})).toBeNull();

    const unbuilt = checkout();
    rmSync(join(unbuilt, 'out/cli/manifest.json'));
    expect(freshBundle(unbuilt, {})).toBeNull();

    expect(freshBundle(checkout(), { STATION_CLI_SOURCE: '1' })).toBeNull();
  });
});
