import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FIXTURE_CREATION_TIME,
  box,
  buildMoov,
  buildFragmentedMp4,
  buildMp4,
  buildTruncatedMp4,
  fullBox,
  writeSparseMp4,
} from '../../../tests/fixtures/mediaFixtures.ts';
import { countingReader, mutations } from '../../../tests/fixtures/readerSupport.ts';
import { bufferReader, withFileReader } from './fileReader.ts';
import { MAX_CHILD_BOXES, MAX_TOP_LEVEL_BOXES, readMp4 } from './mp4.ts';
import type { Mp4Info, Mp4Result } from './mp4.ts';

const read = (b: Buffer): Promise<Mp4Result> => readMp4(bufferReader(b));

function ok(r: Mp4Result): Mp4Info {
  if (!r.ok) throw new Error(`expected ok, got ${r.reason}: ${r.detail}`);
  return r.info;
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'es-mp4-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readMp4: well-formed files', () => {
  it('reads a recorder-style file with moov after mdat', async () => {
    const info = ok(await read(buildMp4()));
    expect(info).toMatchObject({
      format: 'mp4',
      brand: 'isom',
      durationSeconds: 10,
      timescale: 1000,
      width: 1920,
      height: 1080,
      videoCodec: 'avc1',
      audioCodec: 'mp4a',
    });
    expect(info.creationTime?.toISOString()).toBe(FIXTURE_CREATION_TIME.toISOString());
    expect(info.moovOffset).toBeGreaterThan(4096);
  });

  it('reads a fast-start file with moov first', async () => {
    const info = ok(await read(buildMp4({ moovAtEnd: false, durationSeconds: 12.5, timescale: 600 })));
    expect(info.moovOffset).toBe(32);
    expect(info.durationSeconds).toBe(12.5);
    expect(info.timescale).toBe(600);
  });

  it('reads mvhd/tkhd version 1 with a date past 2040 (beyond 32-bit seconds since 1904)', async () => {
    const when = new Date('2045-06-01T00:00:00Z');
    const info = ok(await read(buildMp4({ mvhdVersion: 1, creationTime: when, durationSeconds: 3600, width: 1280, height: 720 })));
    expect(info.creationTime?.toISOString()).toBe(when.toISOString());
    expect(info.durationSeconds).toBe(3600);
    expect([info.width, info.height]).toEqual([1280, 720]);
  });

  it('reports a zero creation time (clock never set) as null', async () => {
    expect(ok(await read(buildMp4({ creationTime: null }))).creationTime).toBeNull();
  });

  it.each(['hvc1', 'hev1'] as const)('names the %s video codec', async (codec) => {
    expect(ok(await read(buildMp4({ videoCodec: codec }))).videoCodec).toBe(codec);
  });

  it('handles files without audio, and audio-only files', async () => {
    const silent = ok(await read(buildMp4({ audioCodec: null })));
    expect([silent.videoCodec, silent.audioCodec]).toEqual(['avc1', null]);
    const audio = ok(await read(buildMp4({ videoCodec: null, brand: 'M4A ' })));
    expect(audio).toMatchObject({ videoCodec: null, audioCodec: 'mp4a', width: null, height: null, brand: 'M4A ' });
  });

  it('reads old QuickTime files without ftyp (wide + mdat + moov)', async () => {
    const mov = Buffer.concat([box('wide'), buildMp4({ brand: null })]);
    const info = ok(await read(mov));
    expect(info.brand).toBeNull();
    expect(info.videoCodec).toBe('avc1');
  });

  it('reads a 64-bit largesize mdat and a size-0 mdat running to the end of the file', async () => {
    expect(ok(await read(buildMp4({ mdatSize: 'largesize' }))).durationSeconds).toBe(10);
    expect(ok(await read(buildMp4({ mdatSize: 'zero', moovAtEnd: false }))).moovOffset).toBe(32);
  });

  it('falls back to track durations when mvhd says "unknown" (all ones) or timescale 0', async () => {
    const file = buildMp4();
    const at = file.indexOf('mvhd') + 4;
    file.writeUInt32BE(0xffffffff, at + 16); // v0 duration
    expect(ok(await read(file)).durationSeconds).toBe(10);
    const file2 = buildMp4();
    file2.writeUInt32BE(0, file2.indexOf('mvhd') + 4 + 12); // v0 timescale
    expect(ok(await read(file2)).durationSeconds).toBe(10);
  });

  it('falls back to the sample entry size when tkhd says 0x0', async () => {
    const file = buildMp4({ width: 1440, height: 1080 });
    const tkhd = file.indexOf('tkhd') + 4;
    file.writeUInt32BE(0, tkhd + 76);
    file.writeUInt32BE(0, tkhd + 80);
    const info = ok(await read(file));
    expect([info.width, info.height]).toEqual([1440, 1080]);
  });

  it('keeps fractional 16.16 track sizes', async () => {
    const file = buildMp4();
    file.writeUInt32BE(853.5 * 65536, file.indexOf('tkhd') + 4 + 76);
    expect(ok(await read(file)).width).toBe(853.5);
  });

  it('ignores a QuickTime 4-byte terminator at the end of a container', async () => {
    const moov = buildMoov();
    const withTerminator = Buffer.concat([u32(moov.length + 4), moov.subarray(4), u32(0)]);
    const file = Buffer.concat([box('ftyp', Buffer.from('qt  '), u32(0)), withTerminator]);
    expect(ok(await read(file)).brand).toBe('qt  ');
  });
});

