import { describe, expect, it } from 'vitest';
import { buildAvi } from '../../../tests/fixtures/mediaFixtures.ts';
import { countingReader, mutations } from '../../../tests/fixtures/readerSupport.ts';
import { readAvi, parseIdit } from './avi.ts';
import type { AviInfo, AviResult } from './avi.ts';
import { bufferReader } from './fileReader.ts';

const read = (b: Buffer): Promise<AviResult> => readAvi(bufferReader(b));
function ok(r: AviResult): AviInfo {
  if (!r.ok) throw new Error(`expected ok, got ${r.reason}: ${r.detail}`);
  return r.info;
}

describe('readAvi', () => {
  it('reads avih/strh/strf and the IDIT date', async () => {
    expect(ok(await read(buildAvi()))).toEqual({
      format: 'avi',
      durationSeconds: 3,
      width: 320,
      height: 240,
      videoCodec: 'mjpeg',
      audioCodec: 'pcm_s16le',
      createdAtLocal: { year: 2026, month: 8, day: 4, hour: 10, minute: 0, second: 0 },
      infoDate: null,
      openDml: false,
    });
  });

  it('an OpenDML file past 1 GiB is timed by its dmlh total, not the first segment in avih', async () => {
    // avih and strh count the first RIFF segment (1 GiB ≈ 10 minutes of MJPEG); dmlh counts them all.
    const info = ok(await read(buildAvi({ frames: 15_000, dmlhFrames: 90_000 })));
    expect(info.openDml).toBe(true);
    expect(info.durationSeconds).toBe(3600);
  });

  it('maps H.264 fourccs and reads an EXIF-style IDIT', async () => {
    const info = ok(await read(buildAvi({ compression: 'H264', idit: '2026:08:04 10:00:00' })));
    expect(info.videoCodec).toBe('h264');
    expect(info.createdAtLocal).toEqual({ year: 2026, month: 8, day: 4, hour: 10, minute: 0, second: 0 });
  });

  it('an IDIT that is not a time gives none', () => {
    expect(parseIdit('Sun Feb 30 10:00:00 2026')).toBeNull();
    expect(parseIdit('')).toBeNull();
    expect(parseIdit('Mon Mar 10 15:04:43 2003\n')).toEqual({ year: 2003, month: 3, day: 10, hour: 15, minute: 4, second: 43 });
  });

  it('reads only the header list, not the movi payload', async () => {
    const r = countingReader(bufferReader(buildAvi({ moviBytes: 4 * 1024 * 1024 })));
    ok(await readAvi(r));
    expect(r.bytes).toBeLessThan(4096);
  });

  it('a file cut inside movi is truncated, with the header facts kept', async () => {
    const full = buildAvi({ moviBytes: 100_000 });
    const r = await read(full.subarray(0, full.length - 50_000));
    expect(r).toMatchObject({ ok: false, reason: 'truncated', partial: { durationSeconds: 3, videoCodec: 'mjpeg' } });
  });

  it('never throws on damaged files', async () => {
    for (const m of mutations(buildAvi(), 400, 15)) {
      const r = await read(m);
      expect(typeof r.ok).toBe('boolean');
    }
  });
});
