// RIFF/WAVE header reader (also RF64, which recorders switch to past 4 GiB). Only chunk headers and
// the fmt chunk are read; the samples are skipped by declared chunk sizes.
import type { RandomAccessReader } from './fileReader.ts';
import { fail, fourcc, succeed } from './result.ts';
import type { ReadResult } from './result.ts';

export type WavInfo = {
  format: 'wav';
  /** Seconds of audio present: data bytes / average bytes per second. */
  durationSeconds: number;
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** WAVE format tag after resolving WAVE_FORMAT_EXTENSIBLE (1 PCM, 3 float, 6 A-law, 7 µ-law, 0x11 IMA ADPCM…). */
  formatTag: number;
  codec: 'pcm' | 'float' | 'alaw' | 'mulaw' | 'adpcm_ima' | 'adpcm_ms' | 'other';
  /** Bytes of audio data present in the file. */
  dataBytes: number;
};

export type WavResult = ReadResult<WavInfo>;

/** Chunks looked at before giving up; real files have a handful. */
export const MAX_WAV_CHUNKS = 1024;

const CODECS: Record<number, WavInfo['codec']> = { 1: 'pcm', 2: 'adpcm_ms', 3: 'float', 6: 'alaw', 7: 'mulaw', 0x11: 'adpcm_ima' };

type Fmt = { formatTag: number; channels: number; sampleRate: number; byteRate: number; blockAlign: number; bitsPerSample: number };

function parseFmt(b: Buffer): Fmt | null {
  if (b.length < 16) return null;
  let formatTag = b.readUInt16LE(0);
  // WAVE_FORMAT_EXTENSIBLE: the real tag is the first two bytes of the SubFormat GUID.
  if (formatTag === 0xfffe && b.length >= 26) formatTag = b.readUInt16LE(24);
  return {
    formatTag,
    channels: b.readUInt16LE(2),
    sampleRate: b.readUInt32LE(4),
    byteRate: b.readUInt32LE(8),
    blockAlign: b.readUInt16LE(12),
    bitsPerSample: b.readUInt16LE(14),
  };
}

/**
 * Reads fmt and data. A data chunk longer than the file, or one whose size was never written
 * (0 or 0xFFFFFFFF with audio following, as a recorder leaves it when it loses power), is
 * `truncated`, with `partial` timed from the bytes actually present.
 */
export async function readWav(reader: RandomAccessReader): Promise<WavResult> {
  if (reader.size === 0) return fail('empty', 'file is empty');
  const head = await reader.read(0, 12);
  const riff = head.toString('latin1', 0, 4);
  if (head.length < 12 || (riff !== 'RIFF' && riff !== 'RF64') || head.toString('latin1', 8, 12) !== 'WAVE') {
    return fail('not_this_format', 'not a RIFF/WAVE file');
  }
  let fmt: Fmt | null = null;
  let rf64DataSize: number | null = null;
  let offset = 12;
  for (let chunks = 0; offset + 8 <= reader.size; chunks += 1) {
    if (chunks >= MAX_WAV_CHUNKS) return fail('malformed', `more than ${MAX_WAV_CHUNKS} chunks`);
    const ch = await reader.read(offset, 8);
    const id = fourcc(ch, 0);
    const declared = ch.readUInt32LE(4);
    const bodyAt = offset + 8;
    // Only the data chunk may legitimately run to (or past) the end: recorders append samples to it.
    if (id !== 'data' && bodyAt + declared > reader.size) {
      return fail('truncated', `'${id}' chunk at ${offset} runs past end of file`);
    }
    if (id === 'ds64') {
      const body = await reader.read(bodyAt, Math.min(declared, 28));
      if (body.length >= 16) {
        const size = body.readBigUInt64LE(8);
        if (size <= BigInt(Number.MAX_SAFE_INTEGER)) rf64DataSize = Number(size);
      }
    } else if (id === 'fmt ') {
      fmt = parseFmt(await reader.read(bodyAt, Math.min(declared, 40)));
      if (fmt === null) return fail('malformed', `fmt chunk of ${declared} bytes is too short`);
    } else if (id === 'data') {
      if (fmt === null) return fail('malformed', 'data chunk before fmt chunk');
      const present = reader.size - bodyAt;
      const size = riff === 'RF64' && declared === 0xffff_ffff && rf64DataSize !== null ? rf64DataSize : declared;
      const unfinalized = (size === 0 || size === 0xffff_ffff) && present > 0;
      const dataBytes = Math.min(size, present);
      const info = toInfo(fmt, unfinalized ? present : dataBytes);
      if (info === null) return fail('malformed', `fmt declares ${fmt.byteRate} bytes/s, ${fmt.channels} channels`);
      if (unfinalized) return fail('truncated', 'data chunk size never written (recording not finalized)', info);
      if (size > present) return fail('truncated', `data chunk declares ${size} bytes, ${present} present`, info);
      return succeed(info);
    }
    // Chunks are padded to even length; a chunk past the end of the file ends the walk.
    offset = bodyAt + declared + (declared % 2);
  }
  const missing = fmt === null ? 'fmt and data chunks' : 'data chunk';
  // Ending exactly on a chunk boundary means the chunks are complete and simply lack data.
  if (offset === reader.size) return fail('malformed', `no ${missing}`);
  return fail('truncated', `file ends inside a chunk before the ${missing}`);
}

function toInfo(fmt: Fmt, dataBytes: number): WavInfo | null {
  let byteRate = fmt.byteRate;
  // Some writers leave byteRate 0; for PCM-like formats it follows from the block size.
  if (byteRate === 0 && fmt.blockAlign > 0) byteRate = fmt.blockAlign * fmt.sampleRate;
  if (byteRate === 0 || fmt.sampleRate === 0 || fmt.channels === 0) return null;
  return {
    format: 'wav',
    durationSeconds: dataBytes / byteRate,
    sampleRate: fmt.sampleRate,
    channels: fmt.channels,
    bitsPerSample: fmt.bitsPerSample,
    formatTag: fmt.formatTag,
    codec: CODECS[fmt.formatTag] ?? 'other',
    dataBytes,
  };
}
