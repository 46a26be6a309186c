// MPEG-1/2/2.5 audio frame headers (ISO/IEC 11172-3 §2.4.2.3, 13818-3): shared by the MP3 reader and by
// the MPEG-TS/PS readers, which tell MP2 from MP3 by the first frame in an audio packet.

export type MpegAudioHeader = {
  version: 1 | 2 | 2.5;
  layer: 1 | 2 | 3;
  bitrateKbps: number;
  sampleRate: number;
  channels: 1 | 2;
  padding: boolean;
  /** Bytes in this frame, header included. */
  frameBytes: number;
  samplesPerFrame: number;
  codec: 'mp1' | 'mp2' | 'mp3';
};

const BITRATES: Record<string, readonly number[]> = {
  '1-1': [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  '1-2': [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  '1-3': [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  '2-1': [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  '2-2': [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  '2-3': [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
const RATES_V1 = [44100, 48000, 32000];

/**
 * The frame header at `at`, or null when the four bytes are not one. Free-format frames (bitrate
 * index 0) are refused: their length cannot be known from the header, and recorders do not write them.
 */
export function parseMpegAudioHeader(b: Uint8Array, at = 0): MpegAudioHeader | null {
  if (at + 4 > b.length) return null;
  const b1 = b[at + 1] as number;
  const b2 = b[at + 2] as number;
  const b3 = b[at + 3] as number;
  if (b[at] !== 0xff || (b1 & 0xe0) !== 0xe0) return null;
  const v = (b1 >> 3) & 3;
  const l = (b1 >> 1) & 3;
  const bi = (b2 >> 4) & 0x0f;
  const si = (b2 >> 2) & 3;
  if (v === 1 || l === 0 || bi === 0 || bi === 15 || si === 3) return null;
  const version = v === 3 ? 1 : v === 2 ? 2 : 2.5;
  const layer = (4 - l) as 1 | 2 | 3;
  const bitrateKbps = (BITRATES[`${version === 1 ? 1 : 2}-${layer}`] as readonly number[])[bi] as number;
  const sampleRate = (RATES_V1[si] as number) / (version === 1 ? 1 : version === 2 ? 2 : 4);
  const padding = ((b2 >> 1) & 1) === 1;
  const channels = (b3 >> 6) === 3 ? 1 : 2;
  const samplesPerFrame = layer === 1 ? 384 : layer === 3 && version !== 1 ? 576 : 1152;
  const frameBytes =
    layer === 1
      ? (Math.floor((12 * bitrateKbps * 1000) / sampleRate) + (padding ? 1 : 0)) * 4
      : Math.floor(((samplesPerFrame / 8) * bitrateKbps * 1000) / sampleRate) + (padding ? 1 : 0);
  return { version, layer, bitrateKbps, sampleRate, channels, padding, frameBytes, samplesPerFrame, codec: layer === 1 ? 'mp1' : layer === 2 ? 'mp2' : 'mp3' };
}

/** First offset in `b` from `from` where a header is followed by another at its frame length (two frames agree). */
export function findMpegAudioSync(b: Uint8Array, from = 0, needSecond = true): { at: number; header: MpegAudioHeader } | null {
  for (let i = from; i + 4 <= b.length; i += 1) {
    if (b[i] !== 0xff) continue;
    const h = parseMpegAudioHeader(b, i);
    if (h === null) continue;
    if (!needSecond) return { at: i, header: h };
    const next = parseMpegAudioHeader(b, i + h.frameBytes);
    if (next !== null && next.sampleRate === h.sampleRate && next.layer === h.layer && next.version === h.version) return { at: i, header: h };
  }
  return null;
}