describe('readMp4: fragmented files (moov/mvex + moof)', () => {
  it('sums fragment durations given by tfhd defaults when mvhd says 0', async () => {
    const info = ok(await read(buildFragmentedMp4({ fragments: 3, fragmentSeconds: 2 })));
    expect(info).toMatchObject({ fragmented: true, durationSeconds: 6, videoCodec: 'avc1', width: 1920 });
  });

  it('sums per-sample durations from trun', async () => {
    expect(ok(await read(buildFragmentedMp4({ fragments: 5, fragmentSeconds: 1.2, perSampleDurations: true }))).durationSeconds).toBe(6);
  });

  it('prefers mehd when present', async () => {
    const file = buildFragmentedMp4({ fragments: 4, fragmentSeconds: 1, mehd: true });
    const mehd = file.indexOf('mehd');
    file.writeUInt32BE(7000, mehd + 8); // claims 7 s; the fragments hold 4 s
    expect(ok(await read(file)).durationSeconds).toBe(7);
  });

  it('reports a fragmented recording cut short as truncated with the complete fragments timed', async () => {
    const file = buildFragmentedMp4({ fragments: 3, fragmentSeconds: 2 });
    const r = await read(file.subarray(0, file.length - 10));
    expect(r).toMatchObject({ ok: false, reason: 'truncated', partial: { fragmented: true, durationSeconds: 6 } });
    const lastMoof = file.lastIndexOf('moof') - 4;
    const cutInMoof = await read(file.subarray(0, lastMoof + 40));
    expect(cutInMoof).toMatchObject({ ok: false, reason: 'truncated', partial: { durationSeconds: 4 } });
  });

  it('refuses a trun that lists more samples than it holds', async () => {
    const file = buildFragmentedMp4({ fragments: 1, perSampleDurations: true });
    file.writeUInt32BE(0x00ffffff, file.indexOf('trun') + 8);
    expect(await read(file)).toMatchObject({ ok: false, reason: 'malformed', partial: { fragmented: true } });
  });

  it('is not read as fragmented without mvex, even when moofs follow', async () => {
    expect(ok(await read(buildMp4({ moovAtEnd: false })))).toMatchObject({ fragmented: false });
  });

  it('never throws on randomly damaged fragmented files (seeded)', async () => {
    for (const damaged of mutations(buildFragmentedMp4({ fragments: 2, fragmentSeconds: 0.2, perSampleDurations: true }), 1500, 14496)) {
      await read(damaged);
    }
  });
});

describe('readMp4: multi-GiB sparse files', () => {
  it('finds moov after a 5 GiB mdat (64-bit size) reading only a few KiB', async () => {
    const path = join(dir, 'big-end.mp4');
    const layout = await writeSparseMp4(path, { mdatBytes: 5 * 2 ** 30, durationSeconds: 1800 });
    expect((await stat(path)).size).toBe(layout.size);
    await withFileReader(path, async (r) => {
      const counted = countingReader(r);
      const info = ok(await readMp4(counted));
      expect(info.moovOffset).toBe(layout.moovOffset);
      expect(info.durationSeconds).toBe(1800);
      expect(counted.bytes).toBeLessThan(16 * 1024);
      expect(counted.reads).toBeLessThan(100);
    });
  });

  it('reads a fast-start file whose mdat is larger than 4 GiB', async () => {
    const path = join(dir, 'big-start.mp4');
    const layout = await writeSparseMp4(path, { mdatBytes: 4 * 2 ** 30 + 17, moovAtEnd: false });
    await withFileReader(path, async (r) => {
      expect(ok(await readMp4(r)).moovOffset).toBe(layout.moovOffset);
    });
  });

  it('reads a 3 GiB mdat with a plain 32-bit size', async () => {
    const path = join(dir, 'big-32.mp4');
    await writeSparseMp4(path, { mdatBytes: 3 * 2 ** 30 });
    await withFileReader(path, async (r) => {
      expect(ok(await readMp4(r)).videoCodec).toBe('avc1');
    });
  });

  it('reports a recording never finalized (size-0 mdat, no moov) as no_moov', async () => {
    const path = join(dir, 'big-unfinalized.mp4');
    await writeSparseMp4(path, { mdatBytes: 5 * 2 ** 30, mdatSize: 'zero', omitMoov: true });
    await withFileReader(path, async (r) => {
      expect(await readMp4(r)).toMatchObject({ ok: false, reason: 'no_moov' });
    });
  });
});

