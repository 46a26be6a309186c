// What MPEG-TS and MPEG-PS share: PES headers with their 33-bit 90 kHz PTS, and the few bytes of an
// elementary stream that say its codec and picture size (an H.264 SPS, an MPEG-2 sequence header, an
// MPEG audio frame header). Both readers look only at the head and the tail of a file; the duration is
// the span from the smallest PTS at the head to the largest at the tail plus one frame, as ffprobe
// estimates it.
import { findMpegAudioSync } from './mpegAudio.ts';

/** Bytes read from each end of a TS/PS file; the middle of a multi-GiB recording is never read. */
export const HEAD_TAIL_BYTES = 2 * 1024 * 1024;
/** Elementary-stream bytes kept per stream to find its codec and picture size. */
export const ES_SAMPLE_BYTES = 256 * 1024;

export const PTS_WRAP = 2 ** 33;

/** A 33-bit timestamp in the 5-byte PES layout (marker bits checked); null when they are wrong. */
export function readTimestamp(b: Uint8Array, at: number): number | null {
  if (at + 5 > b.length) return null;
  const b0 = b[at] as number;
  const b2 = b[at + 2] as number;
  const b4 = b[at + 4] as number;
  if ((b0 & 1) !== 1 || (b2 & 1) !== 1 || (b4 & 1) !== 1) return null;
  const hi = (b0 >> 1) & 0x07;
  const mid = (((b[at + 1] as number) << 8) | b2) >> 1;
  const lo = (((b[at + 3] as number) << 8) | b4) >> 1;
  return hi * 2 ** 30 + mid * 2 ** 15 + lo;
}

/**
 * The PTS and payload start of a PES packet at `at` (starting 00 00 01 id). MPEG-2 PES headers carry
 * flags; MPEG-1 (older PS files) carries stuffing and an optional STD buffer field instead.
 */
export function parsePesHeader(b: Uint8Array, at: number): { pts: number | null; payloadAt: number } | null {
  if (at + 9 > b.length || b[at] !== 0 || b[at + 1] !== 0 || b[at + 2] !== 1) return null;
  const flags = b[at + 6] as number;
  if ((flags & 0xc0) === 0x80) {
    const ptsFlags = ((b[at + 7] as number) >> 6) & 3;
    const headerLength = b[at + 8] as number;
    const pts = ptsFlags >= 2 ? readTimestamp(b, at + 9) : null;
    return { pts, payloadAt: at + 9 + headerLength };
  }
  let o = at + 6;
  while (o < b.length && b[o] === 0xff && o < at + 6 + 16) o += 1;
  if (o < b.length && ((b[o] as number) & 0xc0) === 0x40) o += 2;
  if (o >= b.length) return null;
  const marker = (b[o] as number) & 0xf0;
  if (marker === 0x20) return { pts: readTimestamp(b, o), payloadAt: o + 5 };
  if (marker === 0x30) return { pts: readTimestamp(b, o), payloadAt: o + 10 };
  return { pts: null, payloadAt: o + 1 };
}

/** Reads Exp-Golomb coded bits (H.264 §9.1) from an RBSP with emulation-prevention bytes removed. */
class Bits {
  private pos = 0;
  private readonly b: Uint8Array;
  constructor(b: Uint8Array) {
    this.b = b;
  }
  u(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i += 1) {
      const byte = this.b[this.pos >> 3];
      if (byte === undefined) throw new RangeError('end of SPS');
      v = v * 2 + ((byte >> (7 - (this.pos & 7))) & 1);
      this.pos += 1;
    }
    return v;
  }
  ue(): number {
    let zeros = 0;
    while (this.u(1) === 0) {
      zeros += 1;
      if (zeros > 31) throw new RangeError('bad Exp-Golomb code');
    }
    return 2 ** zeros - 1 + this.u(zeros);
  }
  se(): number {
    const k = this.ue();
    return k % 2 === 1 ? (k + 1) / 2 : -k / 2;
  }
}

function unescapeRbsp(nal: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < nal.length; i += 1) {
    if (i >= 2 && nal[i] === 3 && nal[i - 1] === 0 && nal[i - 2] === 0) continue;
    out.push(nal[i] as number);
  }
  return Uint8Array.from(out);
}

const HIGH_PROFILES = new Set([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]);

