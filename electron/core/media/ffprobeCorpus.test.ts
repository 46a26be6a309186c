// The hand-written readers against an independent one: ffmpeg makes a corpus of the formats cheaper
// recorders write (AVI MJPEG+PCM, MPEG-TS H.264/AAC, MPEG-PS MPEG-2/MP2, MP3 with and without ID3,
// QuickTime MOV) and ffprobe's JSON is the reference for duration (±0.1 s), codecs, picture size and
// creation time. ffmpeg is a test tool only; the station never runs it.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileFacts } from '../ingest/metadata.ts';
import { formatLocal } from './localTime.ts';
import { probeMedia } from './probe.ts';
import type { MediaProbe } from './probe.ts';

const haveFfmpeg = ['ffmpeg', 'ffprobe'].every((tool) => spawnSync(tool, ['-version'], { stdio: 'ignore' }).status === 0);
if (!haveFfmpeg) console.log('ffprobe corpus skipped: ffmpeg/ffprobe are not installed (Debian package "ffmpeg")');

type Ffprobe = {
  format: { format_name: string; duration?: string; tags?: Record<string, string> };
  streams: { codec_type: string; codec_name: string; width?: number; height?: number }[];
};

const SRC_VIDEO = (size: string): string[] => ['-f', 'lavfi', '-i', `testsrc=size=${size}:rate=25`];
const SRC_AUDIO = (rate: number): string[] => ['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=${rate}`];

/** Each corpus file: how ffmpeg makes it and the format the station must name. */
const CORPUS: { file: string; format: MediaProbe['format']; kind: 'video' | 'audio'; args: string[]; after?: (path: string) => void }[] = [
  {
    file: 'DCAM_CAM001_000001_20260804_100000_IMP.avi',
    format: 'avi',
    kind: 'video',
    args: [...SRC_VIDEO('320x240'), ...SRC_AUDIO(16000), '-t', '3', '-c:v', 'mjpeg', '-c:a', 'pcm_s16le'],
    after: writeIdit,
  },
  { file: 'ts.ts', format: 'mpeg-ts', kind: 'video', args: [...SRC_VIDEO('640x360'), ...SRC_AUDIO(48000), '-t', '4', '-c:v', 'libx264', '-c:a', 'aac'] },
  { file: 'ps.mpg', format: 'mpeg-ps', kind: 'video', args: [...SRC_VIDEO('352x288'), ...SRC_AUDIO(48000), '-t', '3', '-c:v', 'mpeg2video', '-c:a', 'mp2', '-f', 'vob'] },
  {
    file: 'id3.mp3',
    format: 'mp3',
    kind: 'audio',
    args: [...SRC_AUDIO(44100), '-t', '5', '-c:a', 'libmp3lame', '-write_id3v1', '1', '-metadata', 'date=2026-08-04T10:00:00'],
  },
  {
    file: 'noid3.mp3',
    format: 'mp3',
    kind: 'audio',
    args: [...SRC_AUDIO(22050), '-t', '4', '-c:a', 'libmp3lame', '-b:a', '32k', '-id3v2_version', '0', '-write_id3v1', '0', '-write_xing', '0'],
  },
  {
    file: 'qt.mov',
    format: 'mov',
    kind: 'video',
    args: [...SRC_VIDEO('320x240'), ...SRC_AUDIO(48000), '-t', '2.5', '-c:v', 'libx264', '-c:a', 'aac', '-metadata', 'creation_time=2026-08-04T02:00:00Z'],
  },
];

/**
 * ffmpeg's AVI muxer writes no IDIT, but leaves a JUNK chunk in hdrl to reserve room for OpenDML.
 * The first part of that JUNK becomes an IDIT chunk, as a camera writes it; sizes stay the same.
 */
function writeIdit(path: string): void {
  const d = readFileSync(path);
  const hdrlAt = d.indexOf('hdrl', 0, 'latin1') - 8;
  const hdrlEnd = hdrlAt + 8 + d.readUInt32LE(hdrlAt + 4);
  const junk = d.lastIndexOf('JUNK', hdrlEnd, 'latin1');
  const size = d.readUInt32LE(junk + 4);
  const text = Buffer.from('Tue Aug 04 10:00:00 2026\n\0', 'latin1');
  const rest = size - (8 + text.length) - 8;
  const idit = Buffer.concat([Buffer.from('IDIT'), Buffer.from(Uint32Array.of(text.length).buffer), text]);
  const filler = Buffer.concat([Buffer.from('JUNK'), Buffer.from(Uint32Array.of(rest).buffer), Buffer.alloc(rest)]);
  Buffer.concat([idit, filler]).copy(d, junk);
  writeFileSync(path, d);
}

let dir = '';
beforeAll(() => {
  if (!haveFfmpeg) return;
  dir = mkdtempSync(join(tmpdir(), 'es-ffprobe-'));
  for (const c of CORPUS) {
    const path = join(dir, c.file);
    execFileSync('ffmpeg', ['-v', 'error', '-y', ...c.args, path]);
    c.after?.(path);
  }
}, 120_000);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function ffprobe(path: string): Ffprobe {
  return JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', path], { encoding: 'utf8' })) as Ffprobe;
}

describe.skipIf(!haveFfmpeg)('readers agree with ffprobe on an ffmpeg-made corpus', () => {
  it.each(CORPUS.map((c) => [c.file, c] as const))('%s', async (_name, c) => {
    const path = join(dir, c.file);
    const ref = ffprobe(path);
    const probe = await probeMedia(path);
    expect(probe.format).toBe(c.format);
    expect(probe.kind).toBe(c.kind);
    if (probe.format === 'unknown' || probe.format === 'jpeg' || probe.format === 'wav' || probe.format === 'amr') throw new Error('unexpected reader');
    if (!probe.result.ok) throw new Error(`${probe.result.reason}: ${probe.result.detail}`);
    const facts = fileFacts({ fileName: c.file, probe, mtime: new Date(), timeZone: 'Asia/Shanghai' });
    expect(facts.problem).toBeNull();
    expect(facts.durationSeconds).not.toBeNull();
    expect(Math.abs((facts.durationSeconds as number) - Number(ref.format.duration))).toBeLessThanOrEqual(0.1);

    const video = ref.streams.find((s) => s.codec_type === 'video') ?? null;
    const audio = ref.streams.find((s) => s.codec_type === 'audio') ?? null;
    // MP4/MOV keep the sample-entry fourcc ('avc1'); the other readers use ffprobe's codec names.
    const h264 = probe.format === 'mov' ? 'avc1' : 'h264';
    const aac = probe.format === 'mov' ? 'mp4a' : 'aac';
    const name = (n: string | undefined): string | null => (n === undefined ? null : n === 'h264' ? h264 : n === 'aac' ? aac : n);
    expect(facts.videoCodec).toBe(name(video?.codec_name));
    expect(facts.audioCodec).toBe(name(audio?.codec_name));
    expect(facts.width).toBe(video?.width ?? null);
    expect(facts.height).toBe(video?.height ?? null);

    const tags = ref.format.tags ?? {};
    const info = probe.result.info;
    if (info.format === 'avi') {
      // ffprobe shows IDIT as creation_time 'YYYY-MM-DD hh:mm:ss' (wall clock, no zone) and ICRD as date.
      expect(info.createdAtLocal && formatLocal(info.createdAtLocal).replace('T', ' ')).toBe(tags.creation_time);
      expect(facts.metaTime?.toISOString()).toBe('2026-08-04T02:00:00.000Z');
      expect(facts.metaTimeSource).toBe('avi:IDIT');
    } else if (info.format === 'mp3') {
      expect(info.id3Date).toBe(tags.date ?? null);
      expect(facts.metaTime?.toISOString() ?? null).toBe(tags.date ? '2026-08-04T02:00:00.000Z' : null);
    } else if (info.format === 'mp4') {
      expect(info.creationTime?.toISOString() ?? null).toBe(tags.creation_time ? new Date(tags.creation_time).toISOString() : null);
      expect(info.brand).toBe(tags.major_brand);
    } else {
      // Transport and program streams carry no creation time, and ffprobe finds none either.
      expect(tags.creation_time).toBeUndefined();
      expect(facts.metaTime).toBeNull();
    }
  });

  it('an MP3 without any tag is audio, not unknown', async () => {
    const probe = await probeMedia(join(dir, 'noid3.mp3'));
    expect(probe).toMatchObject({ format: 'mp3', kind: 'audio', result: { ok: true, info: { id3v2: null, vbrHeader: null } } });
  });
});
