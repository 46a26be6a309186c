// verify.html on a burned package: the checker script on intact and tampered content, and the
// whole page opened from the disc folder (file://) in Chromium, the folder picked as a user would.
import { webcrypto } from 'node:crypto';
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readSync, readdirSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { burnFixture, loadVerifyHtmlChecker, type BurnFixture, type VerifyHtmlFile } from './burnSupport.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ES_CHECK = loadVerifyHtmlChecker();

let f: BurnFixture | null = null;
afterEach(() => {
  f?.cleanup();
  f = null;
});

/** The folder as a browser hands it over: webkitRelativePath starts with the picked folder's name. */
function filesOf(root: string): Record<string, VerifyHtmlFile> {
  const rel = (readdirSync(root, { recursive: true }) as string[]).filter((p) => statSync(join(root, p)).isFile()).map((p) => p.split(sep).join('/'));
  const stripped = ES_CHECK.stripRoot(rel.map((p) => `DISC/${p}`));
  const out: Record<string, VerifyHtmlFile> = {};
  rel.forEach((p, i) => {
    const path = join(root, p);
    out[stripped[i]!] = {
      size: statSync(path).size,
      async slice(s, e) {
        const fd = openSync(path, 'r');
        try {
          const b = Buffer.alloc(e - s);
          readSync(fd, b, 0, e - s, s);
          return new Uint8Array(b);
        } finally {
          closeSync(fd);
        }
      },
    };
  });
  return out;
}

function flip(path: string, offset: number): void {
  const fd = openSync(path, 'r+');
  const b = Buffer.alloc(1);
  readSync(fd, b, 0, 1, offset);
  writeSync(fd, Buffer.from([b[0]! ^ 0x01]), 0, 1, offset);
  closeSync(fd);
}

async function burnToFolder(): Promise<string> {
  f = await burnFixture({ files: [{ name: 'a.MP4', bytes: 300_000 }, { name: 'b.MP4', bytes: 5_000_000 }] });
  const usb = join(f.work, 'usb');
  mkdirSync(usb);
  const job = await f.clerk.invoke('burn.wait', { jobId: (await f.clerk.invoke('burn.start', { requestId: f.requestId, target: { kind: 'dir', path: usb } })).id });
  expect(job.state).toBe('completed');
  return job.discs[0]!.media[0]!.location;
}

describe('verify.html checker on a burned package', () => {
  it('passes an intact package (signature checked with WebCrypto Ed25519); names a changed file, an extra file, a changed manifest', async () => {
    const root = await burnToFolder();
    const ok = await ES_CHECK.run(filesOf(root), { subtle: webcrypto.subtle });
    expect(ok.files.filter((x) => x.state !== 'ok')).toEqual([]);
    expect(ok.signature).toEqual({ state: 'ok', key: f!.t.station.verifierKey() });
    expect(ok.ok).toBe(true);
    // An old browser without WebCrypto: hashes still checked in JS, the signature honestly not.
    expect(await ES_CHECK.run(filesOf(root))).toMatchObject({ ok: true, signature: { state: 'unsupported' } });

    const victim = readdirSync(join(root, 'FILES')).find((n) => n.endsWith('b.MP4'))!;
    flip(join(root, 'FILES', victim), 4_000_000);
    writeFileSync(join(root, 'stray.txt'), 'x');
    const bad = await ES_CHECK.run(filesOf(root), { subtle: webcrypto.subtle });
    expect(bad.ok).toBe(false);
    expect(bad.files.filter((x) => x.state !== 'ok')).toEqual([
      expect.objectContaining({ path: `FILES/${victim}`, state: 'mismatch' }),
      expect.objectContaining({ path: 'stray.txt', state: 'unlisted' }),
    ]);
    appendFileSync(join(root, 'MANIFEST.json'), ' ');
    const forged = await ES_CHECK.run(filesOf(root), { subtle: webcrypto.subtle });
    expect(forged.files).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'MANIFEST.json', state: 'mismatch' })]));
    expect(forged.signature.state).toBe('bad');
  });

  it('refuses a folder without SHA256SUMS and reports malformed lines', async () => {
    expect(await ES_CHECK.run({})).toMatchObject({ ok: false, fatal: 'no_sums' });
    expect(ES_CHECK.parseSums(`${'a'.repeat(64)}  FILES/x\nnot a line\n`)).toEqual({ entries: [{ path: 'FILES/x', sha256: 'a'.repeat(64) }], bad: [2] });
  });
});

describe.skipIf(!existsSync(CHROMIUM))('verify.html in Chromium, opened from the disc (file://)', () => {
  it('checks every file of the picked folder, with no network; a changed byte fails naming the file', async () => {
    const root = await burnToFolder();
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
    try {
      const page = await browser.newPage();
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      const check = async () => {
        await page.goto(pathToFileURL(join(root, 'verify.html')).href);
        await page.setInputFiles('#folder', root);
        await page.waitForSelector('#verdict[data-result]', { timeout: 60_000 });
        return {
          result: await page.getAttribute('#verdict', 'data-result'),
          verdict: await page.textContent('#verdict'),
          details: await page.textContent('#details'),
          bad: await page.$$eval('#files tr[data-state]:not([data-state="ok"])', (rows) => rows.map((r) => [r.getAttribute('data-path'), r.getAttribute('data-state')])),
        };
      };
      const ok = await check();
      expect(ok.result, ok.verdict ?? '').toBe('ok');
      expect(ok.verdict).toContain('PASSED');
      expect(ok.bad).toEqual([]);
      // Chromium 137+ verifies Ed25519 in WebCrypto; older ones say it was not checked.
      expect(ok.details).toMatch(/Manifest signature valid|lacks Ed25519/);
      expect(ok.details).toContain(f!.t.station.verifierKey());

      const victim = readdirSync(join(root, 'FILES')).find((n) => n.endsWith('a.MP4'))!;
      flip(join(root, 'FILES', victim), 1000);
      const bad = await check();
      expect(bad.result).toBe('failed');
      expect(bad.verdict).toContain(`FILES/${victim}`);
      expect(bad.bad).toEqual([[`FILES/${victim}`, 'mismatch']]);
      expect(requests.every((u) => u.startsWith('file://'))).toBe(true);
    } finally {
      await browser.close();
    }
  }, 180_000);
});
