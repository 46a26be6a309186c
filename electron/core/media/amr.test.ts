import { describe, expect, it } from 'vitest';
import { AMR_NB_FRAME_BYTES, AMR_WB_FRAME_BYTES, buildAmr } from '../../../tests/fixtures/mediaFixtures.ts';
import { mutations } from '../../../tests/fixtures/readerSupport.ts';
import { readAmr } from './amr.ts';
import type { AmrInfo, AmrResult } from './amr.ts';
import { bufferReader } from './fileReader.ts';

const read = (b: Buffer): Promise<AmrResult> => readAmr(bufferReader(b));

function ok(r: AmrResult): AmrInfo {
  if (!r.ok) throw new Error(`expected ok, got ${r.reason}: ${r.detail}`);
  return r.info;
}

describe('readAmr', () => {
  it('counts AMR-NB frames at 20 ms each', async () => {
    expect(ok(await read(buildAmr()))).toEqual({ format: 'amr', variant: 'nb', durationSeconds: 1, frames: 50, sampleRate: 8000, channels: 1 });
  });

  it('counts AMR-WB frames', async () => {
    expect(ok(await read(buildAmr({ variant: 'wb', frames: 150 })))).toMatchObject({ variant: 'wb', durationSeconds: 3, sampleRate: 16000 });
  });

  it.each(Array.from({ length: 16 }, (_, ft) => ft))('NB and WB frame type %i have the right size', async (ft) => {
    expect(ok(await read(buildAmr({ frames: 7, frameTypes: [ft] }))).frames).toBe(7);
    expect(ok(await read(buildAmr({ variant: 'wb', frames: 7, frameTypes: [ft] }))).frames).toBe(7);
    expect(AMR_NB_FRAME_BYTES[ft]).toBeGreaterThan(0);
    expect(AMR_WB_FRAME_BYTES[ft]).toBeGreaterThan(0);
  });

  it('counts NO_DATA (DTX silence) frames as time and mixes frame types', async () => {
    expect(ok(await read(buildAmr({ frames: 500, frameTypes: [7, 15, 15, 8, 0, 4] }))).durationSeconds).toBe(10);
  });

  it('counts an hour of audio across many read chunks', async () => {
    expect(ok(await read(buildAmr({ frames: 180_000, frameTypes: [0, 7, 15] }))).durationSeconds).toBe(3600);
  });

  it('an empty stream (magic only) is zero seconds', async () => {
    expect(ok(await read(buildAmr({ frames: 0 }))).durationSeconds).toBe(0);
  });

  it('reports a last frame cut short as truncated with the complete frames as partial', async () => {
    expect(await read(buildAmr({ frames: 50, cutBytes: 5 }))).toMatchObject({ ok: false, reason: 'truncated', partial: { frames: 49 } });
  });

  it('reports a header with padding bits as malformed with the time up to it', async () => {
    const file = buildAmr({ frames: 10 });
    file[6 + 32 * 4] = 0xff;
    expect(await read(file)).toMatchObject({ ok: false, reason: 'malformed', partial: { frames: 4 } });
  });

  it('reports other problems as results', async () => {
    expect(await read(Buffer.alloc(0))).toMatchObject({ ok: false, reason: 'empty' });
    expect(await read(Buffer.from('#!AMR'))).toMatchObject({ ok: false, reason: 'not_this_format' });
    expect(await read(Buffer.from('#!AMR_MC1.0\n\0\0\0\0'))).toMatchObject({ ok: false, reason: 'unsupported' });
    expect(await read(Buffer.from('#!AMR-WB_MC1.0\n\0\0\0\0'))).toMatchObject({ ok: false, reason: 'unsupported' });
  });

  it('never throws on randomly damaged files (seeded)', async () => {
    for (const damaged of mutations(buildAmr({ frames: 20, frameTypes: [7, 15, 2] }), 3000, 4867)) await read(damaged);
  });
});
