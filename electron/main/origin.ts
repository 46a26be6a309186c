// Which URLs are "the app": the one test every navigation, request and IPC sender must pass.
// Pure functions over URL strings, so the rules are unit-tested without Electron.
import { isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the renderer comes from: the built files (packaged and `npm start`), or a dev server. */
export type RendererSource = { kind: 'file'; dir: string } | { kind: 'dev'; origin: string };

/**
 * A dev server URL is honoured only in an unpackaged app: a packaged station that loaded its UI
 * from an environment variable would run whatever page that variable names, with the bridge.
 */
export function rendererSource(options: { rendererDir: string; devUrl: string | undefined; packaged: boolean }): RendererSource {
  if (!options.packaged && options.devUrl) {
    const url = safeUrl(options.devUrl);
    if (url && (url.protocol === 'http:' || url.protocol === 'https:')) return { kind: 'dev', origin: url.origin };
  }
  return { kind: 'file', dir: resolve(options.rendererDir) };
}

function safeUrl(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

/** True when url is a page or resource of our own renderer. */
export function isAppUrl(url: string, source: RendererSource): boolean {
  const parsed = safeUrl(url);
  if (!parsed) return false;
  if (source.kind === 'dev') return parsed.origin === source.origin;
  if (parsed.protocol !== 'file:') return false;
  // file:// has an opaque origin, so "same origin" means "inside the renderer folder"; a UNC host
  // (file://server/share) is another machine and never ours.
  if (parsed.host !== '' && parsed.host !== 'localhost') return false;
  let path: string;
  try {
    path = fileURLToPath(parsed);
  } catch {
    return false;
  }
  const rel = relative(source.dir, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

export type SenderInfo = {
  /** event.senderFrame?.url; null when the frame is already gone. */
  url: string | null;
  /** event.senderFrame.parent === null */
  isTopFrame: boolean;
};

/**
 * Only the top frame of our own renderer may call the station. The CSP forbids frames, but this
 * check does not depend on the CSP holding.
 */
export function isTrustedSender(sender: SenderInfo, source: RendererSource): boolean {
  return sender.url !== null && sender.isTopFrame && isAppUrl(sender.url, source);
}

/**
 * Network requests the session lets through: in production none (the UI is file://), in
 * development only the dev server (its modules and its HMR socket). Local schemes (file:, blob:,
 * data:, station-media:) are not network traffic; the CSP and isAppUrl govern those.
 */
export function isAllowedRequest(url: string, source: RendererSource): boolean {
  const parsed = safeUrl(url);
  if (!parsed) return false;
  if (parsed.protocol === 'http:' || parsed.protocol === 'https:') {
    return source.kind === 'dev' && parsed.origin === source.origin;
  }
  if (parsed.protocol === 'ws:' || parsed.protocol === 'wss:') {
    if (source.kind !== 'dev') return false;
    const dev = new URL(source.origin);
    return parsed.host === dev.host && parsed.protocol === (dev.protocol === 'https:' ? 'wss:' : 'ws:');
  }
  return parsed.protocol !== 'ftp:';
}

/** The renderer saves files it built itself (checkpoints, reports) as Blob downloads; nothing else. */
export function isAllowedDownload(url: string): boolean {
  return url.startsWith('blob:') || url.startsWith('data:');
}
