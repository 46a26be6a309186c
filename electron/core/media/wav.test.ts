import { describe, expect, it } from 'vitest';
import { buildWav } from '../../../tests/fixtures/mediaFixtures.ts';
import { countingReader, mutations } from '../../../tests/fixtures/readerSupport.ts';
import { bufferReader } from './fileReader.ts';
import { readWav } from './wav.ts';
import type { WavInfo, WavResult } from './wav.ts';

const read = (b: Buffer): Promise<WavResult> => readWav(bufferReader(b));

function ok(r: WavResult): WavInfo {
  if (!r.ok) throw new Error(`expected ok, got ${r.reason}: ${r.detail}`);
  return r.info;
}

describe('readWav', () => {
  it('reads a PCM file', async () => {
    expect(ok(await read(buildWav()))).toEqual({
      format: 'wav',
      durationSeconds: 1,
      sampleRate: 16000,
      channels: 1,
      bitsPerSample: 16,
      formatTag: 1,
      codec: 'pcm',
      dataBytes: 32000,
    });
  });

  it.each([
    [8000, 1, 8, 2.5],
    [44100, 2, 16, 1.5],
    [48000, 2, 24, 0.5],
    [22050, 1, 32, 0.1],
  ])('%i Hz, %i ch, %i bit, %f s', async (sampleRate, channels, bitsPerSample, durationSeconds) => {
    const info = ok(await read(buildWav({ sampleRate, channels, bitsPerSample, durationSeconds })));
    expect(info).toMatchObject({ sampleRate, channels, bitsPerSample });
    expect(info.durationSeconds).toBeCloseTo(durationSeconds, 4);
  });

  it('resolves WAVE_FORMAT_EXTENSIBLE and skips chunks before fmt and after data', async () => {
    const info = ok(await read(buildWav({ extensible: true, extraChunks: true })));
    expect(info).toMatchObject({ formatTag: 1, codec: 'pcm', durationSeconds: 1 });
  });

  it('reads only headers', async () => {
    const file = buildWav({ durationSeconds: 30 });
    const r = countingReader(bufferReader(file));
    ok(await readWav(r));
    expect(r.bytes).toBeLessThan(200);
  });

  it('reads RF64 with its ds64 chunk', async () => {
    const pcm = buildWav({ durationSeconds: 0.5 });
    const data = pcm.subarray(pcm.indexOf('data') + 8);
    const le32 = (n: number): Buffer => Buffer.from(Uint32Array.of(n).buffer);
    const ds64 = Buffer.concat([Buffer.from('ds64'), le32(28), Buffer.alloc(8), Buffer.from(new BigUint64Array([BigInt(data.length)]).buffer), Buffer.alloc(12)]);
    const fmt = pcm.subarray(12, pcm.indexOf('data'));
    const rf64 = Buffer.concat([Buffer.from('RF64'), le32(0xffffffff), Buffer.from('WAVE'), ds64, fmt, Buffer.from('data'), le32(0xffffffff), data]);
    expect(ok(await read(rf64)).durationSeconds).toBe(0.5);
  });

  it('reports an unfinalized data size (0 or 0xFFFFFFFF) as truncated with the time present', async () => {
    for (const declared of [0, 0xffffffff]) {
      const r = await read(buildWav({ declaredDataBytes: declared, durationSeconds: 2 }));
      expect(r).toMatchObject({ ok: false, reason: 'truncated', partial: { durationSeconds: 2 } });
    }
  });

  it('reports a data chunk cut short as truncated with the time present', async () => {
    const file = buildWav({ durationSeconds: 1 });
    const r = await read(file.subarray(0, file.length - 16000));
    expect(r).toMatchObject({ ok: false, reason: 'truncated', partial: { durationSeconds: 0.5 } });
  });

  it('reports damage as results', async () => {
    expect(await read(Buffer.alloc(0))).toMatchObject({ ok: false, reason: 'empty' });
    expect(await read(Buffer.from('RIFF\0\0\0\0AVI LIST'))).toMatchObject({ ok: false, reason: 'not_this_format' });
    const file = buildWav();
    expect(await read(file.subarray(0, 20))).toMatchObject({ ok: false, reason: 'truncated' });
    expect(await read(file.subarray(0, 36))).toMatchObject({ ok: false, reason: 'malformed' }); // fmt, then nothing
    const noFmt = Buffer.concat([file.subarray(0, 12), file.subarray(file.indexOf('data'))]);
    expect(await read(noFmt)).toMatchObject({ ok: false, reason: 'malformed' });
    const zeroRate = Buffer.from(file);
    zeroRate.writeUInt32LE(0, 24);
    expect(await read(zeroRate)).toMatchObject({ ok: false, reason: 'malformed' });
  });

  it('never throws on any prefix or on randomly damaged files (seeded)', async () => {
    const file = buildWav({ durationSeconds: 0.01, extraChunks: true, extensible: true });
    for (let n = 0; n <= file.length; n += 1) await read(file.subarray(0, n));
    for (const damaged of mutations(file, 3000, 4)) await read(damaged);
  });
});
