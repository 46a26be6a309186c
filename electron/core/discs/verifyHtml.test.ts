// verify.html, the offline checker on every disc: its scripts are taken out of the page and run
// here in a bare context (no Node, no DOM): the pure-JS incremental SHA-256 against Node's and
// WebCrypto's. tests/integration/burnVerifyHtml.test.ts runs the checker on burned packages and
// the whole page in Chromium.
import { createHash, randomBytes, webcrypto } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';

const page = readFileSync(fileURLToPath(new URL('../../../resources/templates/verify.html', import.meta.url)), 'utf8');

function script(id: string): string {
  const m = new RegExp(`<script id="${id}">([\\s\\S]*?)</script>`).exec(page);
  if (!m) throw new Error(`no script ${id}`);
  return m[1]!;
}

type Sha = { update(b: Uint8Array): Sha; digest(): Uint8Array };
function load(): { ES_SHA256: { Sha256: new () => Sha; hex(b: Uint8Array): string } } {
  // A bare context: no Node, no DOM — only what every browser also has.
  const context = vm.createContext({ TextDecoder, TextEncoder, atob, Uint8Array, Int32Array, Math, JSON, Object, Array, Promise });
  vm.runInContext(`${script('es-sha256')}\n${script('es-check')}\n${script('es-ui')}\nthis.ES_SHA256 = ES_SHA256; this.ES_CHECK = ES_CHECK;`, context);
  return context as never;
}

const { ES_SHA256 } = load();
const jsSha = (chunks: Uint8Array[]) => {
  const h = new ES_SHA256.Sha256();
  for (const c of chunks) h.update(c);
  return ES_SHA256.hex(h.digest());
};

describe('verify.html: the incremental SHA-256', () => {
  it('matches Node and WebCrypto at every padding boundary and in odd slices', async () => {
    for (const n of [0, 1, 3, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 1000, 65_537, (1 << 20) + 3]) {
      const data = randomBytes(n);
      const want = createHash('sha256').update(data).digest('hex');
      expect(jsSha([data]), `length ${n}`).toBe(want);
      const web = Buffer.from(await webcrypto.subtle.digest('SHA-256', data)).toString('hex');
      expect(web).toBe(want);
      // Fed in uneven slices, as a file is read in 4 MiB (and odd) pieces.
      const slices: Uint8Array[] = [];
      for (let i = 0, step = 1; i < n; i += step, step = (step * 7 + 3) % 97 || 1) slices.push(data.subarray(i, Math.min(n, i + step)));
      expect(jsSha(slices), `sliced ${n}`).toBe(want);
    }
    expect(jsSha([Buffer.from('abc')])).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
