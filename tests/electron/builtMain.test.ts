// Checks on the built app (out/, from `npx electron-vite build`), skipped when it has not been
// built. The run uses fixtures/fake-electron.mjs in place of Electron, which the build machines
// cannot download; the station underneath is real, so this proves the bundle finds its SQL
// migrations, its preload and its renderer where they were put.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CSP } from '../../electron/main/security.ts';

const mainBundle = fileURLToPath(new URL('../../out/main/index.js', import.meta.url));

/** Newest modification time of the files the main bundle is built from. */
function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || entry.name.endsWith('.test.ts') || entry.name.endsWith('.md')) continue;
    newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

// A stale out/ would test yesterday's code (or miss today's migration), so these checks run only
// on a build at least as new as electron/ and resources/locales.
const skipReason = !existsSync(mainBundle)
  ? 'out/main/index.js is missing: run `npx electron-vite build` first'
  : statSync(mainBundle).mtimeMs < Math.max(newestSource(fileURLToPath(new URL('../../electron/', import.meta.url))), newestSource(fileURLToPath(new URL('../../resources/locales/', import.meta.url))))
    ? 'out/ is older than electron/: run `npx electron-vite build` first'
    : null;

describe.skipIf(skipReason !== null)(`built main bundle${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  it('keeps native modules and dependencies external', () => {
    const code = readFileSync(mainBundle, 'utf8');
    const imports = new Set([...code.matchAll(/^import\s[^;]*?from\s+"([^"]+)";?$/gm)].map((m) => m[1]));
    expect(imports).toContain('better-sqlite3');
    expect(imports).toContain('@node-rs/argon2');
    expect(imports).toContain('electron');
    // The one file beside index.js by design: the ledger's range verifier, which worker threads load by URL.
    const besideIndex = new Set(['./verifyRange.js']);
    for (const specifier of imports) if (!besideIndex.has(specifier!)) expect(specifier, 'no relative chunk imports: migrations resolve next to index.js').not.toMatch(/^\./);
    // What inlining better-sqlite3 or argon2 would bring along: their native-binding loaders.
    expect(code).not.toMatch(/better_sqlite3\.node|require\(["']bindings["']\)|argon2\.[a-z0-9-]+\.node/);
    // usb and koffi are loaded lazily (only where the platform needs them): dynamic imports, still external.
    const dynamic = new Set([...code.matchAll(/\bimport\("([^"]+)"\)/g)].map((m) => m[1]!.split('/')[0]));
    for (const native of ['usb', 'koffi']) {
      // Only a module reference counts: the string 'usb' also names a media profile in the disc code.
      if (new RegExp(`(?:from|require\\(|import\\()\\s*["']${native}[/"']`).test(code)) {
        expect(imports.has(native) || dynamic.has(native), `${native} must stay external`).toBe(true);
      }
    }
    expect(code).not.toMatch(/node-gyp-build|koffi_[a-z0-9_]+\.node/);
  });

  it('ships the SQL migrations next to the bundle', () => {
    const sources = readdirNames(new URL('../../electron/core/db/migrations/', import.meta.url));
    expect(sources.length).toBeGreaterThan(0);
    expect(readdirNames(new URL('../../out/main/migrations/', import.meta.url))).toEqual(sources);
  });

  it('starts, serves station:invoke from its renderer only, and initializes a station', () => {
    const dir = mkdtempSync(join(tmpdir(), 'station-built-main-'));
    try {
      const dataDir = join(dir, 'data');
      const runner = fileURLToPath(new URL('fixtures/run-built-main.mjs', import.meta.url));
      const stdout = execFileSync(process.execPath, [runner, mainBundle, dataDir, join(dir, 'appData')], { encoding: 'utf8', timeout: 60_000 });
      const report = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
      expect(report.paths).toEqual({ userData: dataDir, sessionData: join(dataDir, 'session'), logs: join(dataDir, 'logs'), crashDumps: join(dataDir, 'crashes') });
      expect(report.crashReporter).toEqual({ uploadToServer: false });
      expect(report.sandboxEnabled).toBe(true);
      expect(report.singleInstanceLock).toBe(true);
      expect(report.ipcHandlers).toEqual(['station:invoke']);
      expect(report.ipcListeners).toEqual([]);
      expect(report.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
      expect(report.preloadExists).toBe(true);
      expect(report.rendererIndex).toBe(fileURLToPath(new URL('../../out/renderer/index.html', import.meta.url)));
      expect(report.menu).toEqual(['&File', '&Edit', '&View', '&Help']);
      expect(report.before).toMatchObject({ ok: true, value: { initialized: false } });
      expect(report.init).toMatchObject({ ok: true, value: { publicKey: expect.any(String) } });
      expect(report.after).toMatchObject({ ok: true, value: { initialized: true, unlocked: true, ledgerSize: expect.any(Number) } });
      expect(report.untrusted).toEqual({ ok: false, error: { code: 'ipc.untrusted_sender', kind: 'denied', params: {} } });
      expect(report.subframe).toEqual(report.untrusted);
      expect(report.unknown).toMatchObject({ ok: false, error: { code: 'api.unknown_command' } });
      expect(report.trayTooltip).toBe('Evidence Station — unlocked');
      expect(report.permissionRequest).toBe(false);
      expect(report.permissionCheck).toBe(false);
      expect(report.remoteRequest).toEqual({ cancel: true });
      expect(report.privilegedSchemes).toEqual([{ scheme: 'station-media', privileges: { standard: true, secure: true, stream: true, supportFetchAPI: true } }]);
      expect(report.protocolHandlers).toEqual(['station-media']);
      // An unknown or ended playback session is refused outright (playback re-checks its grounds on every range).
      expect(report.unknownTokenStatus).toBe(403);
      expect(report.protocolHandlersAfterQuit).toEqual([]);
      expect(report.headers).toEqual({ responseHeaders: { 'Content-Security-Policy': [CSP] } });
      expect(report.windowOpen).toEqual({ action: 'deny' });
      expect(report.navigationPrevented).toBe(true);
      expect(report.trayDestroyedOnQuit).toBe(true);
      expect(report.logMentionsStart).toBe(true);
      expect(report.errors).toEqual([]);
      expect(report.exitCode).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function readdirNames(url: URL): string[] {
  return existsSync(url) ? readdirSync(url).filter((f) => f.endsWith('.sql')).sort() : [];
}
