// The QR encoder is checked the only way that matters: an independent decoder (zbarimg, from
// zbar-tools) must read back exactly what was encoded, for every version the encoder produces.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeQr, qrSvg } from './qr.ts';
import { labelQrText } from './printables.ts';

const zbar = spawnSync('sh', ['-c', 'command -v zbarimg']).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'qr-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A greyscale PNG of the symbol: 6 px per module, the 4-module quiet zone. */
function png(modules: boolean[][]): Buffer {
  const scale = 6;
  const quiet = 4;
  const size = (modules.length + quiet * 2) * scale;
  const rows: Buffer[] = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(size + 1, 0xff);
    row[0] = 0; // filter: none
    const r = Math.floor(y / scale) - quiet;
    for (let x = 0; x < size; x++) {
      const c = Math.floor(x / scale) - quiet;
      if (r >= 0 && c >= 0 && r < modules.length && c < modules.length && modules[r]![c]) row[x + 1] = 0;
    }
    rows.push(row);
  }
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}

function decode(text: string): { version: number; decoded: string } {
  const qr = encodeQr(text);
  const file = join(dir, `v${qr.version}-${text.length}.png`);
  writeFileSync(file, png(qr.modules));
  const r = spawnSync('zbarimg', ['--quiet', '--raw', '-Sdisable', '-Sqrcode.enable', file], { encoding: 'utf8' });
  return { version: qr.version, decoded: r.stdout.replace(/\n$/, '') };
}

describe('QR encoder (byte mode, level M)', () => {
  it('picks the smallest version and refuses what does not fit', () => {
    expect(encodeQr('a'.repeat(14)).version).toBe(1);
    expect(encodeQr('a'.repeat(15)).version).toBe(2);
    expect(encodeQr(labelQrText('ab'.repeat(32))).version).toBe(5);
    expect(encodeQr('a'.repeat(213)).version).toBe(10);
    expect(() => encodeQr('a'.repeat(214))).toThrow(RangeError);
    expect(qrSvg('x')).toMatch(/^<svg [^>]*viewBox="0 0 29 29"/);
  });

  it.skipIf(!zbar)('zbarimg decodes what it encoded, versions 1–10, including the label text and UTF-8', () => {
    const hash = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
    const texts = [
      'A',
      labelQrText(hash),
      '证据光盘 RQ-000123 第1张/共2张',
      ...[14, 26, 42, 62, 84, 106, 122, 152, 180, 213].map((n, i) => `${i}`.repeat(1) + 'x'.repeat(n - 1)),
    ];
    const versions = new Set<number>();
    for (const text of texts) {
      const { version, decoded } = decode(text);
      versions.add(version);
      expect(decoded, `version ${version}, ${text.length} chars`).toBe(text);
    }
    expect([...versions].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });
});
