import { describe, expect, it } from 'vitest';
import { buildJpeg } from '../../../tests/fixtures/mediaFixtures.ts';
import { countingReader, mutations } from '../../../tests/fixtures/readerSupport.ts';
import { bufferReader } from './fileReader.ts';
import { parseExifDateTime, readJpeg } from './jpeg.ts';
import type { JpegInfo, JpegResult } from './jpeg.ts';

const read = (b: Buffer): Promise<JpegResult> => readJpeg(bufferReader(b));

function ok(r: JpegResult): JpegInfo {
  if (!r.ok) throw new Error(`expected ok, got ${r.reason}: ${r.detail}`);
  return r.info;
}

describe('readJpeg', () => {
  it.each(['II', 'MM'] as const)('reads DateTimeOriginal, make and model in %s byte order', async (byteOrder) => {
    const info = ok(await read(buildJpeg({ byteOrder, dateTimeOriginal: '2025:03:01 10:03:04', dateTime: '2025:03:02 00:00:00' })));
    expect(info).toMatchObject({
      format: 'jpeg',
      width: 64,
      height: 48,
      encoding: 'baseline',
      takenAtLocal: { year: 2025, month: 3, day: 1, hour: 10, minute: 3, second: 4 },
      takenAtSource: 'DateTimeOriginal',
      takenAtRaw: '2025:03:01 10:03:04',
      make: 'ZFY',
      model: 'DSJ-TEST1',
      hasExif: true,
      offsetTime: null,
    });
  });

  it.each(['II', 'MM'] as const)('falls back to IFD0 DateTime (%s)', async (byteOrder) => {
    const info = ok(await read(buildJpeg({ byteOrder, dateTimeOriginal: null, dateTime: '2024:02:29 23:59:59' })));
    expect(info.takenAtSource).toBe('DateTime');
    expect(info.takenAtLocal).toEqual({ year: 2024, month: 2, day: 29, hour: 23, minute: 59, second: 59 });
  });

  it('falls back when DateTimeOriginal is blank or not a calendar time, keeping the raw text', async () => {
    const blank = ok(await read(buildJpeg({ dateTimeOriginal: '    :  :     :  :  ', dateTime: '2025:01:01 08:00:00' })));
    expect(blank.takenAtSource).toBe('DateTime');
    const impossible = ok(await read(buildJpeg({ dateTimeOriginal: '2025:02:30 10:00:00', dateTime: null })));
    expect(impossible).toMatchObject({ takenAtLocal: null, takenAtSource: null, takenAtRaw: '2025:02:30 10:00:00' });
  });

  it('reads OffsetTimeOriginal when present', async () => {
    expect(ok(await read(buildJpeg({ offsetTimeOriginal: '+08:00' }))).offsetTime).toBe('+08:00');
  });

  it('reads a photo without EXIF, and with no Make/Model', async () => {
    expect(ok(await read(buildJpeg({ exif: false })))).toMatchObject({ hasExif: false, takenAtLocal: null, make: null, width: 64 });
    expect(ok(await read(buildJpeg({ make: null, model: null })))).toMatchObject({ make: null, model: null });
  });

  it('reads dimensions from SOF2 (progressive) and large sizes', async () => {
    expect(ok(await read(buildJpeg({ progressive: true, width: 100, height: 75 })))).toMatchObject({ width: 100, height: 75, encoding: 'progressive' });
    expect(ok(await read(buildJpeg({ width: 4000, height: 3000 })))).toMatchObject({ width: 4000, height: 3000 });
  });

  it('reads the headers and the tail (for the end-of-image check), not the image data', async () => {
    const file = buildJpeg({ width: 8000, height: 6000 });
    const r = countingReader(bufferReader(file));
    ok(await readJpeg(r));
    expect(file.length).toBeGreaterThan(180_000);
    expect(r.bytes).toBeLessThan(64 * 1024 + 2048);
  });

  it('tolerates fill bytes before markers and trailing padding after EOI', async () => {
    const file = buildJpeg();
    const filled = Buffer.concat([file.subarray(0, 2), Buffer.from([0xff, 0xff]), file.subarray(2), Buffer.alloc(1000)]);
    expect(ok(await read(filled)).takenAtSource).toBe('DateTimeOriginal');
  });

  it('reports damage as results', async () => {
    expect(await read(Buffer.alloc(0))).toMatchObject({ ok: false, reason: 'empty' });
    expect(await read(Buffer.from('GIF89a'))).toMatchObject({ ok: false, reason: 'not_this_format' });
    const file = buildJpeg();
    // Cut inside the image data: the EXIF time survives as partial.
    const cut = await read(file.subarray(0, file.length - 4));
    expect(cut).toMatchObject({ ok: false, reason: 'truncated', partial: { takenAtSource: 'DateTimeOriginal', width: 64 } });
    // Cut inside the APP1 segment.
    expect(await read(file.subarray(0, 30))).toMatchObject({ ok: false, reason: 'truncated' });
    // A segment length below 2.
    expect(await read(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x01, 0, 0]))).toMatchObject({ ok: false, reason: 'malformed' });
    // Not a marker where one must be.
    expect(await read(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x02, 0x12, 0x34]))).toMatchObject({ ok: false, reason: 'malformed' });
    // EOI before any frame.
    expect(await read(Buffer.from([0xff, 0xd8, 0xff, 0xd9]))).toMatchObject({ ok: false, reason: 'malformed' });
  });

  it('keeps the EXIF time of a photo whose frame header is missing', async () => {
    const file = buildJpeg();
    const sof = file.indexOf(Buffer.from([0xff, 0xc0]));
    const len = file.readUInt16BE(sof + 2);
    const withoutSof = Buffer.concat([file.subarray(0, sof), file.subarray(sof + 2 + len)]);
    expect(await read(withoutSof)).toMatchObject({ ok: false, reason: 'malformed', partial: { takenAtSource: 'DateTimeOriginal', width: 0 } });
  });

  it('survives an EXIF IFD that points at itself', async () => {
    const file = buildJpeg({ byteOrder: 'II' });
    const tiffAt = file.indexOf('Exif\0\0') + 6;
    const ifd0 = file.readUInt32LE(tiffAt + 4);
    // Point the ExifIFD pointer (last entry of IFD0, tag 0x8769) back at IFD0.
    const count = file.readUInt16LE(tiffAt + ifd0);
    for (let i = 0; i < count; i += 1) {
      const entry = tiffAt + ifd0 + 2 + i * 12;
      if (file.readUInt16LE(entry) === 0x8769) file.writeUInt32LE(ifd0, entry + 8);
    }
    expect(ok(await read(file)).takenAtLocal).toBeNull();
  });

  it('never throws on any prefix or on randomly damaged files (seeded)', async () => {
    const file = buildJpeg({ byteOrder: 'MM', dateTime: '2025:01:01 00:00:00', offsetTimeOriginal: '+08:00' });
    for (let n = 0; n <= file.length; n += 1) await read(file.subarray(0, n));
    for (const damaged of mutations(file, 2000, 9003)) await read(damaged);
    for (const damaged of mutations(buildJpeg({ byteOrder: 'II' }), 2000, 132)) await read(damaged);
  });
});

describe('parseExifDateTime', () => {
  it.each([
    ['2025:03:01 10:03:04', { year: 2025, month: 3, day: 1, hour: 10, minute: 3, second: 4 }],
    ['2025-03-01 10:03:04', { year: 2025, month: 3, day: 1, hour: 10, minute: 3, second: 4 }],
    ['2025:03:01T10:03:04', { year: 2025, month: 3, day: 1, hour: 10, minute: 3, second: 4 }],
    ['  2025:03:01 10:03:04  ', { year: 2025, month: 3, day: 1, hour: 10, minute: 3, second: 4 }],
    ['0000:00:00 00:00:00', null],
    ['2025:13:01 10:03:04', null],
    ['2025:02:29 10:03:04', null],
    ['', null],
    ['garbage', null],
  ])('%j', (text, expected) => {
    expect(parseExifDateTime(text)).toEqual(expected);
  });
});
