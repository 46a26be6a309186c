// Chooses a reader by the file's first bytes, never by its extension: recorders and officers rename
// files, and a .MP4 that is really something else must be read as what it is (and flagged).
import { amrVariant, readAmr } from './amr.ts';
import type { AmrResult } from './amr.ts';
import { readAvi } from './avi.ts';
import type { AviResult } from './avi.ts';
import { bufferReader, withFileReader } from './fileReader.ts';
import type { RandomAccessReader } from './fileReader.ts';
import { readJpeg } from './jpeg.ts';
import type { JpegResult } from './jpeg.ts';
import { MP4_LEADING_BOX_TYPES, readMp4 } from './mp4.ts';
import type { Mp4Result } from './mp4.ts';
import { looksLikeMp3, readMp3 } from './mp3.ts';
import type { Mp3Result } from './mp3.ts';
import { readMpegPs } from './mpegPs.ts';
import type { MpegPsResult } from './mpegPs.ts';
import { readMpegTs } from './mpegTs.ts';
import type { MpegTsResult } from './mpegTs.ts';
import { fourcc } from './result.ts';
import { readWav } from './wav.ts';
import type { WavResult } from './wav.ts';
import { fromSystemError } from '../errors.ts';
import type { MediaKind } from '../../shared/recordings.ts';

export type { MediaKind };

/** Formats recognized by their magic bytes for which the station has no reader (yet). */
export type UnreadFormat = 'png' | 'heif' | 'h26x-raw';

export type MediaProbe =
  // QuickTime files share the ISO BMFF reader but are named as what they are: 'mov' when the ftyp brand
  // is 'qt  ' or there is no ftyp at all (QuickTime before ISO BMFF existed).
  | { format: 'mp4' | 'mov'; kind: 'video' | 'audio'; size: number; result: Mp4Result }
  | { format: 'avi'; kind: 'video' | 'audio'; size: number; result: AviResult }
  | { format: 'mpeg-ts'; kind: 'video' | 'audio'; size: number; result: MpegTsResult }
  | { format: 'mpeg-ps'; kind: 'video' | 'audio'; size: number; result: MpegPsResult }
  | { format: 'mp3'; kind: 'audio'; size: number; result: Mp3Result }
  | { format: 'jpeg'; kind: 'photo'; size: number; result: JpegResult }
  | { format: 'wav'; kind: 'audio'; size: number; result: WavResult }
  | { format: 'amr'; kind: 'audio'; size: number; result: AmrResult }
  | {
      format: 'unknown';
      /** The kind the magic bytes suggest ('unknown' when nothing matched). */
      kind: MediaKind;
      size: number;
      reason: 'empty' | 'unknown_format' | 'no_reader';
      /** The recognized format for `no_reader`, else a hex dump of the first bytes for the log. */
      detail: string;
    };

export type Sniffed =
  | { format: 'mp4' | 'jpeg' | 'wav' | 'amr' | 'avi' | 'mpeg-ts' | 'mpeg-ps' | 'mp3' }
  | { format: 'other'; kind: MediaKind; name: UnreadFormat }
  | { format: 'unknown' };

const HEIF_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'mif1', 'msf1', 'avif', 'avis']);

/** Identifies a format from the first bytes of a file (512 cover every check; fewer work for short files). */
export function sniffFormat(head: Buffer): Sniffed {
  const ascii = (from: number, to: number): string => head.toString('latin1', from, to);
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return { format: 'jpeg' };
  if (head.length >= 8 && MP4_LEADING_BOX_TYPES.has(fourcc(head, 4))) {
    if (ascii(4, 8) === 'ftyp' && HEIF_BRANDS.has(ascii(8, 12))) return { format: 'other', kind: 'photo', name: 'heif' };
    return { format: 'mp4' };
  }
  if (head.length >= 12 && (ascii(0, 4) === 'RIFF' || ascii(0, 4) === 'RF64')) {
    if (ascii(8, 12) === 'WAVE') return { format: 'wav' };
    if (ascii(8, 12) === 'AVI ') return { format: 'avi' };
  }
  if (amrVariant(head) !== null) return { format: 'amr' };
  if (head.length >= 8 && head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) {
    return { format: 'other', kind: 'photo', name: 'png' };
  }
  // An MP3 without an ID3 tag starts straight with a frame; two frames in a row make it one.
  if (looksLikeMp3(head)) return { format: 'mp3' };
  if (head.length >= 4 && head[0] === 0 && head[1] === 0 && head[2] === 1 && head[3] === 0xba) return { format: 'mpeg-ps' };
  if (head.length >= 5 && head[0] === 0 && head[1] === 0 && ((head[2] === 0 && head[3] === 1) || head[2] === 1)) {
    return { format: 'other', kind: 'video', name: 'h26x-raw' };
  }
  // Transport streams: 188-byte packets (or 192 with a timecode prefix, M2TS) each opening with 0x47.
  for (const [start, step] of [[0, 188], [4, 192]] as const) {
    if (head.length > start + 2 * step && [0, 1, 2].every((i) => head[start + i * step] === 0x47)) {
      return { format: 'mpeg-ts' };
    }
  }
  return { format: 'unknown' };
}