/** Picture size from an H.264 SPS NAL (header byte included), cropping applied; null when unreadable. */
export function h264SpsSize(nal: Uint8Array): { width: number; height: number } | null {
  try {
    const r = new Bits(unescapeRbsp(nal.subarray(1)));
    const profile = r.u(8);
    r.u(16);
    r.ue();
    let chroma = 1;
    if (HIGH_PROFILES.has(profile)) {
      chroma = r.ue();
      if (chroma === 3) r.u(1);
      r.ue();
      r.ue();
      r.u(1);
      if (r.u(1) === 1) {
        for (let i = 0; i < (chroma === 3 ? 12 : 8); i += 1) {
          if (r.u(1) === 0) continue;
          let last = 8;
          let next = 8;
          for (let j = 0; j < (i < 6 ? 16 : 64); j += 1) {
            if (next !== 0) next = (last + r.se() + 256) % 256;
            last = next === 0 ? last : next;
          }
        }
      }
    }
    r.ue();
    const pocType = r.ue();
    if (pocType === 0) r.ue();
    else if (pocType === 1) {
      r.u(1);
      r.se();
      r.se();
      const n = r.ue();
      for (let i = 0; i < n; i += 1) r.se();
    }
    r.ue();
    r.u(1);
    const wMbs = r.ue() + 1;
    const hUnits = r.ue() + 1;
    const frameMbsOnly = r.u(1);
    if (frameMbsOnly === 0) r.u(1);
    r.u(1);
    let crop = [0, 0, 0, 0];
    if (r.u(1) === 1) crop = [r.ue(), r.ue(), r.ue(), r.ue()];
    const cropX = chroma === 1 || chroma === 2 ? 2 : 1;
    const cropY = (chroma === 1 ? 2 : 1) * (2 - frameMbsOnly);
    const width = wMbs * 16 - cropX * ((crop[0] as number) + (crop[1] as number));
    const height = (2 - frameMbsOnly) * hUnits * 16 - cropY * ((crop[2] as number) + (crop[3] as number));
    return width > 0 && height > 0 ? { width, height } : null;
  } catch {
    return null;
  }
}

/** Start-code positions (index of the byte after 00 00 01) in an Annex B byte stream. */
function* startCodes(b: Uint8Array): Generator<number> {
  for (let i = 2; i < b.length; i += 1) {
    if (b[i] === 1 && b[i - 1] === 0 && b[i - 2] === 0) yield i + 1;
  }
}

export type EsFacts = { codec: string | null; width: number | null; height: number | null };

/**
 * Codec and picture size from the first bytes of a video elementary stream. `hint` is the codec the
 * container declared (PMT/PSM stream type), when it did.
 */
export function videoFacts(es: Uint8Array, hint: string | null): EsFacts {
  let sawMpegSeq: { width: number; height: number } | null = null;
  let sawMpegExt = false;
  let sawH264: { width: number; height: number } | null = null;
  let h264 = false;
  let hevc = false;
  for (const at of startCodes(es)) {
    const code = es[at];
    if (code === undefined) break;
    if (code === 0xb3 && at + 3 <= es.length && sawMpegSeq === null) {
      const b0 = es[at + 1] as number;
      const b1 = es[at + 2] as number;
      const b2 = es[at + 3] as number;
      sawMpegSeq = { width: (b0 << 4) | (b1 >> 4), height: ((b1 & 0x0f) << 8) | b2 };
    } else if (code === 0xb5 && sawMpegSeq !== null) sawMpegExt = true;
    if (hint !== 'hevc' && (code & 0x80) === 0 && (code & 0x1f) === 7 && sawH264 === null) {
      h264 = true;
      let end = es.length;
      for (let j = at + 3; j + 2 < es.length; j += 1) {
        if (es[j] === 0 && es[j + 1] === 0 && (es[j + 2] === 1 || es[j + 2] === 0)) {
          end = j;
          break;
        }
      }
      sawH264 = h264SpsSize(es.subarray(at, end));
    }
    if (((code >> 1) & 0x3f) === 32 && (code & 0x80) === 0) hevc = true;
  }
  if (hint === 'h264' || (hint === null && h264 && sawMpegSeq === null)) return { codec: 'h264', width: sawH264?.width ?? null, height: sawH264?.height ?? null };
  if (hint === 'mpeg2video' || hint === 'mpeg1video' || (hint === null && sawMpegSeq !== null)) {
    return { codec: hint ?? (sawMpegExt ? 'mpeg2video' : 'mpeg1video'), width: sawMpegSeq?.width ?? null, height: sawMpegSeq?.height ?? null };
  }
  // HEVC picture size needs the full SPS grammar (profile_tier_level and more); the codec is enough here.
  if (hint === 'hevc' || (hint === null && hevc)) return { codec: 'hevc', width: null, height: null };
  return { codec: hint, width: null, height: null };
}

/** Codec of an audio elementary stream: the container's word, else the MPEG audio layer. */
export function audioFacts(es: Uint8Array, hint: string | null): string | null {
  if (hint !== null && hint !== 'mpeg_audio') return hint;
  const sync = findMpegAudioSync(es.subarray(0, 8192), 0, es.length < 8192);
  if (sync !== null) return sync.header.codec;
  return hint === 'mpeg_audio' ? 'mp2' : null;
}

