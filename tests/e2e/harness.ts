// The e2e harness: the shipped renderer build, served over loopback HTTP to Debian's Chromium,
// talking through a window.station identical in shape to the preload's to the REAL api in this
// process (real SQLite, real vault, real argon2) in a temporary data directory. Nothing is mocked.
import { createReadStream, mkdirSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { channels, events } from '../../electron/api/index.ts';
import { servePlayback, type ApiClient, type ApiServer } from '../../electron/api/server.ts';
import type { MountedVolume, PlatformDevices } from '../../electron/core/devices/ports.ts';
import { createCliI18n } from '../../electron/cli/i18n.ts';

export const repoRoot = resolve(import.meta.dirname, '..', '..');
export const rendererDir = join(repoRoot, 'out', 'renderer');
export const screenshotDir = join(repoRoot, 'test-artifacts', 'screenshots');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Builds only the renderer, with the renderer section of electron.vite.config.ts as electron-vite
 * resolves it (same plugins, base './', Electron's Chrome target, CSP meta tag): the page under
 * test is the page the app ships, and a half-edited main or preload cannot break this suite.
 */
export async function buildRenderer(): Promise<void> {
  process.env.NODE_ENV_ELECTRON_VITE = 'production';
  const { resolveConfig } = await import('electron-vite');
  const { build } = await import('vite');
  const resolved = await resolveConfig({ configFile: join(repoRoot, 'electron.vite.config.ts'), root: repoRoot, logLevel: 'warn' }, 'build', 'production');
  const renderer = resolved.config?.renderer;
  if (!renderer) throw new Error('electron.vite.config.ts has no renderer section');
  await build({ ...renderer, configFile: false, logLevel: 'warn' });
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
};

/**
 * The app's CSP allows media only from `station-media:`, the Electron playback protocol, which a
 * plain browser does not have; in e2e the same servePlayback is reached over loopback HTTP
 * (serveMedia). For the page under test only, that origin is added to media-src and img-src of the
 * built index.html's CSP <meta>; everything else in the policy is the shipped one, and the shipped
 * files are not changed.
 */
function allowMediaOrigin(html: string, origin: string): string {
  const relaxed = html.replace(/(<meta http-equiv="Content-Security-Policy" content=")([^"]*)(")/, (_m, a: string, csp: string, b: string) => {
    return a + csp.replace(/\b(media-src|img-src) /g, `$1 ${origin} `) + b;
  });
  if (relaxed === html) throw new Error('index.html carries no CSP <meta> to relax for e2e media');
  return relaxed;
}

/** A static file server for out/renderer on 127.0.0.1 and a random port. */
export async function serveStatic(dir: string, options: { mediaOrigin?: string } = {}): Promise<{ url: string; close: () => Promise<void> }> {
  const root = resolve(dir);
  const server: Server = createServer((req, res) => {
    void (async () => {
      const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
      const file = normalize(join(root, pathname === '/' ? 'index.html' : pathname));
      if (file !== root && !file.startsWith(root + sep)) {
        res.writeHead(403).end();
        return;
      }
      try {
        if (!(await stat(file)).isFile()) throw new Error('not a file');
      } catch {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-store' });
      if (options.mediaOrigin && extname(file) === '.html') res.end(allowMediaOrigin(await readFile(file, 'utf8'), options.mediaOrigin));
      else createReadStream(file).pipe(res);
    })();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

/**
 * The playback protocol over loopback HTTP: GET /media/<token> with Range, answered by the same
 * servePlayback that Electron's station-media: handler calls (decrypting vault ranges on the fly).
 * `current` returns the api server in use (the suite reopens the station between scenarios).
 */
export async function serveMedia(current: () => ApiServer): Promise<{ origin: string; url: (token: string) => string; close: () => Promise<void> }> {
  let errorsI18n: ReturnType<typeof createCliI18n> | undefined;
  const server: Server = createServer((req, res) => {
    void (async () => {
      const m = /^\/media\/([A-Za-z0-9_-]{8,200})$/.exec(new URL(req.url ?? '/', 'http://localhost').pathname);
      if (!m || (req.method !== 'GET' && req.method !== 'HEAD')) {
        res.writeHead(404).end();
        return;
      }
      const out = await servePlayback(current(), m[1]!, req.headers.range ?? null);
      if (out.error) {
        // Refused (403) or damaged (500): the reason in words and its code, never a byte of footage.
        const errors = await (errorsI18n ??= createCliI18n('zh-CN'));
        const text = errors.t(`errors:${out.error.code}`, { ...out.error.params, defaultValue: out.error.code });
        res.writeHead(out.status, { ...out.headers, 'Content-Type': 'text/plain; charset=utf-8', 'X-Station-Error': out.error.code });
        res.end(req.method === 'HEAD' ? undefined : text);
        return;
      }
      res.writeHead(out.status, out.headers);
      if (!out.body || req.method === 'HEAD') {
        res.end();
        return;
      }
      let gone = false;
      res.on('close', () => (gone = true));
      const it = out.body[Symbol.asyncIterator]();
      try {
        for (;;) {
          // The player seeks by dropping a request and asking for another range: stop reading then.
          if (gone) {
            await it.return?.();
            return;
          }
          const { value, done } = await it.next();
          if (done) break;
          if (!res.write(value)) await new Promise<void>((ok) => (res.once('drain', ok), res.once('close', ok)));
        }
        res.end();
      } catch {
        res.destroy();
      }
    })();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    url: (token) => `${origin}/media/${token}`,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

/**
 * Device ports for the real dock service with the hardware left out: a test "docks" a folder as a
 * mounted volume (optionally with the USB identity it would have), and "undocks" it again.
 */
export function fakeDevices(): { devices: PlatformDevices; dock: (volume: MountedVolume) => void; undock: (mountPoint: string) => void } {
  const mounted = new Map<string, MountedVolume>();
  let listener: { mounted(v: MountedVolume): void; unmounted(v: MountedVolume): void } | null = null;
  return {
    devices: {
      volumes: {
        current: async () => [...mounted.values()],
        watch: async (l) => {
          listener = l;
          return async () => {
            listener = null;
          };
        },
      },
      usb: { list: async () => [], watch: async () => async () => {} },
      unlockers: [],
    },
    dock: (v) => {
      mounted.set(v.mountPoint, v);
      listener?.mounted(v);
    },
    undock: (mountPoint) => {
      const v = mounted.get(mountPoint);
      mounted.delete(mountPoint);
      if (v) listener?.unmounted(v);
    },
  };
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    // Autoplay as in Electron (whose default policy needs no gesture): the player starts at once.
    args: ['--autoplay-policy=no-user-gesture-required', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export type StationPage = { page: Page; context: BrowserContext; client: ApiClient; problems: string[]; close: () => Promise<void> };

type BridgeGlobals = {
  station?: unknown;
  __stationInvoke(channel: string, payload: unknown): Promise<unknown>;
  __stationEmit?(event: string, payload: unknown): void;
};

/**
 * A window with a browser context of its own (own storage, so one person's language choice is not another's), set
 * to Beijing time so the dates the UI shows are the agency's. Closing the window closes its context.
 */
export async function openAgencyWindow(browser: Browser, server: ApiServer, url: string, language?: 'zh-CN' | 'en'): Promise<StationPage> {
  const context = await browser.newContext({ reducedMotion: 'reduce', viewport: { width: 1366, height: 860 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', acceptDownloads: true });
  const sp = await openStationPage(browser, server, url, { context, ...(language ? { language } : {}) });
  return {
    ...sp,
    close: async () => {
      await sp.close();
      await context.close();
    },
  };
}

/**
 * A browser page wired to `server` the way the preload wires a window to main: its own api client
 * (so its own session), invoke + on over the allow-listed channels and events, nothing else.
 * `language` pre-seeds the renderer's remembered choice; undefined leaves the default (zh-CN).
 */
export async function openStationPage(browser: Browser, server: ApiServer, url: string, options: { language?: 'zh-CN' | 'en'; context?: BrowserContext } = {}): Promise<StationPage> {
  // Reduced motion, as the OS setting would ask for: a click into a dialog still opening is otherwise
  // lost on a loaded machine, which is a flaky test and not a user's experience.
  const context = options.context ?? (await browser.newContext({ reducedMotion: 'reduce', viewport: { width: 1366, height: 860 }, locale: 'zh-CN', acceptDownloads: true }));
  const page = await context.newPage();
  const client = server.connect();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()} ${r.url()}`);
  });
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console.error: ${m.text()}`);
  });

  await page.exposeBinding('__stationInvoke', (_source, channel: string, payload: unknown) => client.call(channel, payload));
  const off = client.on((event, payload) => {
    page
      .evaluate(([e, p]) => (globalThis as unknown as BridgeGlobals).__stationEmit?.(e, p), [event, payload] as const)
      .catch(() => {
        // The page may be navigating or closed; an event for a page that is gone has no reader.
      });
  });
  await page.addInitScript(
    ({ channels: allowed, events: allowedEvents, language }) => {
      const g = globalThis as unknown as BridgeGlobals & { localStorage: { getItem(k: string): string | null; setItem(k: string, v: string): void } };
      if (language && g.localStorage.getItem('evidence-station.language') === null) g.localStorage.setItem('evidence-station.language', language);
      const listeners = new Map<string, Set<(payload: unknown) => void>>();
      g.__stationEmit = (event, payload) => {
        for (const cb of listeners.get(event) ?? []) cb(payload);
      };
      // Same surface and same refusals as electron/preload/bridge.ts.
      g.station = Object.freeze({
        invoke(channel: string, payload?: unknown) {
          if (!allowed.includes(channel)) return Promise.resolve({ ok: false, error: { code: 'api.unknown_command', kind: 'input', params: { channel } } });
          return g.__stationInvoke(channel, payload ?? {});
        },
        on(event: string, cb: (payload: unknown) => void) {
          if (!allowedEvents.includes(event)) throw new TypeError(`unknown station event: ${event}`);
          let set = listeners.get(event);
          if (!set) listeners.set(event, (set = new Set()));
          set.add(cb);
          return () => {
            listeners.get(event)?.delete(cb);
          };
        },
      });
    },
    { channels: [...channels] as string[], events: [...events] as string[], language: options.language ?? null },
  );
  await page.goto(url);
  return {
    page,
    context,
    client,
    problems,
    close: async () => {
      off();
      await page.close();
      if (!options.context) await context.close();
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name}.png`);
  // Let antd's motion (drawer slide, modal zoom, message fade) settle before the picture.
  await page.waitForTimeout(450);
  await page.screenshot({ path, fullPage: false });
  return path;
}

/** The text a person sees in the page right now (innerText skips hidden elements). */
export async function visibleText(page: Page): Promise<string> {
  return page.evaluate(() => (globalThis as unknown as { document: { body: { innerText: string } } }).document.body.innerText);
}

export const CJK = /[\p{Script=Han}\u3000-\u303f\uff00-\uffef]/u;
