import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAmr, buildJpeg, buildMp4, buildWav, writeSparseMp4 } from '../../../tests/fixtures/mediaFixtures.ts';
import { isStationError } from '../errors.ts';
import { probeBuffer, probeMedia, sniffFormat } from './probe.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'es-probe-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fileWith(name: string, data: Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, data);
  return path;
}

describe('probeMedia', () => {
  it('identifies each format by its bytes, whatever the extension says', async () => {
    const video = await probeMedia(await fileWith('clip.JPG', buildMp4()));
    expect(video).toMatchObject({ format: 'mp4', kind: 'video', result: { ok: true, info: { videoCodec: 'avc1' } } });
    const photo = await probeMedia(await fileWith('photo.mp4', buildJpeg()));
    expect(photo).toMatchObject({ format: 'jpeg', kind: 'photo', result: { ok: true } });
    const wav = await probeMedia(await fileWith('audio.amr', buildWav()));
    expect(wav).toMatchObject({ format: 'wav', kind: 'audio', result: { ok: true, info: { durationSeconds: 1 } } });
    const amr = await probeMedia(await fileWith('noext', buildAmr()));
    expect(amr).toMatchObject({ format: 'amr', kind: 'audio', result: { ok: true, info: { durationSeconds: 1 } } });
  });

  it('reports the file size', async () => {
    const data = buildWav({ durationSeconds: 0.25 });
    expect((await probeMedia(await fileWith('size.wav', data))).size).toBe(data.length);
  });

  it('calls an MP4 without a video track audio', async () => {
    expect(await probeBuffer(buildMp4({ videoCodec: null, brand: 'M4A ' }))).toMatchObject({ format: 'mp4', kind: 'audio' });
  });

  it('keeps an unreadable MP4 a video with the reader’s reason', async () => {
    const r = await probeBuffer(buildMp4({ omitMoov: true }));
    expect(r).toMatchObject({ format: 'mp4', kind: 'video', result: { ok: false, reason: 'no_moov' } });
  });

  it('probes a 5 GiB sparse recording quickly', async () => {
    const path = join(dir, 'big.MP4');
    await writeSparseMp4(path, { mdatBytes: 5 * 2 ** 30 });
    const started = Date.now();
    expect(await probeMedia(path)).toMatchObject({ format: 'mp4', result: { ok: true } });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('reports empty and unknown files', async () => {
    expect(await probeMedia(await fileWith('empty.mp4', Buffer.alloc(0)))).toMatchObject({ format: 'unknown', kind: 'unknown', reason: 'empty', size: 0 });
    const text = await probeMedia(await fileWith('notes.txt', Buffer.from('这不是视频 not a video')));
    expect(text).toMatchObject({ format: 'unknown', kind: 'unknown', reason: 'unknown_format' });
    expect(text.format === 'unknown' && text.detail).toMatch(/^starts with [0-9a-f]+$/);
  });

  it('names formats it recognizes but cannot read', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    expect(await probeBuffer(png)).toMatchObject({ kind: 'photo', reason: 'no_reader', detail: 'png' });
    const heic = Buffer.concat([Buffer.from('00000018', 'hex'), Buffer.from('ftypheic'), Buffer.alloc(12)]);
    expect(await probeBuffer(heic)).toMatchObject({ kind: 'photo', reason: 'no_reader', detail: 'heif' });
    expect(await probeBuffer(Buffer.from('0000000167640028', 'hex'))).toMatchObject({ kind: 'video', detail: 'h26x-raw' });
  });

  it('issue 15: AVI, MPEG-TS, MPEG-PS and MP3 go to their readers, which flag a file that is only a header', async () => {
    const avi = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('AVI LIST')]);
    expect(await probeBuffer(avi)).toMatchObject({ format: 'avi', kind: 'video', result: { ok: false, reason: 'malformed' } });
    const ts = Buffer.alloc(188 * 3);
    for (let i = 0; i < 3; i += 1) ts[i * 188] = 0x47;
    expect(await probeBuffer(ts)).toMatchObject({ format: 'mpeg-ts', kind: 'video', result: { ok: false, reason: 'malformed' } });
    expect(await probeBuffer(Buffer.from('ID3\x04\0\0\0\0\0\0'))).toMatchObject({ format: 'mp3', kind: 'audio', result: { ok: false } });
    expect(await probeBuffer(Buffer.from('000001ba44000400', 'hex'))).toMatchObject({ format: 'mpeg-ps', kind: 'video', result: { ok: false } });
  });

  it('issue 15: a QuickTime file is named mov, an ISO file mp4', async () => {
    expect(await probeBuffer(buildMp4({ brand: 'qt  ' }))).toMatchObject({ format: 'mov', kind: 'video', result: { ok: true } });
    expect(await probeBuffer(buildMp4({ brand: null }))).toMatchObject({ format: 'mov', result: { ok: true } });
    expect(await probeBuffer(buildMp4({ brand: 'isom' }))).toMatchObject({ format: 'mp4', result: { ok: true } });
  });

  it('does not mistake a short text starting with G for a transport stream', () => {
    expect(sniffFormat(Buffer.from('GET / HTTP/1.1'))).toEqual({ format: 'unknown' });
  });

  it('throws a StationError when the file cannot be opened', async () => {
    try {
      await probeMedia(join(dir, 'gone.mp4'));
      expect.unreachable();
    } catch (e) {
      expect(isStationError(e) && e.code).toBe('io.not_found');
    }
  });

  it.skipIf(process.getuid?.() === 0)('maps a permission error', async () => {
    const path = await fileWith('locked.mp4', buildMp4());
    await chmod(path, 0o000);
    await expect(probeMedia(path)).rejects.toMatchObject({ code: 'io.permission' });
  });
});
