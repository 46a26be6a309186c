import { describe, expect, it } from 'vitest';
import { probeBuffer } from '../media/probe.ts';
import { fileFacts } from './metadata.ts';
import { buildAvi, buildJpeg, buildMp3, buildMp4, buildTs, id3TextFrame } from '../../../tests/fixtures/mediaFixtures.ts';

const TZ = 'Asia/Shanghai';
const mtime = new Date('2025-03-05T00:00:00Z');

describe('fileFacts', () => {
  it('the name time wins, in the agency zone; all three times are kept; the end is start + duration', async () => {
    const f = fileFacts({ fileName: '1234567_010203_20250301100304_0007_IMP.MP4', probe: await probeBuffer(buildMp4({ durationSeconds: 12 })), mtime, timeZone: TZ });
    expect(f).toMatchObject({ nameRule: 'gat947', recordedAtSource: 'name', kind: 'video', format: 'mp4', durationSeconds: 12, problem: null });
    expect(f.name).toMatchObject({ deviceSerial: '1234567', officerId: '010203', important: true, sequence: 7 });
    expect(f.recordedAt.toISOString()).toBe('2025-03-01T02:03:04.000Z');
    expect(f.recordedEndAt.toISOString()).toBe('2025-03-01T02:03:16.000Z');
    expect(f.metaTime?.toISOString()).toBe('2025-03-01T02:03:04.000Z');
    expect(f.fsTime).toEqual(mtime);
  });

  it('without a name time the metadata, then the file system; a file-system time is the end itself', async () => {
    const meta = fileFacts({ fileName: 'VID.MP4', probe: await probeBuffer(buildMp4({ durationSeconds: 5, creationTime: new Date('2025-03-01T01:00:00Z') })), mtime, timeZone: TZ });
    expect(meta).toMatchObject({ recordedAtSource: 'metadata', metaTimeSource: 'mvhd' });
    const fs = fileFacts({ fileName: 'VID.MP4', probe: await probeBuffer(buildMp4({ creationTime: null })), mtime, timeZone: TZ });
    expect(fs).toMatchObject({ recordedAtSource: 'filesystem' });
    expect(fs.recordedEndAt).toEqual(mtime);
  });

  it('photos take EXIF time, honouring OffsetTimeOriginal', async () => {
    const jpg = fileFacts({ fileName: 'IMG.JPG', probe: await probeBuffer(buildJpeg()), mtime, timeZone: TZ });
    expect(jpg.kind).toBe('photo');
    expect(jpg.durationSeconds).toBe(0);
  });

  it('a problem is recorded, but never the file content the probe dumped for the log', async () => {
    const f = fileFacts({ fileName: 'secret.txt', probe: await probeBuffer(Buffer.from('TOP SECRET minutes of the meeting')), mtime, timeZone: TZ });
    expect(f.problem).toEqual({ reason: 'unknown_format', detail: 'no known format signature' });
    expect(JSON.stringify(f)).not.toContain(Buffer.from('TOP SECRET').toString('hex'));
    const empty = fileFacts({ fileName: 'e.mp4', probe: await probeBuffer(Buffer.alloc(0)), mtime, timeZone: TZ });
    expect(empty.problem?.reason).toBe('empty');
  });

  it('issue 15: AVI, MPEG-TS and MP3 files get duration, codecs and times instead of "unparseable"', async () => {
    const avi = fileFacts({ fileName: 'REC0001.AVI', probe: await probeBuffer(buildAvi()), mtime, timeZone: TZ });
    expect(avi).toMatchObject({ kind: 'video', format: 'avi', durationSeconds: 3, width: 320, height: 240, videoCodec: 'mjpeg', audioCodec: 'pcm_s16le', problem: null, metaTimeSource: 'avi:IDIT' });
    // IDIT 10:00 is the recorder's wall clock, read in the agency zone.
    expect(avi.metaTime?.toISOString()).toBe('2026-08-04T02:00:00.000Z');
    const ts = fileFacts({ fileName: 'a.ts', probe: await probeBuffer(buildTs()), mtime, timeZone: TZ });
    expect(ts).toMatchObject({ kind: 'video', format: 'mpeg-ts', durationSeconds: 4, width: 1280, height: 720, videoCodec: 'h264', problem: null });
    const plain = fileFacts({ fileName: 'VOICE001.MP3', probe: await probeBuffer(buildMp3()), mtime, timeZone: TZ });
    expect(plain).toMatchObject({ kind: 'audio', format: 'mp3', audioCodec: 'mp3', problem: null, metaTime: null, recordedAtSource: 'filesystem' });
    const tagged = fileFacts({ fileName: 'VOICE002.MP3', probe: await probeBuffer(buildMp3({ id3Frames: [id3TextFrame('TDRC', '2026-08-04T10:00:00')] })), mtime, timeZone: TZ });
    expect(tagged).toMatchObject({ metaTimeSource: 'id3v2.4', recordedAtSource: 'metadata' });
    expect(tagged.recordedAt.toISOString()).toBe('2026-08-04T02:00:00.000Z');
  });
});
