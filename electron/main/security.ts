// Pure security policy of the desktop app: the CSP, the window's webPreferences and the
// permission verdicts. No runtime Electron import, so unit tests assert them without the binary.
import type { BrowserWindowConstructorOptions } from 'electron';

/**
 * The renderer's Content-Security-Policy. Main sets it as a response header, and the renderer's
 * index.html carries the same string in a <meta http-equiv> because Electron's webRequest never
 * sees file:// loads, which is how the packaged app loads its UI.
 */
export const CSP_DIRECTIVES: Readonly<Record<string, readonly string[]>> = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  // antd 6 styles components with CSS-in-JS: it injects <style> elements at runtime, which a CSP
  // without 'unsafe-inline' for styles would block. Inline *styles* cannot run code; scripts stay
  // 'self' only, which is what keeps injected markup from executing.
  'style-src': ["'self'", "'unsafe-inline'"],
  // data:/blob: for images the UI builds itself (QR codes, thumbnails decrypted in memory);
  // station-media: for photos in the in-app player (the same playback protocol as below).
  'img-src': ["'self'", 'data:', 'blob:', 'station-media:'],
  // station-media: is the playback protocol that decrypts vault ranges on the fly, so plaintext
  // footage never touches disk (README.md Architecture, the vault).
  'media-src': ["'self'", 'blob:', 'station-media:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'frame-src': ["'none'"],
  'form-action': ["'none'"],
};

export const CSP = Object.entries(CSP_DIRECTIVES)
  .map(([directive, sources]) => `${directive} ${sources.join(' ')}`)
  .join('; ');

/** The exact tag the renderer's index.html must carry (tests/electron checks it). */
export const CSP_META_TAG = `<meta http-equiv="Content-Security-Policy" content="${CSP}" />`;

/** Response headers with our CSP replacing whatever the server sent (any letter case). */
export function withCsp(headers: Record<string, string[] | string> | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() === 'content-security-policy') continue;
    out[name] = Array.isArray(value) ? value : [value];
  }
  out['Content-Security-Policy'] = [CSP];
  return out;
}

export type WindowOptionsInput = {
  preloadPath: string;
  title?: string;
  icon?: BrowserWindowConstructorOptions['icon'];
  /** DevTools only in unpackaged builds: on a station they would bypass every role check in the UI. */
  devTools?: boolean;
};

export function windowOptions(input: WindowOptionsInput): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 800,
    minWidth: 1024,
    minHeight: 640,
    // Shown on ready-to-show, so the officer never sees an empty white frame.
    show: false,
    backgroundColor: '#f5f5f5',
    title: input.title ?? '证据室记录管理工作站',
    ...(input.icon ? { icon: input.icon } : {}),
    webPreferences: {
      preload: input.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      // Chromium's spellchecker downloads dictionaries from Google: no remote content, ever.
      spellcheck: false,
      safeDialogs: true,
      devTools: input.devTools ?? false,
    },
  };
}

/**
 * Every web permission is refused. The UI needs none of them (clipboard writes go through
 * document.execCommand, which needs no permission), and each one is a way out of the sandbox.
 * Playback fullscreen, if wanted later, is the one to reconsider here.
 */
export function permissionAllowed(_permission: string): boolean {
  return false;
}
