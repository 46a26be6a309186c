import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CSP_META_PLUGIN, cspMetaTag } from '../../electron/main/buildPlugins.ts';
import { CSP, CSP_DIRECTIVES, CSP_META_TAG, permissionAllowed, windowOptions, withCsp } from '../../electron/main/security.ts';
import config from '../../electron.vite.config.ts';

const repo = new URL('../../', import.meta.url);
const CSP_META = /<meta\s+http-equiv=["']Content-Security-Policy["']\s+content="([^"]*)"/i;

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
      'img-src': ["'self'", 'data:', 'blob:', 'station-media:'],
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

  it('reaches file:// pages as a <meta> tag: the renderer build runs the csp-meta plugin', () => {
    // webRequest (and so the header main sets) never sees file:// loads, which is how the app
    // loads its UI; the built index.html must carry the policy itself.
    const renderer = (config as { renderer?: { plugins?: unknown[] } }).renderer;
    const names = (renderer?.plugins ?? []).flat(Infinity).map((p) => (p as { name?: string } | null)?.name);
    const source = new URL('renderer/index.html', repo);
    const inSource = existsSync(source) && CSP_META.exec(readFileSync(source, 'utf8'))?.[1] === CSP;
    expect(inSource || names.includes(CSP_META_PLUGIN), 'add cspMetaTag() from electron/main/buildPlugins.ts to the renderer plugins in electron.vite.config.ts').toBe(true);
  });

  it('the plugin writes exactly main\'s policy into the page head, and refuses a different one', () => {
    const transform = cspMetaTag().transformIndexHtml as { handler: (html: string) => string };
    const html = transform.handler('<!doctype html><html><head><title>x</title></head><body></body></html>');
    expect(html).toContain(`<head>\n    ${CSP_META_TAG}`);
    expect(CSP_META.exec(html)?.[1]).toBe(CSP);
    expect(transform.handler(html)).toBe(html);
    const withCharset = transform.handler('<html><head>\n    <meta charset="UTF-8" />\n    <title>x</title></head></html>');
    expect(withCharset).toContain(`<meta charset="UTF-8" />\n    ${CSP_META_TAG}\n    <title>`);
    expect(() => transform.handler('<head><meta http-equiv="Content-Security-Policy" content="default-src *"></head>')).toThrow(/different CSP/);
  });

  const built = new URL('out/renderer/index.html', repo);
  it.skipIf(!existsSync(built))('is in the built renderer index.html', () => {
    const text = readFileSync(built, 'utf8');
    expect(CSP_META.exec(text)?.[1]).toBe(CSP);
  });
});

describe('permissions', () => {
  it('refuses every permission', () => {
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'clipboard-sanitized-write', 'fullscreen', 'openExternal', 'usb', 'hid', 'serial', 'unknown']) {
      expect(permissionAllowed(p)).toBe(false);
    }
  });
});
