// `npm start`: build with electron-vite, then run the built app in Electron if this machine has
// the Electron binary. Build machines cannot download it (ELECTRON_SKIP_BINARY_DOWNLOAD=1), so
// there the build still runs, one line says why nothing opens, and the exit code is 0.
// Run by Node directly (native type stripping), never bundled: `node electron/main/launch.ts`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const mainBundle = join(root, 'out', 'main', 'index.js');

/** The Electron executable, or null with the reason it is unusable. */
export function findElectronBinary(load: NodeJS.Require = createRequire(import.meta.url)): { path: string } | { path: null; reason: string } {
  let path: unknown;
  try {
    // The electron package exports the binary's path and throws when the download was skipped;
    // its own message ("delete node_modules/electron and reinstall") would send people astray.
    path = load('electron');
  } catch {
    try {
      return { path: null, reason: join(dirname(load.resolve('electron/package.json')), 'dist') };
    } catch {
      return { path: null, reason: 'node_modules/electron' };
    }
  }
  if (typeof path !== 'string') return { path: null, reason: 'the electron package did not return a path' };
  if (!existsSync(path)) return { path: null, reason: path };
  return { path };
}

export function binaryMissingMessage(reason: string): string {
  return (
    `未找到 Electron 可执行文件（${reason}），本机也无法下载，已只完成构建（out/）；请在能访问 Electron 下载地址（或设置 ELECTRON_MIRROR 指向可用镜像）的机器上再次运行 npm start，它会自动下载。` +
    ` Electron binary not found (${reason}) and this machine cannot download it, so the app was only built (out/); run \`npm start\` again on a machine that can reach Electron's downloads (or set ELECTRON_MIRROR to a reachable mirror) and it fetches the binary itself.`
  );
}

/**
 * The install step skips Electron's download (ELECTRON_SKIP_BINARY_DOWNLOAD=1 in the README's
 * command) so that installing works on machines without access to it; `npm start` then fetches
 * the binary where it can. Returns whether the electron package's own installer succeeded.
 */
function fetchElectronBinary(load: NodeJS.Require): boolean {
  let installer: string;
  try {
    installer = join(dirname(load.resolve('electron/package.json')), 'install.js');
  } catch {
    return false;
  }
  const env = { ...process.env };
  delete env.ELECTRON_SKIP_BINARY_DOWNLOAD;
  const r = spawnSync(process.execPath, [installer], { env, stdio: ['ignore', 'ignore', 'pipe'], timeout: 10 * 60_000 });
  return r.status === 0;
}

/**
 * What to hand Electron: the project folder when package.json's "main" is the built bundle, so
 * Electron takes the app's name and version from package.json; else the bundle itself.
 */
export function appArgument(projectRoot: string): string {
  try {
    const pkg = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { main?: string };
    if (pkg.main && resolve(projectRoot, pkg.main) === resolve(projectRoot, 'out', 'main', 'index.js')) return projectRoot;
  } catch {
    // no package.json: fall through
  }
  return join(projectRoot, 'out', 'main', 'index.js');
}

function run(args: string[]): void {
  const require = createRequire(import.meta.url);
  const electronVite = join(dirname(require.resolve('electron-vite/package.json')), 'bin', 'electron-vite.js');
  const build = spawnSync(process.execPath, [electronVite, 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
  if (!existsSync(mainBundle)) {
    console.error(`electron-vite build produced no ${mainBundle}`);
    process.exit(1);
  }

  let binary = findElectronBinary();
  if (binary.path === null && fetchElectronBinary(require)) binary = findElectronBinary(createRequire(import.meta.url));
  if (binary.path === null) {
    console.log(binaryMissingMessage(binary.reason));
    process.exit(0);
  }

  const env = { ...process.env };
  // Inherited from a parent that runs Electron as Node (some editors do), it would make the
  // binary a plain Node and the "app" a script.
  delete env.ELECTRON_RUN_AS_NODE;
  // The built renderer, not a stale dev server left in the environment.
  delete env.ELECTRON_RENDERER_URL;
  const child = spawn(binary.path, [appArgument(root), ...args], { cwd: root, stdio: 'inherit', env });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) run(process.argv.slice(2));