// 4 KiB: enough for two MP3 frames at 320 kbps (an MP3 without ID3 is recognized by two frames in a row).
const SNIFF_BYTES = 4096;

/** A container with no video stream found is filed as audio (an MPEG-TS from an audio recorder). */
function avKind(info: { videoCodec: string | null; audioCodec: string | null } | undefined): 'video' | 'audio' {
  return info !== undefined && info.videoCodec === null && info.audioCodec !== null ? 'audio' : 'video';
}

/** Probes already-open input; reader I/O errors propagate. */
export async function probeReader(reader: RandomAccessReader): Promise<MediaProbe> {
  const size = reader.size;
  if (size === 0) return { format: 'unknown', kind: 'unknown', size, reason: 'empty', detail: 'file is empty' };
  const head = await reader.read(0, SNIFF_BYTES);
  const sniffed = sniffFormat(head);
  switch (sniffed.format) {
    case 'mp4': {
      const result = await readMp4(reader);
      const info = result.ok ? result.info : result.partial;
      // Without a readable moov the file is still most likely what recorders make: video.
      const mov = head.toString('latin1', 4, 8) === 'ftyp' ? head.toString('latin1', 8, 12) === 'qt  ' : true;
      return { format: mov ? 'mov' : 'mp4', kind: avKind(info), size, result };
    }
    case 'avi': {
      const result = await readAvi(reader);
      return { format: 'avi', kind: avKind(result.ok ? result.info : result.partial), size, result };
    }
    case 'mpeg-ts': {
      const result = await readMpegTs(reader);
      return { format: 'mpeg-ts', kind: avKind(result.ok ? result.info : result.partial), size, result };
    }
    case 'mpeg-ps': {
      const result = await readMpegPs(reader);
      return { format: 'mpeg-ps', kind: avKind(result.ok ? result.info : result.partial), size, result };
    }
    case 'mp3':
      return { format: 'mp3', kind: 'audio', size, result: await readMp3(reader) };
    case 'jpeg':
      return { format: 'jpeg', kind: 'photo', size, result: await readJpeg(reader) };
    case 'wav':
      return { format: 'wav', kind: 'audio', size, result: await readWav(reader) };
    case 'amr':
      return { format: 'amr', kind: 'audio', size, result: await readAmr(reader) };
    case 'other':
      return { format: 'unknown', kind: sniffed.kind, size, reason: 'no_reader', detail: sniffed.name };
    case 'unknown':
      return { format: 'unknown', kind: 'unknown', size, reason: 'unknown_format', detail: `starts with ${head.toString('hex', 0, 16)}` };
  }
}

/**
 * Probes the file at `path`. Format problems are results (see MediaProbe); failing to open or read
 * the file at all (gone, unplugged, no permission) throws the StationError of fromSystemError,
 * because that is a problem with the device, not with the evidence.
 */
export async function probeMedia(path: string): Promise<MediaProbe> {
  try {
    return await withFileReader(path, probeReader);
  } catch (e) {
    // Only OS errors carry an errno code; anything else is a bug and must surface as itself.
    if (typeof (e as NodeJS.ErrnoException | null)?.code === 'string') throw fromSystemError(e, path);
    throw e;
  }
}

/** Probes bytes held in memory. */
export function probeBuffer(data: Uint8Array): Promise<MediaProbe> {
  return probeReader(bufferReader(data));
}
