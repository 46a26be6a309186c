// AVI (RIFF 'AVI ') header reader. Older and cheaper 执法记录仪 write MJPEG or H.264 with PCM/ADPCM
// sound into AVI. Everything the station needs sits in the `hdrl` list at the start of the file:
// `avih` (frame count, size), one `strl` per stream (`strh` rate/scale/length, `strf` codec), and for
// files past 1 GiB the OpenDML `odml/dmlh` total frame count (the `avih` count then covers only the
// first RIFF segment). The `movi` payload is never read.
import type { RandomAccessReader } from './fileReader.ts';
import { isValidLocalDateTime } from './localTime.ts';
import type { LocalDateTime } from './localTime.ts';
import { fail, fourcc, succeed } from './result.ts';
import type { ReadResult } from './result.ts';

export type AviInfo = {
  format: 'avi';
  /** Longest stream (strh length × scale / rate); the avih frame count when no stream says. */
  durationSeconds: number | null;
  width: number | null;
  height: number | null;
  /** ffprobe-style codec names ('mjpeg', 'h264', 'pcm_s16le'…); the raw fourcc/tag when unmapped. */
  videoCodec: string | null;
  audioCodec: string | null;
  /** IDIT (digitization date) as written: a wall-clock time without zone; null when absent. */
  createdAtLocal: LocalDateTime | null;
  /** INFO/ICRD as written ('2026-08-04'); kept for display, not a time source. */
  infoDate: string | null;
  /** An OpenDML (AVI 2.0) file: the frame count came from `dmlh`. */
  openDml: boolean;
};

export type AviResult = ReadResult<AviInfo>;

/** Chunks walked inside hdrl/INFO and at top level before giving up. */
export const MAX_AVI_CHUNKS = 1024;
/** hdrl is a few KiB; a larger one is read only this far. */
const MAX_HDRL_BYTES = 1024 * 1024;

const VIDEO_CODECS: Record<string, string> = {
  MJPG: 'mjpeg',
  mjpg: 'mjpeg',
  AVRN: 'mjpeg',
  H264: 'h264',
  h264: 'h264',
  X264: 'h264',
  x264: 'h264',
  avc1: 'h264',
  AVC1: 'h264',
  HEVC: 'hevc',
  hevc: 'hevc',
  H265: 'hevc',
  h265: 'hevc',
  hev1: 'hevc',
  hvc1: 'hevc',
  XVID: 'mpeg4',
  xvid: 'mpeg4',
  DIVX: 'mpeg4',
  DX50: 'mpeg4',
  FMP4: 'mpeg4',
  MP4V: 'mpeg4',
  mpg2: 'mpeg2video',
  MPG2: 'mpeg2video',
};

/** WAVE format tags → ffprobe codec names; PCM depends on the sample size. */
export function waveCodecName(formatTag: number, bitsPerSample: number): string {
  switch (formatTag) {
    case 1:
      return bitsPerSample === 8 ? 'pcm_u8' : bitsPerSample === 24 ? 'pcm_s24le' : bitsPerSample === 32 ? 'pcm_s32le' : 'pcm_s16le';
    case 2:
      return 'adpcm_ms';
    case 3:
      return bitsPerSample === 64 ? 'pcm_f64le' : 'pcm_f32le';
    case 6:
      return 'pcm_alaw';
    case 7:
      return 'pcm_mulaw';
    case 0x11:
      return 'adpcm_ima_wav';
    case 0x50:
      return 'mp2';
    case 0x55:
      return 'mp3';
    case 0xff:
    case 0x1600:
    case 0x706d:
      return 'aac';
    case 0x2000:
      return 'ac3';
    default:
      return `0x${formatTag.toString(16).padStart(4, '0')}`;
  }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * IDIT text. Windows writes ctime style, 'Mon Mar 10 15:04:43 2003'; some cameras write the EXIF
 * style '2003:03:10 15:04:43' or '2003-03-10 15:04:43'. Anything else is not a time.
 */
export function parseIdit(text: string): LocalDateTime | null {
  const t = text.replace(/\0/g, '').trim();
  let m = /^[A-Za-z]{3}\s+([A-Za-z]{3})\s+(\d{1,2})\s+(\d{2}):(\d{2}):(\d{2})\s+(\d{4})$/.exec(t);
  let local: LocalDateTime;
  if (m) {
    const month = MONTHS.indexOf(m[1] as string) + 1;
    if (month === 0) return null;
    local = { year: Number(m[6]), month, day: Number(m[2]), hour: Number(m[3]), minute: Number(m[4]), second: Number(m[5]) };
  } else {
    m = /^(\d{4})[:/-](\d{2})[:/-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(t);
    if (!m) return null;
    local = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]), hour: Number(m[4]), minute: Number(m[5]), second: Number(m[6]) };
  }
  return isValidLocalDateTime(local) ? local : null;
}

