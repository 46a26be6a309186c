// JPEG header reader: frame size from the SOF segment and the EXIF capture time. Recorder photos
// carry the wall-clock time without a zone; the caller applies the agency time zone (localTime.ts),
// unless EXIF 2.31 OffsetTimeOriginal says what the camera's offset was.
import type { RandomAccessReader } from './fileReader.ts';
import type { LocalDateTime } from './localTime.ts';
import { isValidLocalDateTime } from './localTime.ts';
import { fail, succeed } from './result.ts';
import type { ReadResult } from './result.ts';

export type ExifTimeSource = 'DateTimeOriginal' | 'DateTimeDigitized' | 'DateTime';

export type JpegInfo = {
  format: 'jpeg';
  /** Frame size; 0 only in a failure's `partial` when no SOF segment was found. */
  width: number;
  height: number;
  /** SOF0 baseline, SOF2 progressive, or another SOFn marker byte (0xc1…) as a number. */
  encoding: 'baseline' | 'progressive' | number;
  /** Capture time as written (no zone): ExifIFD DateTimeOriginal, else DateTimeDigitized, else IFD0 DateTime. */
  takenAtLocal: LocalDateTime | null;
  takenAtSource: ExifTimeSource | null;
  /** The raw EXIF string of that time, kept for the catalogue even when it is not a valid time. */
  takenAtRaw: string | null;
  /** EXIF OffsetTimeOriginal ('+08:00') when the camera wrote one. */
  offsetTime: string | null;
  make: string | null;
  model: string | null;
  hasExif: boolean;
};

export type JpegResult = ReadResult<JpegInfo>;

/** Segments looked at before giving up; real files have a dozen. */
export const MAX_JPEG_SEGMENTS = 1024;
const MAX_IFD_ENTRIES = 1024;

const TAG_MAKE = 0x010f;
const TAG_MODEL = 0x0110;
const TAG_DATETIME = 0x0132;
const TAG_EXIF_IFD = 0x8769;
const TAG_DATETIME_ORIGINAL = 0x9003;
const TAG_DATETIME_DIGITIZED = 0x9004;
const TAG_OFFSET_TIME_ORIGINAL = 0x9011;

type Exif = {
  strings: Map<number, string>;
};

/**
 * Parses the TIFF structure inside APP1 Exif. Damage inside EXIF is not a failure of the photo:
 * what can be read is kept, the rest is ignored.
 */
function parseTiff(tiff: Buffer): Exif {
  const strings = new Map<number, string>();
  const exif: Exif = { strings };
  if (tiff.length < 8) return exif;
  const order = tiff.toString('latin1', 0, 2);
  if (order !== 'II' && order !== 'MM') return exif;
  const le = order === 'II';
  const r16 = (at: number): number => (le ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const r32 = (at: number): number => (le ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));
  if (r16(2) !== 42) return exif;

  const visited = new Set<number>();
  const readIfd = (offset: number, wanted: ReadonlySet<number>): number | null => {
    // A pointer loop (IFD pointing at itself) must not spin.
    if (visited.has(offset) || offset < 8 || offset + 2 > tiff.length) return null;
    visited.add(offset);
    const count = Math.min(r16(offset), MAX_IFD_ENTRIES);
    let exifPointer: number | null = null;
    for (let i = 0; i < count; i += 1) {
      const at = offset + 2 + i * 12;
      if (at + 12 > tiff.length) break;
      const tag = r16(at);
      const type = r16(at + 2);
      const n = r32(at + 4);
      if (tag === TAG_EXIF_IFD && (type === 4 || type === 13)) exifPointer = r32(at + 8);
      if (!wanted.has(tag) || type !== 2 || n === 0 || n > 256) continue;
      const start = n <= 4 ? at + 8 : r32(at + 8);
      if (start + n > tiff.length) continue;
      const raw = tiff.toString('latin1', start, start + n);
      strings.set(tag, raw.replace(/\0[\s\S]*$/, '').trim());
    }
    return exifPointer;
  };

  const pointer = readIfd(r32(4), new Set([TAG_MAKE, TAG_MODEL, TAG_DATETIME]));
  if (pointer !== null) readIfd(pointer, new Set([TAG_DATETIME_ORIGINAL, TAG_DATETIME_DIGITIZED, TAG_OFFSET_TIME_ORIGINAL]));
  return exif;
}

/**
 * 'YYYY:MM:DD HH:MM:SS' as EXIF writes it; '-' as date separator and 'T' are tolerated because
 * some recorder firmwares write them. Blank or all-zero times ("not set") give null.
 */
