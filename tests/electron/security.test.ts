import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CSP, CSP_DIRECTIVES, CSP_META_TAG, permissionAllowed, windowOptions, withCsp } from '../../electron/main/security.ts';

const repo = new URL('../../', import.meta.url);

describe('windowOptions', () => {
  const options = windowOptions({ preloadPath: '/app/out/preload/index.cjs' });
  const prefs = options.webPreferences ?? {};

  it('isolates and sandboxes the renderer', () => {
    expect(prefs.preload).toBe('/app/out/preload/index.cjs');
    expect(prefs.contextIsolation).toBe(true);
    expect(prefs.sandbox).toBe(true);
    expect(prefs.nodeIntegration).toBe(false);
    expect(prefs.nodeIntegrationInWorker).toBe(false);
    expect(prefs.nodeIntegrationInSubFrames).toBe(false);
    expect(prefs.webSecurity).toBe(true);
    expect(prefs.allowRunningInsecureContent).toBe(false);
    expect(prefs.webviewTag).toBe(false);
    expect(prefs.experimentalFeatures).toBe(false);
    expect(prefs.navigateOnDragDrop).toBe(false);
  });

  it('fetches nothing remote and keeps DevTools off unless asked', () => {
    expect(prefs.spellcheck).toBe(false);
    expect(prefs.devTools).toBe(false);
    expect(windowOptions({ preloadPath: 'p', devTools: true }).webPreferences?.devTools).toBe(true);
  });

  it('waits for ready-to-show', () => {
    expect(options.show).toBe(false);
  });
});

describe('CSP', () => {
  const directives = new Map(CSP.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...sources]) => [name, sources]));

  it('has exactly the agreed directives', () => {
    expect(Object.fromEntries(directives)).toEqual({
      'default-src': ["'self'"],
      'script-src': ["'self'"],
      'style-src': ["'self'", "'unsafe-inline'"],
      'img-src': ["'self'", 'data:', 'blob:'],
      'media-src': ["'self'", 'blob:', 'station-media:'],
      'font-src': ["'self'", 'data:'],
      'connect-src': ["'self'"],
      'object-src': ["'none'"],
      'base-uri': ["'none'"],
      'frame-src': ["'none'"],
      'form-action': ["'none'"],
    });
    expect(Object.keys(CSP_DIRECTIVES)).toEqual([...directives.keys()]);
  });

  it('never allows eval, inline scripts or remote hosts', () => {
    expect(CSP).not.toContain('unsafe-eval');
    expect(CSP).not.toContain('wasm-unsafe-eval');
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(CSP).not.toMatch(/https?:|\*|ws:/);
  });

  it('replaces any CSP header the response carried, whatever its case', () => {
    const headers = withCsp({ 'content-security-policy': ["default-src *"], 'Content-Type': 'text/html', 'CONTENT-SECURITY-POLICY': ['x'] });
    expect(headers).toEqual({ 'Content-Type': ['text/html'], 'Content-Security-Policy': [CSP] });
    expect(withCsp(undefined)).toEqual({ 'Content-Security-Policy': [CSP] });
  });

  const html = new URL('renderer/index.html', repo);
  it.skipIf(!existsSync(html))('is also in the renderer index.html (webRequest never sees file:// loads)', () => {
    const text = readFileSync(html, 'utf8');
    const meta = /<meta\s+http-equiv=["']Content-Security-Policy["']\s+content=["']([^"']+)["']/i.exec(text);
    expect(meta?.[1], `renderer/index.html needs ${CSP_META_TAG}`).toBe(CSP);
  });
});

describe('permissions', () => {
  it('refuses every permission', () => {
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'clipboard-sanitized-write', 'fullscreen', 'openExternal', 'usb', 'hid', 'serial', 'unknown']) {
      expect(permissionAllowed(p)).toBe(false);
    }
  });
});