describe('readMp4: damaged files are results, not exceptions', () => {
  it('empty file', async () => {
    expect(await read(Buffer.alloc(0))).toMatchObject({ ok: false, reason: 'empty' });
  });

  it('not an MP4', async () => {
    expect(await read(Buffer.from('hello world, this is not a movie'))).toMatchObject({ ok: false, reason: 'not_this_format' });
    expect(await read(Buffer.from([0, 0, 0]))).toMatchObject({ ok: false, reason: 'not_this_format' });
  });

  it('no moov at all', async () => {
    const r = await read(buildMp4({ omitMoov: true }));
    expect(r).toMatchObject({ ok: false, reason: 'no_moov' });
    expect(!r.ok && r.detail).toContain('ftyp, mdat');
  });

  it('a copy cut off inside the mdat, moov never reached', async () => {
    const r = await read(buildTruncatedMp4());
    expect(r).toMatchObject({ ok: false, reason: 'truncated' });
    expect(!r.ok && r.partial).toBeUndefined();
  });

  it('a fast-start file cut off in the mdat keeps its movie header as partial', async () => {
    const r = await read(buildTruncatedMp4({ moovAtEnd: false }));
    expect(r).toMatchObject({ ok: false, reason: 'truncated' });
    expect(!r.ok && r.partial?.creationTime?.toISOString()).toBe(FIXTURE_CREATION_TIME.toISOString());
  });

  it('a moov cut off at its end still yields the mvhd as partial', async () => {
    const r = await read(buildTruncatedMp4({}, 40));
    expect(r).toMatchObject({ ok: false, reason: 'truncated', partial: { durationSeconds: 10 } });
  });

  it('a fast-start file cut exactly after its moov: the chunk table says data is missing', async () => {
    const full = buildMp4({ moovAtEnd: false });
    const r = await read(full.subarray(0, full.indexOf('mdat') - 4));
    expect(r).toMatchObject({ ok: false, reason: 'truncated', partial: { durationSeconds: 10 } });
    expect(!r.ok && r.detail).toContain('media data expected');
  });

  it('reads the last entry of a 64-bit chunk table (co64)', async () => {
    const mvhd = fullBox('mvhd', 0, 0, u32(0), u32(0), u32(1000), u32(5000), Buffer.alloc(80));
    const co64 = (count: number, last: bigint): Buffer => {
      const entries = Buffer.alloc(8 * Math.min(count, 2));
      if (entries.length) entries.writeBigUInt64BE(last, entries.length - 8);
      return fullBox('co64', 0, 0, u32(count), entries);
    };
    const file = (table: Buffer): Buffer =>
      Buffer.concat([box('ftyp', Buffer.from('isom'), u32(0)), box('moov', mvhd, box('trak', box('mdia', box('minf', box('stbl', table)))))]);
    expect(await read(file(co64(2, 5n * 2n ** 30n)))).toMatchObject({ ok: false, reason: 'truncated' });
    expect((await read(file(co64(2, 20n)))).ok).toBe(true);
    expect(await read(file(co64(1_000_000, 20n)))).toMatchObject({ ok: false, reason: 'malformed', partial: { durationSeconds: 5 } });
  });

  it('a file cut inside a box header', async () => {
    const full = buildMp4({ moovAtEnd: false });
    const r = await read(Buffer.concat([full, Buffer.from([0, 0, 0])]));
    expect(r).toMatchObject({ ok: false, reason: 'truncated' });
    expect(!r.ok && r.partial?.durationSeconds).toBe(10);
  });

  it('a box smaller than its own header', async () => {
    const file = Buffer.concat([buildMp4({ moovAtEnd: false, mdatBytes: 8 }), u32(4), Buffer.from('free')]);
    expect(await read(file)).toMatchObject({ ok: false, reason: 'malformed' });
  });

  it('a 64-bit size below 16 or beyond 2^53', async () => {
    const tiny = Buffer.concat([box('ftyp', Buffer.from('isom'), u32(0)), u32(1), Buffer.from('mdat'), Buffer.from('000000000000000f', 'hex')]);
    expect(await read(tiny)).toMatchObject({ ok: false, reason: 'malformed' });
    const huge = Buffer.concat([box('ftyp', Buffer.from('isom'), u32(0)), u32(1), Buffer.from('mdat'), Buffer.from('ffffffffffffff00', 'hex')]);
    expect(await read(huge)).toMatchObject({ ok: false, reason: 'malformed' });
  });

  it('a child box that runs outside its parent', async () => {
    const moov = box('moov', fullBox('mvhd', 0, 0, Buffer.alloc(96)), u32(500), Buffer.from('trak'));
    const r = await read(Buffer.concat([box('ftyp', Buffer.from('isom'), u32(0)), moov, box('free', Buffer.alloc(600))]));
    expect(r).toMatchObject({ ok: false, reason: 'malformed' });
  });

  it('a damaged trak keeps the mvhd as partial', async () => {
    const moov = box('moov', fullBox('mvhd', 0, 0, u32(0), u32(0), u32(1000), u32(5000), Buffer.alloc(80)), box('trak', u32(500), Buffer.from('tkhd')));
    const r = await read(Buffer.concat([box('ftyp', Buffer.from('isom'), u32(0)), moov, box('free', Buffer.alloc(600))]));
    expect(r).toMatchObject({ ok: false, reason: 'malformed', partial: { durationSeconds: 5 } });
    const cut = await read(Buffer.concat([box('ftyp', Buffer.from('isom'), u32(0)), moov]));
    expect(cut).toMatchObject({ ok: false, reason: 'truncated', partial: { durationSeconds: 5 } });
  });

  it('garbage between boxes', async () => {
    const file = Buffer.concat([buildMp4({ moovAtEnd: false, mdatBytes: 8 }), Buffer.from([0x00, 0x00, 0x00, 0x10, 0x01, 0x02, 0x03, 0x04]), Buffer.alloc(8)]);
    expect(await read(file)).toMatchObject({ ok: false, reason: 'malformed' });
  });

  it('a moov without mvhd', async () => {
    const file = Buffer.concat([box('ftyp', Buffer.from('isom'), u32(0)), box('moov', box('free'))]);
    expect(await read(file)).toMatchObject({ ok: false, reason: 'malformed' });
  });

  it('a compressed moov (cmov) is unsupported', async () => {
    const file = Buffer.concat([box('ftyp', Buffer.from('qt  '), u32(0)), box('moov', box('cmov', Buffer.alloc(16)))]);
    expect(await read(file)).toMatchObject({ ok: false, reason: 'unsupported' });
  });

  it('an unknown mvhd version', async () => {
    const file = Buffer.concat([box('ftyp', Buffer.from('isom'), u32(0)), box('moov', fullBox('mvhd', 7, 0, Buffer.alloc(96)))]);
    expect(await read(file)).toMatchObject({ ok: false, reason: 'unsupported' });
  });

  it('stops after a bounded number of top-level boxes', async () => {
    const file = Buffer.concat([box('ftyp', Buffer.from('isom'), u32(0)), ...Array.from({ length: MAX_TOP_LEVEL_BOXES + 10 }, () => box('free'))]);
    const r = await read(file);
    expect(r).toMatchObject({ ok: false, reason: 'malformed' });
    expect(!r.ok && r.detail).toContain(String(MAX_TOP_LEVEL_BOXES));
  });

  it('stops after a bounded number of boxes inside moov', async () => {
    const file = Buffer.concat([box('ftyp', Buffer.from('isom'), u32(0)), box('moov', ...Array.from({ length: MAX_CHILD_BOXES + 10 }, () => box('free')))]);
    expect(await read(file)).toMatchObject({ ok: false, reason: 'malformed' });
  });

  it('never throws on any prefix of a file', async () => {
    const file = buildMp4({ mdatBytes: 64, moovAtEnd: false });
    for (let n = 0; n <= file.length; n += 1) {
      const r = await read(file.subarray(0, n));
      if (n < file.length) expect(r.ok, `prefix ${n}`).toBe(false);
      else expect(r.ok).toBe(true);
    }
  });

  it('never throws on randomly damaged files (seeded)', async () => {
    const reasons = new Set<string>();
    for (const sample of [buildMp4({ mdatBytes: 64 }), buildMp4({ mdatBytes: 64, mvhdVersion: 1, moovAtEnd: false })]) {
      for (const damaged of mutations(sample, 1500, 947)) {
        const r = await read(damaged);
        reasons.add(r.ok ? 'ok' : r.reason);
      }
    }
    expect(reasons.size).toBeGreaterThan(2);
  });
});