export function parseExifDateTime(text: string): LocalDateTime | null {
  const m = /^(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(text.trim());
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const t = { year, month, day, hour, minute, second };
  return isValidLocalDateTime(t) ? t : null;
}

/** SOFn markers that carry the frame size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but are not frames. */
function isSof(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/** Reads frame size and EXIF from the segments before the first scan; the image data is never read. */
export async function readJpeg(reader: RandomAccessReader): Promise<JpegResult> {
  if (reader.size === 0) return fail('empty', 'file is empty');
  const soi = await reader.read(0, 3);
  if (soi.length < 3 || soi[0] !== 0xff || soi[1] !== 0xd8 || soi[2] !== 0xff) {
    return fail('not_this_format', 'no JPEG start-of-image marker');
  }
  let exif: Exif | null = null;
  let frame: Frame | null = null;
  let offset = 2;
  let ended: 'scan' | 'eoi' | 'eof' = 'eof';
  for (let segments = 0; ; segments += 1) {
    if (segments >= MAX_JPEG_SEGMENTS) return fail('malformed', `more than ${MAX_JPEG_SEGMENTS} segments before the image data`);
    const head = await reader.read(offset, 4);
    if (head.length < 2) break;
    if (head[0] !== 0xff) return fail('malformed', `expected a marker at ${offset}, found 0x${head.toString('hex', 0, 1)}`);
    const marker = head[1] as number;
    if (marker === 0xff) {
      offset += 1; // fill byte before a marker
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      offset += 2; // stand-alone markers carry no length
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) {
      ended = marker === 0xda ? 'scan' : 'eoi';
      break;
    }
    if (head.length < 4) break;
    const length = head.readUInt16BE(2);
    if (length < 2) return fail('malformed', `segment 0xff${marker.toString(16)} at ${offset} has length ${length}`);
    const bodyAt = offset + 4;
    const bodyLength = length - 2;
    if (bodyAt + bodyLength > reader.size) {
      return fail('truncated', `segment 0xff${marker.toString(16)} at ${offset} runs past end of file`, frame ? infoFrom(frame, exif) : undefined);
    }
    if (marker === 0xe1 && exif === null) {
      const body = await reader.read(bodyAt, bodyLength);
      if (body.toString('latin1', 0, 6) === 'Exif\0\0') exif = parseTiff(body.subarray(6));
    } else if (isSof(marker) && frame === null) {
      const body = await reader.read(bodyAt, Math.min(bodyLength, 6));
      if (body.length < 5) return fail('malformed', `SOF segment at ${offset} is ${body.length} bytes`);
      frame = {
        height: body.readUInt16BE(1),
        width: body.readUInt16BE(3),
        encoding: marker === 0xc0 ? 'baseline' : marker === 0xc2 ? 'progressive' : marker,
      };
    }
    offset = bodyAt + bodyLength;
  }
  // Without a frame header there is no picture, but an EXIF time is still worth keeping.
  const info = infoFrom(frame ?? { width: 0, height: 0, encoding: 'baseline' }, exif);
  if (frame === null) {
    return fail(ended === 'eof' ? 'truncated' : 'malformed', 'no frame header (SOF) before the image data', exif ? info : undefined);
  }
  if (ended === 'eof') return fail('truncated', 'file ends before the image data', info);
  if (ended === 'eoi') return fail('malformed', 'end-of-image marker before any image data', info);
  if (ended === 'scan' && !(await endsWithEoi(reader))) return fail('truncated', 'no end-of-image marker: image data cut short', info);
  return succeed(info);
}

/** How far from the end an end-of-image marker is looked for: cameras pad files or append vendor data. */
const EOI_SEARCH_BYTES = 64 * 1024;

/**
 * Entropy-coded data never contains FF D9 (an FF there is stuffed as FF 00), so its absence from
 * the tail means the scan was cut off: an interrupted copy or a camera that lost power.
 */
async function endsWithEoi(reader: RandomAccessReader): Promise<boolean> {
  const from = Math.max(0, reader.size - EOI_SEARCH_BYTES);
  const tail = await reader.read(from, reader.size - from);
  return tail.includes(Buffer.from([0xff, 0xd9]));
}

type Frame = { width: number; height: number; encoding: JpegInfo['encoding'] };

function infoFrom(frame: Frame, exif: Exif | null): JpegInfo {
  const s = exif?.strings ?? new Map<number, string>();
  const sources: [ExifTimeSource, number][] = [
    ['DateTimeOriginal', TAG_DATETIME_ORIGINAL],
    ['DateTimeDigitized', TAG_DATETIME_DIGITIZED],
    ['DateTime', TAG_DATETIME],
  ];
  let takenAtLocal: LocalDateTime | null = null;
  let takenAtSource: ExifTimeSource | null = null;
  let takenAtRaw: string | null = null;
  for (const [source, tag] of sources) {
    const raw = s.get(tag);
    if (raw === undefined || raw === '') continue;
    takenAtRaw ??= raw;
    const parsed = parseExifDateTime(raw);
    if (parsed) {
      takenAtLocal = parsed;
      takenAtSource = source;
      takenAtRaw = raw;
      break;
    }
  }
  return {
    format: 'jpeg',
    width: frame.width,
    height: frame.height,
    encoding: frame.encoding,
    takenAtLocal,
    takenAtSource,
    takenAtRaw,
    offsetTime: s.get(TAG_OFFSET_TIME_ORIGINAL) || null,
    make: s.get(TAG_MAKE) || null,
    model: s.get(TAG_MODEL) || null,
    hasExif: exif !== null,
  };
}