/** PMT / PSM stream_type → ffprobe codec name ('mpeg_audio' = MP2 or MP3, decided from the frames). */
export const STREAM_TYPES: Record<number, { kind: 'video' | 'audio'; codec: string }> = {
  0x01: { kind: 'video', codec: 'mpeg1video' },
  0x02: { kind: 'video', codec: 'mpeg2video' },
  0x03: { kind: 'audio', codec: 'mpeg_audio' },
  0x04: { kind: 'audio', codec: 'mpeg_audio' },
  0x0f: { kind: 'audio', codec: 'aac' },
  0x10: { kind: 'video', codec: 'mpeg4' },
  0x11: { kind: 'audio', codec: 'aac_latm' },
  0x1b: { kind: 'video', codec: 'h264' },
  0x24: { kind: 'video', codec: 'hevc' },
  0x42: { kind: 'video', codec: 'cavs' },
  0x81: { kind: 'audio', codec: 'ac3' },
  0x87: { kind: 'audio', codec: 'eac3' },
  // GB/T 28181 PS: 0x90 G.711 A-law, 0x91 G.711 µ-law.
  0x90: { kind: 'audio', codec: 'pcm_alaw' },
  0x91: { kind: 'audio', codec: 'pcm_mulaw' },
};

/**
 * Per-stream PTS bookkeeping: smallest at the head, largest at the tail, shortest step at the tail.
 * PTS are unwrapped against the first one seen: a value more than 2^32 below it came after the 33-bit
 * counter wrapped (every 26.5 hours of clock, so any recording can cross it).
 */
export class PtsSpan {
  first: number | null = null;
  last: number | null = null;
  private anchor: number | null = null;
  private tailPts: number[] = [];
  private unwrap(pts: number): number {
    this.anchor ??= pts;
    return pts < this.anchor - 2 ** 32 ? pts + PTS_WRAP : pts;
  }
  head(pts: number): void {
    const p = this.unwrap(pts);
    if (this.first === null || p < this.first) this.first = p;
  }
  tail(pts: number): void {
    const p = this.unwrap(pts);
    this.tailPts.push(p);
    if (this.last === null || p > this.last) this.last = p;
  }
  /** The last PTS plus one frame (the shortest step between distinct PTS seen at the tail). */
  end(): number | null {
    if (this.last === null) return null;
    const sorted = [...new Set(this.tailPts)].sort((a, b) => a - b);
    let step = 0;
    for (let i = 1; i < sorted.length; i += 1) {
      const d = (sorted[i] as number) - (sorted[i - 1] as number);
      if (d > 0 && (step === 0 || d < step)) step = d;
    }
    // More than half a second between packets is a gap, not a frame.
    return this.last + (step > 0 && step <= 45_000 ? step : 0);
  }
}

/**
 * Seconds from the earliest start to the latest end, allowing for one PTS wrap. The end is taken from
 * the video streams when there are any: a video PES holds one frame, so its last PTS plus one frame
 * step is exact, while an audio PES packs a variable number of frames behind one PTS.
 */
export function spanSeconds(spans: Iterable<PtsSpan>, videoSpans: Iterable<PtsSpan> = []): number | null {
  let start: number | null = null;
  for (const s of spans) {
    if (s.first !== null && (start === null || s.first < start)) start = s.first;
  }
  const lastEnd = (list: Iterable<PtsSpan>): number | null => {
    let end: number | null = null;
    for (const s of list) {
      const e = s.end();
      if (e !== null && (end === null || e > end)) end = e;
    }
    return end;
  };
  const end = lastEnd(videoSpans) ?? lastEnd(spans);
  if (start === null || end === null) return null;
  let ticks = end - start;
  if (ticks < 0) ticks += PTS_WRAP;
  return ticks / 90_000;
}

export type MpegStreamInfo = {
  format: 'mpeg-ts' | 'mpeg-ps';
  durationSeconds: number | null;
  width: number | null;
  height: number | null;
  videoCodec: string | null;
  audioCodec: string | null;
  /** Elementary streams found (PMT/PSM entries, else stream ids that carried PES packets). */
  streams: { id: number; kind: 'video' | 'audio' | 'other'; codec: string | null }[];
};

/** What both container readers report; durations to the microsecond, as ffprobe prints them. */
export function mpegStreamInfo(
  format: MpegStreamInfo['format'],
  durationSeconds: number | null,
  video: { codec: string | null; width: number | null; height: number | null } | null,
  audioCodec: string | null,
  streams: MpegStreamInfo['streams'],
): MpegStreamInfo {
  return {
    format,
    durationSeconds: durationSeconds === null ? null : Math.round(durationSeconds * 1e6) / 1e6,
    width: video?.width ?? null,
    height: video?.height ?? null,
    videoCodec: video?.codec ?? null,
    audioCodec,
    streams,
  };
}
