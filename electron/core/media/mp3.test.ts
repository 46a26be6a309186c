import { describe, expect, it } from 'vitest';
import { buildMp3, id3TextFrame } from '../../../tests/fixtures/mediaFixtures.ts';
import { countingReader, mutations } from '../../../tests/fixtures/readerSupport.ts';
import { bufferReader } from './fileReader.ts';
import { readMp3 } from './mp3.ts';
import type { Mp3Info, Mp3Result } from './mp3.ts';
import { probeBuffer } from './probe.ts';

const read = (b: Buffer): Promise<Mp3Result> => readMp3(bufferReader(b));
function ok(r: Mp3Result): Mp3Info {
  if (!r.ok) throw new Error(`expected ok, got ${r.reason}: ${r.detail}`);
  return r.info;
}
const FRAME_SECONDS = 1152 / 44100;

describe('readMp3', () => {
  it('issue 15: an MP3 without any tag is read as audio (it was kind "unknown")', async () => {
    const probe = await probeBuffer(buildMp3());
    expect(probe).toMatchObject({ format: 'mp3', kind: 'audio', result: { ok: true } });
    const info = ok(await read(buildMp3()));
    expect(info).toMatchObject({ codec: 'mp3', sampleRate: 44100, channels: 2, bitrateKbps: 128, vbrHeader: null, id3v2: null, id3Date: null });
    expect(info.durationSeconds).toBeCloseTo(100 * FRAME_SECONDS, 1);
  });

  it('a Xing header gives the frame count', async () => {
    const info = ok(await read(buildMp3({ frames: 500, xing: true })));
    expect(info.vbrHeader).toBe('xing');
    expect(info.durationSeconds).toBeCloseTo(500 * FRAME_SECONDS, 6);
  });

  it('reads the ID3v2.4 TDRC recording time', async () => {
    const info = ok(await read(buildMp3({ id3Frames: [id3TextFrame('TIT2', 'x'), id3TextFrame('TDRC', '2026-08-04T10:00:00')] })));
    expect(info).toMatchObject({ id3v2: 4, id3Date: '2026-08-04T10:00:00', recordedAtLocal: { year: 2026, month: 8, day: 4, hour: 10, minute: 0, second: 0 } });
  });

  it('reads ID3v2.3 TYER + TDAT + TIME', async () => {
    const frames = [id3TextFrame('TYER', '2026'), id3TextFrame('TDAT', '0408'), id3TextFrame('TIME', '1000')];
    const info = ok(await read(buildMp3({ id3Version: 3, id3Frames: frames })));
    expect(info).toMatchObject({ id3v2: 3, id3Date: '2026-08-04T10:00', recordedAtLocal: { year: 2026, month: 8, day: 4, hour: 10, minute: 0 } });
  });

  it('an ID3v1 year is kept as the date but is not a time', async () => {
    const info = ok(await read(buildMp3({ id3v1Year: '2026' })));
    expect(info).toMatchObject({ id3Date: '2026', recordedAtLocal: null });
    // The 128-byte tag is not audio.
    expect(info.durationSeconds).toBeCloseTo(100 * FRAME_SECONDS, 1);
  });

  it('reads the head and the ID3v1 tail only', async () => {
    const r = countingReader(bufferReader(buildMp3({ frames: 40_000 })));
    ok(await readMp3(r));
    expect(r.bytes).toBeLessThan(70 * 1024);
  });

  it('a Xing header declaring more audio than present is truncated', async () => {
    const full = buildMp3({ frames: 500, xing: true });
    expect(await read(full.subarray(0, full.length / 2))).toMatchObject({ ok: false, reason: 'truncated' });
  });

  it('never throws on damaged files', async () => {
    const base = buildMp3({ frames: 20, id3Frames: [id3TextFrame('TDRC', '2026-08-04')] });
    for (const m of mutations(base, 400, 3)) expect(typeof (await read(m)).ok).toBe('boolean');
  });
});