type Stream = { type: string; handler: string; scale: number; rate: number; length: number; codec: string | null; width: number | null; height: number | null };

type Chunk = { id: string; listType: string | null; at: number; size: number };

/** The chunks inside `buf` (a list body), by declared sizes; stops at the first that does not fit. */
function chunksIn(buf: Buffer, base: number): Chunk[] {
  const out: Chunk[] = [];
  let o = 0;
  while (o + 8 <= buf.length && out.length < MAX_AVI_CHUNKS) {
    const id = fourcc(buf, o);
    const size = buf.readUInt32LE(o + 4);
    const listType = id === 'LIST' && o + 12 <= buf.length ? fourcc(buf, o + 8) : null;
    out.push({ id, listType, at: base + o, size });
    o += 8 + size + (size % 2);
  }
  return out;
}

function parseStrl(body: Buffer): Stream | null {
  let strh: Buffer | null = null;
  let strf: Buffer | null = null;
  for (const c of chunksIn(body, 0)) {
    const data = body.subarray(c.at + 8, c.at + 8 + c.size);
    if (c.id === 'strh') strh = data;
    else if (c.id === 'strf') strf = data;
  }
  if (strh === null || strh.length < 36) return null;
  const type = fourcc(strh, 0);
  const handler = fourcc(strh, 4);
  const s: Stream = { type, handler, scale: strh.readUInt32LE(20), rate: strh.readUInt32LE(24), length: strh.readUInt32LE(32), codec: null, width: null, height: null };
  if (type === 'vids' && strf !== null && strf.length >= 20) {
    s.width = strf.readInt32LE(4);
    s.height = Math.abs(strf.readInt32LE(8));
    const compression = fourcc(strf, 16);
    s.codec = VIDEO_CODECS[compression] ?? VIDEO_CODECS[handler] ?? compression.toLowerCase();
  } else if (type === 'auds' && strf !== null && strf.length >= 16) {
    let tag = strf.readUInt16LE(0);
    if (tag === 0xfffe && strf.length >= 26) tag = strf.readUInt16LE(24);
    s.codec = waveCodecName(tag, strf.readUInt16LE(14));
  }
  return s;
}

function streamSeconds(s: Stream): number | null {
  if (s.rate === 0 || s.scale === 0 || s.length === 0) return null;
  return (s.length * s.scale) / s.rate;
}

/**
 * Reads hdrl (and a top-level INFO list, for ICRD). A RIFF size past the end of the file is
 * `truncated` with `partial`: the header is complete, only the payload is missing.
 */
