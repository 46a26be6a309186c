import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isAllowedDownload, isAllowedRequest, isAppUrl, isTrustedSender, rendererSource, type RendererSource } from '../../electron/main/origin.ts';

const dir = '/opt/station/resources/app.asar/out/renderer';
const file: RendererSource = { kind: 'file', dir };
const dev: RendererSource = { kind: 'dev', origin: 'http://localhost:5173' };
const index = pathToFileURL(`${dir}/index.html`).href;

describe('rendererSource', () => {
  it('uses the built files unless an unpackaged app is given a dev server', () => {
    expect(rendererSource({ rendererDir: dir, devUrl: undefined, packaged: false })).toEqual(file);
    expect(rendererSource({ rendererDir: dir, devUrl: 'http://localhost:5173/', packaged: false })).toEqual(dev);
  });

  it('ignores a dev server URL in a packaged app, and anything that is not http(s)', () => {
    expect(rendererSource({ rendererDir: dir, devUrl: 'http://localhost:5173', packaged: true })).toEqual(file);
    expect(rendererSource({ rendererDir: dir, devUrl: 'file:///etc/', packaged: false })).toEqual(file);
    expect(rendererSource({ rendererDir: dir, devUrl: 'not a url', packaged: false })).toEqual(file);
  });
});

describe('isAppUrl', () => {
  it('accepts files inside the renderer folder', () => {
    expect(isAppUrl(index, file)).toBe(true);
    expect(isAppUrl(`${index}#/setup`, file)).toBe(true);
    expect(isAppUrl(`${index}?lang=en`, file)).toBe(true);
    expect(isAppUrl(pathToFileURL(`${dir}/assets/index-abc.js`).href, file)).toBe(true);
    expect(isAppUrl(`file://localhost${dir}/index.html`, file)).toBe(true);
  });

  it('refuses files elsewhere, look-alike folders, traversal and other hosts', () => {
    expect(isAppUrl('file:///etc/passwd', file)).toBe(false);
    expect(isAppUrl(pathToFileURL(`${dir}-evil/index.html`).href, file)).toBe(false);
    expect(isAppUrl(`file://${dir}/../../secret.html`, file)).toBe(false);
    expect(isAppUrl(`file://${dir}/%2e%2e/%2e%2e/secret.html`, file)).toBe(false);
    expect(isAppUrl(pathToFileURL(dir).href, file)).toBe(false);
    expect(isAppUrl(`file://evil-host${dir}/index.html`, file)).toBe(false);
    expect(isAppUrl('https://example.com/', file)).toBe(false);
    expect(isAppUrl('about:blank', file)).toBe(false);
    expect(isAppUrl('data:text/html,<script>1</script>', file)).toBe(false);
    expect(isAppUrl('', file)).toBe(false);
  });

  it('compares whole origins for a dev server', () => {
    expect(isAppUrl('http://localhost:5173/', dev)).toBe(true);
    expect(isAppUrl('http://localhost:5173/src/main.tsx', dev)).toBe(true);
    expect(isAppUrl('http://localhost:5174/', dev)).toBe(false);
    expect(isAppUrl('https://localhost:5173/', dev)).toBe(false);
    expect(isAppUrl('http://localhost:5173.evil.com/', dev)).toBe(false);
    expect(isAppUrl('http://evil.com/?http://localhost:5173', dev)).toBe(false);
    expect(isAppUrl(index, dev)).toBe(false);
  });
});

describe('isTrustedSender', () => {
  it('trusts only the top frame of our own renderer', () => {
    expect(isTrustedSender({ url: index, isTopFrame: true }, file)).toBe(true);
    expect(isTrustedSender({ url: index, isTopFrame: false }, file)).toBe(false);
    expect(isTrustedSender({ url: null, isTopFrame: true }, file)).toBe(false);
    expect(isTrustedSender({ url: 'https://example.com/', isTopFrame: true }, file)).toBe(false);
    expect(isTrustedSender({ url: 'file:///tmp/evil.html', isTopFrame: true }, file)).toBe(false);
    expect(isTrustedSender({ url: 'http://localhost:5173/', isTopFrame: true }, dev)).toBe(true);
    expect(isTrustedSender({ url: 'http://localhost:5173/', isTopFrame: false }, dev)).toBe(false);
  });
});

describe('isAllowedRequest', () => {
  it('lets no network request out of a production app', () => {
    expect(isAllowedRequest('https://example.com/x.js', file)).toBe(false);
    expect(isAllowedRequest('http://localhost:5173/', file)).toBe(false);
    expect(isAllowedRequest('ws://localhost:5173/', file)).toBe(false);
    expect(isAllowedRequest('ftp://example.com/', file)).toBe(false);
    expect(isAllowedRequest('not a url', file)).toBe(false);
  });

  it('lets a dev app reach only its dev server and its HMR socket', () => {
    expect(isAllowedRequest('http://localhost:5173/@vite/client', dev)).toBe(true);
    expect(isAllowedRequest('ws://localhost:5173/', dev)).toBe(true);
    expect(isAllowedRequest('wss://localhost:5173/', dev)).toBe(false);
    expect(isAllowedRequest('https://fonts.googleapis.com/css', dev)).toBe(false);
    expect(isAllowedRequest('ws://evil.com:5173/', dev)).toBe(false);
  });

  it('leaves local schemes to the CSP', () => {
    expect(isAllowedRequest(index, file)).toBe(true);
    expect(isAllowedRequest('blob:file:///abc', file)).toBe(true);
    expect(isAllowedRequest('devtools://devtools/bundled/inspector.html', file)).toBe(true);
  });
});

describe('isAllowedDownload', () => {
  it('accepts only files the page built itself', () => {
    expect(isAllowedDownload('blob:file:///4f0c-…')).toBe(true);
    expect(isAllowedDownload('data:application/json;base64,e30=')).toBe(true);
    expect(isAllowedDownload('https://example.com/malware.exe')).toBe(false);
    expect(isAllowedDownload(index)).toBe(false);
  });
});
