// `npm run build` also bundles the CLI (issue 16, target 9): Node stripping the types of a few hundred TypeScript
// files costs most of a second at every `station` command; one prebuilt file starts in a fraction of that.
//
// The bundle is only ever used while it is exactly the sources it was built from: out/cli/manifest.json lists every
// module that went into it with its size and mtime, and station.mjs (freshBundle.mjs) runs the sources themselves as
// soon as one of them differs or is gone. Files read at run time (migrations, locales, naming rules, resources) are
// read from their source folders, as from the sources: each module's import.meta.url is rewritten to the URL of its
// own source file, relative to the bundle so that a moved checkout still finds them.
import { rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { rolldown, type Plugin } from 'rolldown';

const root = resolve(fileURLToPath(new URL('../../', import.meta.url)));
const outDir = resolve(root, 'out/cli');
const entry = resolve(root, 'electron/cli/main.ts');

const NATIVE = ['better-sqlite3', '@node-rs/argon2', 'usb', 'koffi'];

function sourceUrls(): Plugin {
  return {
    name: 'station:source-import-meta-url',
    transform(code, id) {
      if (!code.includes('import.meta.url') || !isAbsolute(id) || id.includes('/node_modules/')) return null;
      const fromBundle = relative(outDir, id).split('\\').join('/');
      return { code: code.replaceAll('import.meta.url', `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`), map: null };
    },
  };
}

export async function bundleCli(): Promise<{ modules: number }> {
  rmSync(outDir, { recursive: true, force: true });
  // A source saved while the bundle was being built may or may not be in it: such a bundle gets no manifest, and
  // without one station.mjs runs the sources.
  const started = Date.now();
  const build = await rolldown({
    input: { main: entry },
    platform: 'node',
    // Native packages are loaded from where npm put them; plain JavaScript ones (zod, i18next, the S3 client) are
    // bundled, as loading them file by file is most of what is left of the start-up.
    external: (id) => NATIVE.some((name) => id === name || id.startsWith(`${name}/`)),
    plugins: [sourceUrls()],
    logLevel: 'warn',
  });
  const { output } = await build.write({ dir: outDir, format: 'esm', entryFileNames: '[name].mjs', chunkFileNames: '[name]-[hash].mjs' });
  await build.close();
  const modules = new Set<string>();
  for (const chunk of output) if (chunk.type === 'chunk') for (const id of Object.keys(chunk.modules)) if (isAbsolute(id)) modules.add(id);
  const files = [...modules].sort().map((id) => {
    const s = statSync(id);
    return { path: relative(root, id).split('\\').join('/'), size: s.size, mtimeMs: s.mtimeMs };
  });
  const changed = files.find((f) => f.mtimeMs >= started);
  if (changed) throw new Error(`${changed.path} changed while the CLI was being bundled: run the build again`);
  writeFileSync(resolve(outDir, 'manifest.json'), `${JSON.stringify({ entry: 'main.mjs', files }, null, 1)}\n`);
  return { modules: files.length };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const { modules } = await bundleCli();
  process.stdout.write(`out/cli/main.mjs: ${modules} modules from ${relative(process.cwd(), dirname(entry)) || '.'}\n`);
}