export async function readAvi(reader: RandomAccessReader): Promise<AviResult> {
  if (reader.size === 0) return fail('empty', 'file is empty');
  const head = await reader.read(0, 12);
  if (head.length < 12 || head.toString('latin1', 0, 4) !== 'RIFF' || head.toString('latin1', 8, 12) !== 'AVI ') {
    return fail('not_this_format', 'not a RIFF/AVI file');
  }
  const riffEnd = 8 + head.readUInt32LE(4);
  let avih: Buffer | null = null;
  let dmlhFrames: number | null = null;
  const streams: Stream[] = [];
  let createdAtLocal: LocalDateTime | null = null;
  let infoDate: string | null = null;
  let sawHdrl = false;

  const readInfo = (body: Buffer): void => {
    for (const c of chunksIn(body, 0)) {
      const text = body.toString('latin1', c.at + 8, c.at + 8 + c.size).replace(/\0+$/, '').trim();
      if (c.id === 'ICRD' && text) infoDate = text;
      if (c.id === 'IDIT' && createdAtLocal === null) createdAtLocal = parseIdit(text);
    }
  };
  const readHdrl = (body: Buffer): void => {
    for (const c of chunksIn(body, 0)) {
      const data = body.subarray(c.at + 8, c.at + 8 + c.size);
      if (c.id === 'avih') avih = data;
      else if (c.id === 'IDIT') createdAtLocal = parseIdit(data.toString('latin1'));
      else if (c.listType === 'strl') {
        const s = parseStrl(data.subarray(4));
        if (s) streams.push(s);
      } else if (c.listType === 'odml') {
        for (const d of chunksIn(data.subarray(4), 0)) {
          if (d.id === 'dmlh' && d.size >= 4) dmlhFrames = data.readUInt32LE(4 + d.at + 8);
        }
      } else if (c.listType === 'INFO') readInfo(data.subarray(4));
    }
  };

  // Top-level walk: hdrl first, then INFO/JUNK, then movi (skipped by its size), idx1, AVIX segments.
  let offset = 12;
  for (let n = 0; offset + 8 <= Math.min(reader.size, riffEnd); n += 1) {
    if (n >= MAX_AVI_CHUNKS) return fail('malformed', `more than ${MAX_AVI_CHUNKS} top-level chunks`);
    const h = await reader.read(offset, 12);
    if (h.length < 8) break;
    const id = fourcc(h, 0);
    const size = h.readUInt32LE(4);
    const listType = id === 'LIST' && h.length >= 12 ? fourcc(h, 8) : null;
    if (listType === 'hdrl' || listType === 'INFO') {
      const body = await reader.read(offset + 12, Math.min(Math.max(size - 4, 0), MAX_HDRL_BYTES));
      if (listType === 'hdrl') {
        sawHdrl = true;
        readHdrl(body);
      } else readInfo(body);
    }
    if (listType === 'movi') break;
    offset += 8 + size + (size % 2);
  }
  if (!sawHdrl || avih === null) {
    return riffEnd > reader.size ? fail('truncated', 'file ends before the AVI header list') : fail('malformed', 'no hdrl/avih');
  }
  const avihBuf: Buffer = avih;
  if (avihBuf.length < 40) return fail('malformed', `avih of ${avihBuf.length} bytes`);
  const usPerFrame = avihBuf.readUInt32LE(0);
  const avihFrames = avihBuf.readUInt32LE(16);
  const video = streams.find((s) => s.type === 'vids') ?? null;
  const audio = streams.find((s) => s.type === 'auds') ?? null;
  const frames = dmlhFrames !== null && dmlhFrames > avihFrames ? dmlhFrames : avihFrames;
  let durationSeconds: number | null = null;
  for (const s of streams) {
    let secs = streamSeconds(s);
    // An OpenDML video strh written before the file grew can undercount like avih; dmlh is the total.
    if (s === video && dmlhFrames !== null && s.rate > 0 && dmlhFrames > s.length) secs = (dmlhFrames * s.scale) / s.rate;
    if (secs !== null && (durationSeconds === null || secs > durationSeconds)) durationSeconds = secs;
  }
  if (durationSeconds === null && usPerFrame > 0 && frames > 0) durationSeconds = (frames * usPerFrame) / 1e6;
  const info: AviInfo = {
    format: 'avi',
    durationSeconds,
    width: video?.width ?? (avihBuf.readUInt32LE(32) || null),
    height: video?.height ?? (avihBuf.readUInt32LE(36) || null),
    videoCodec: video?.codec ?? null,
    audioCodec: audio?.codec ?? null,
    createdAtLocal,
    infoDate,
    openDml: dmlhFrames !== null,
  };
  if (riffEnd > reader.size) return fail('truncated', `RIFF declares ${riffEnd} bytes, ${reader.size} present`, info);
  return succeed(info);
}
