import { describe, expect, it } from 'vitest';
import { buildTs } from '../../../tests/fixtures/mediaFixtures.ts';
import { countingReader, mutations } from '../../../tests/fixtures/readerSupport.ts';
import { bufferReader } from './fileReader.ts';
import { h264SpsSize, HEAD_TAIL_BYTES } from './mpegEs.ts';
import { readMpegPs } from './mpegPs.ts';
import { readMpegTs } from './mpegTs.ts';
import type { MpegTsResult } from './mpegTs.ts';

const read = (b: Buffer): Promise<MpegTsResult> => readMpegTs(bufferReader(b));

describe('readMpegTs', () => {
  it('streams from PAT/PMT, size from the SPS, duration from the first and last PTS', async () => {
    const r = await read(buildTs());
    expect(r).toEqual({
      ok: true,
      info: { format: 'mpeg-ts', durationSeconds: 4, width: 1280, height: 720, videoCodec: 'h264', audioCodec: null, streams: [{ id: 0x100, kind: 'video', codec: 'h264' }] },
    });
  });

  it('reads only the head and the tail of a large file', async () => {
    // About 38 MiB of null packets between the two halves.
    const file = buildTs({ nullPackets: 200_000 });
    const r = countingReader(bufferReader(file));
    const result = await readMpegTs(r);
    expect(result).toMatchObject({ ok: true, info: { durationSeconds: 4 } });
    expect(file.length).toBeGreaterThan(6 * HEAD_TAIL_BYTES);
    expect(r.bytes).toBeLessThanOrEqual(2 * HEAD_TAIL_BYTES);
  });

  it('a PTS that wraps past 2^33 during the recording still gives the span', async () => {
    const r = await read(buildTs({ firstPts: 2 ** 33 - 90_000 * 2 }));
    expect(r).toMatchObject({ ok: true, info: { durationSeconds: 4 } });
  });

  it('a file cut inside a packet is truncated, with what was read', async () => {
    const full = buildTs();
    expect(await read(full.subarray(0, full.length - 100))).toMatchObject({ ok: false, reason: 'truncated', partial: { videoCodec: 'h264' } });
  });

  it('an SPS that ends early gives no size instead of a wrong one', () => {
    expect(h264SpsSize(Buffer.from('6764001f', 'hex'))).toBeNull();
  });

  it('never throws on damaged files (TS and PS readers)', async () => {
    const base = buildTs({ frames: 10 });
    for (const m of mutations(base, 300, 7)) {
      expect(typeof (await read(m)).ok).toBe('boolean');
      expect(typeof (await readMpegPs(bufferReader(Buffer.concat([Buffer.from('000001ba44', 'hex'), m])))).ok).toBe('boolean');
    }
  });
});
