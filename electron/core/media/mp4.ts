// ISO BMFF (MP4, QuickTime MOV) header reader. Recorders write `moov` at the END, after an `mdat`
// of several GiB, so the walk hops from box header to box header by declared sizes and reads only
// the few small boxes it needs; the sample tables (stsz, stco…), which can be megabytes, are skipped.
// A recording cut short (battery pulled, partial copy) is ordinary evidence here, so every problem
// is a ReadResult, never an exception; only I/O errors from the reader propagate.
import type { RandomAccessReader } from './fileReader.ts';
import { fail, fourcc, succeed } from './result.ts';
import type { ReadFailureReason, ReadResult } from './result.ts';

export type Mp4Info = {
  format: 'mp4';
  /** ftyp major brand ('isom', 'mp42', 'qt  '…); null for old QuickTime files that have no ftyp. */
  brand: string | null;
  /**
   * mvhd creation time. ISO BMFF says UTC, but many recorders write their local wall clock here;
   * the catalogue keeps this next to the file-name time so the two can be compared, not trusted blindly.
   * null when the field is 0 (clock never set) or not representable as a Date.
   */
  creationTime: Date | null;
  /** mvhd duration / timescale, falling back to the longest track (mdhd); null when unknown. */
  durationSeconds: number | null;
  /** mvhd timescale (units per second). */
  timescale: number;
  /** Video track presentation size (tkhd, else the stsd sample entry); null without a video track. */
  width: number | null;
  height: number | null;
  /** First sample entry fourcc of the first video / audio track: 'avc1', 'hvc1', 'hev1', 'mp4a'… */
  videoCodec: string | null;
  audioCodec: string | null;
  /** Byte offset of the moov box: at the end for recorders, at the start for "fast start" files. */
  moovOffset: number;
};

export type Mp4Result = ReadResult<Mp4Info>;

/** Top-level boxes walked before giving up: real files have fewer than ten. */
export const MAX_TOP_LEVEL_BOXES = 4096;
/** Boxes inside moov looked at before giving up; bounds the work any input can cause. */
export const MAX_MOOV_BOXES = 20_000;
const MAX_TRACKS = 64;

// Types that can open a file; used by probe.ts to recognize an MP4 by its magic bytes.
export const MP4_LEADING_BOX_TYPES: ReadonlySet<string> = new Set([
  'ftyp',
  'moov',
  'mdat',
  'free',
  'skip',
  'wide',
  'pnot',
  'styp',
  'uuid',
  'junk',
]);

const MAC_EPOCH_OFFSET_SECONDS = 2_082_844_800; // 1904-01-01 → 1970-01-01
const MAX_DATE_MS = 8.64e15;

class Mp4Problem extends Error {
  readonly reason: ReadFailureReason;
  /** What the movie header said before the problem was met, if it was reached. */
  partial: Mp4Info | undefined;
  constructor(reason: ReadFailureReason, detail: string, partial?: Mp4Info) {
    super(detail);
    this.reason = reason;
    this.partial = partial;
  }
}

type Box = { type: string; start: number; headerSize: number; end: number };

type Walk = {
  reader: RandomAccessReader;
  moovBoxes: number;
  /** The highest last-chunk offset of any track: where the media data must at least reach. */
  lastChunkOffset: number;
};

/**
 * Reads the box header at `offset` inside [offset, limit). `topLevel` boxes may run to the end of
 * the file (size 0); inside a parent, size 0 means to the end of the parent.
 */
async function readBoxHeader(walk: Walk, offset: number, limit: number): Promise<Box> {
  const fileSize = walk.reader.size;
  const available = Math.min(limit, fileSize) - offset;
  if (available < 8) {
    throw new Mp4Problem('truncated', `box header at ${offset} cut off after ${available} bytes`);
  }
  const head = await walk.reader.read(offset, Math.min(16, available));
  if (head.length < 8) throw new Mp4Problem('truncated', `box header at ${offset} unreadable past end of file`);
  const size32 = head.readUInt32BE(0);
  const type = fourcc(head, 4);
  let headerSize = 8;
  let size: number;
  if (size32 === 1) {
    if (head.length < 16) throw new Mp4Problem('truncated', `64-bit size of '${type}' at ${offset} cut off`);
    const large = head.readBigUInt64BE(8);
    headerSize = 16;
    if (large === 0n) {
      // Not in the standard, but an unfinalized recording leaves this placeholder: read it like size 0.
      size = limit - offset;
    } else if (large > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new Mp4Problem('malformed', `'${type}' at ${offset} declares ${large} bytes`);
    } else {
      size = Number(large);
    }
  } else if (size32 === 0) {
    size = limit - offset;
  } else {
    size = size32;
  }
  if (size < headerSize) {
    throw new Mp4Problem('malformed', `'${type}' at ${offset} declares ${size} bytes, less than its ${headerSize}-byte header`);
  }
  return { type, start: offset, headerSize, end: offset + size };
}

/** Children of a container box, each checked to lie inside its parent. */
async function* childBoxes(walk: Walk, parent: Box): AsyncGenerator<Box> {
  let offset = parent.start + parent.headerSize;
  while (offset < parent.end) {
    // QuickTime ends some containers with a 4-byte zero terminator; a remainder this short is not a box.
    if (parent.end - offset < 8) return;
    walk.moovBoxes += 1;
    if (walk.moovBoxes > MAX_MOOV_BOXES) throw new Mp4Problem('malformed', `more than ${MAX_MOOV_BOXES} boxes in moov`);
    const box = await readBoxHeader(walk, offset, parent.end);
    if (box.end > parent.end) {
      if (box.end > walk.reader.size) {
        throw new Mp4Problem('truncated', `'${box.type}' at ${box.start} ends at ${box.end}, past end of file ${walk.reader.size}`);
      }
      throw new Mp4Problem('malformed', `'${box.type}' at ${box.start} ends at ${box.end}, outside its '${parent.type}' (ends ${parent.end})`);
    }
    yield box;
    offset = box.end;
  }
}

/** The payload of a small leaf box, at most `cap` bytes of it. */
async function payload(walk: Walk, box: Box, cap: number): Promise<Buffer> {
  const start = box.start + box.headerSize;
  return walk.reader.read(start, Math.min(cap, box.end - start));
}

function need(buf: Buffer, bytes: number, what: string): void {
  if (buf.length < bytes) throw new Mp4Problem('malformed', `${what} is ${buf.length} bytes, needs ${bytes}`);
}

type MovieHeader = { creationSeconds: bigint; timescale: number; duration: bigint | null };

/** mvhd and mdhd share their first fields: version, flags, creation, modification, timescale, duration. */
function parseTimeHeader(buf: Buffer, what: string): MovieHeader {
  need(buf, 4, what);
  const version = buf.readUInt8(0);
  if (version === 1) {
    need(buf, 32, what);
    const raw = buf.readBigUInt64BE(24);
    return {
      creationSeconds: buf.readBigUInt64BE(4),
      timescale: buf.readUInt32BE(20),
      duration: raw === 0xffff_ffff_ffff_ffffn ? null : raw,
    };
  }
  if (version !== 0) throw new Mp4Problem('unsupported', `${what} version ${version}`);
  need(buf, 20, what);
  const raw = buf.readUInt32BE(16);
  return {
    creationSeconds: BigInt(buf.readUInt32BE(4)),
    timescale: buf.readUInt32BE(12),
    duration: raw === 0xffff_ffff ? null : BigInt(raw),
  };
}

function macSecondsToDate(seconds: bigint): Date | null {
  if (seconds === 0n) return null;
  const ms = (seconds - BigInt(MAC_EPOCH_OFFSET_SECONDS)) * 1000n;
  if (ms > BigInt(MAX_DATE_MS) || ms < -BigInt(MAX_DATE_MS)) return null;
  return new Date(Number(ms));
}

function seconds(duration: bigint | null, timescale: number): number | null {
  if (duration === null || timescale === 0) return null;
  return Number(duration) / timescale;
}

type Track = {
  handler: string | null;
  width: number;
  height: number;
  codec: string | null;
  entryWidth: number;
  entryHeight: number;
  durationSeconds: number | null;
};

function parseTkhd(buf: Buffer, track: Track): void {
  need(buf, 4, 'tkhd');
  const version = buf.readUInt8(0);
  const at = version === 1 ? 88 : 76; // after times, ids, layer, volume and the 3x3 matrix
  need(buf, at + 8, 'tkhd');
  // 16.16 fixed point; fractional sizes exist (anamorphic) and are kept.
  track.width = buf.readUInt32BE(at) / 65536;
  track.height = buf.readUInt32BE(at + 4) / 65536;
}

async function parseStsd(walk: Walk, box: Box, track: Track): Promise<void> {
  const buf = await payload(walk, box, 8 + 64);
  need(buf, 8, 'stsd');
  const entries = buf.readUInt32BE(4);
  if (entries === 0 || buf.length < 16) return;
  track.codec = fourcc(buf, 12);
  // Visual sample entries carry width/height 24 bytes into the entry body (after the 8-byte header).
  if (buf.length >= 8 + 8 + 32 + 4) {
    track.entryWidth = buf.readUInt16BE(8 + 32);
    track.entryHeight = buf.readUInt16BE(8 + 34);
  }
}

/**
 * Chunk offsets rise through the file in every muxer we know of, so the last entry alone tells
 * whether the media data is all there; one small read, whatever the table's size.
 */
async function readLastChunkOffset(walk: Walk, box: Box): Promise<void> {
  const width = box.type === 'co64' ? 8 : 4;
  const head = await payload(walk, box, 8);
  need(head, 8, box.type);
  const count = head.readUInt32BE(4);
  if (count === 0) return;
  const entryAt = box.start + box.headerSize + 8 + (count - 1) * width;
  if (entryAt + width > box.end) throw new Mp4Problem('malformed', `${box.type} at ${box.start} lists ${count} chunks, more than it holds`);
  const entry = await walk.reader.read(entryAt, width);
  need(entry, width, box.type);
  const offset = width === 8 ? Number(entry.readBigUInt64BE(0)) : entry.readUInt32BE(0);
  walk.lastChunkOffset = Math.max(walk.lastChunkOffset, offset);
}

async function parseTrak(walk: Walk, trak: Box): Promise<Track> {
  const track: Track = { handler: null, width: 0, height: 0, codec: null, entryWidth: 0, entryHeight: 0, durationSeconds: null };
  for await (const box of childBoxes(walk, trak)) {
    if (box.type === 'tkhd') parseTkhd(await payload(walk, box, 96), track);
    if (box.type !== 'mdia') continue;
    for await (const m of childBoxes(walk, box)) {
      if (m.type === 'mdhd') {
        const h = parseTimeHeader(await payload(walk, m, 32), 'mdhd');
        track.durationSeconds = seconds(h.duration, h.timescale);
      } else if (m.type === 'hdlr') {
        const buf = await payload(walk, m, 12);
        need(buf, 12, 'hdlr');
        track.handler = fourcc(buf, 8);
      } else if (m.type === 'minf') {
        for await (const n of childBoxes(walk, m)) {
          if (n.type !== 'stbl') continue;
          for await (const s of childBoxes(walk, n)) {
            if (s.type === 'stsd') await parseStsd(walk, s, track);
            if (s.type === 'stco' || s.type === 'co64') await readLastChunkOffset(walk, s);
          }
        }
      }
    }
  }
  return track;
}

type MoovState = { header: MovieHeader | null; tracks: Track[] };

async function parseMoov(walk: Walk, moov: Box, state: MoovState): Promise<void> {
  for await (const box of childBoxes(walk, moov)) {
    if (box.type === 'cmov') throw new Mp4Problem('unsupported', 'compressed movie header (cmov)');
    if (box.type === 'mvhd' && state.header === null) state.header = parseTimeHeader(await payload(walk, box, 32), 'mvhd');
    if (box.type === 'trak' && state.tracks.length < MAX_TRACKS) state.tracks.push(await parseTrak(walk, box));
  }
}

function movieInfo(state: MoovState, moov: Box, brand: string | null): Mp4Info | null {
  const header = state.header;
  if (header === null) return null;
  const video = state.tracks.find((t) => t.handler === 'vide');
  const audio = state.tracks.find((t) => t.handler === 'soun');
  const trackSeconds = state.tracks.map((t) => t.durationSeconds).filter((s): s is number => s !== null);
  let durationSeconds = seconds(header.duration, header.timescale);
  // Fragmented and some unfinalized files leave mvhd duration 0 or all-ones; the tracks may know better.
  if ((durationSeconds === null || durationSeconds === 0) && trackSeconds.length > 0) durationSeconds = Math.max(...trackSeconds);
  return {
    format: 'mp4',
    brand,
    creationTime: macSecondsToDate(header.creationSeconds),
    durationSeconds,
    timescale: header.timescale,
    width: video ? video.width || video.entryWidth || null : null,
    height: video ? video.height || video.entryHeight || null : null,
    videoCodec: video?.codec ?? null,
    audioCodec: audio?.codec ?? null,
    moovOffset: moov.start,
  };
}

/** Reads a complete moov; a problem inside it carries what was read before it as partial. */
async function readMoov(walk: Walk, moov: Box, brand: string | null): Promise<Mp4Info> {
  const state: MoovState = { header: null, tracks: [] };
  try {
    await parseMoov(walk, moov, state);
  } catch (e) {
    // A damaged trak must not hide a good mvhd.
    if (e instanceof Mp4Problem) e.partial ??= movieInfo(state, moov, brand) ?? undefined;
    throw e;
  }
  const info = movieInfo(state, moov, brand);
  if (info === null) throw new Mp4Problem('malformed', `moov at ${moov.start} has no mvhd`);
  return info;
}

/**
 * Reads what a moov cut off by the end of the file still holds (mvhd comes first in practice), so a
 * truncated recording keeps its creation time as `partial`.
 */
async function salvageMoov(walk: Walk, moov: Box, brand: string | null): Promise<Mp4Info | undefined> {
  try {
    return await readMoov(walk, { ...moov, end: walk.reader.size }, brand);
  } catch (e) {
    if (!(e instanceof Mp4Problem)) throw e;
    return e.partial;
  }
}

function isPrintableType(type: string): boolean {
  return /^[\x20-\x7e©]{4}$/.test(type);
}

/**
 * Walks the top-level boxes of an ISO BMFF file and reads its movie header. Never throws for bad
 * input: an unfinalized recording (mdat size 0, no moov) is `no_moov`; a box running past the end
 * of the file is `truncated` (with `partial` when a moov before it was intact).
 */
export async function readMp4(reader: RandomAccessReader): Promise<Mp4Result> {
  if (reader.size === 0) return fail('empty', 'file is empty');
  const walk: Walk = { reader, moovBoxes: 0, lastChunkOffset: 0 };
  let brand: string | null = null;
  let info: Mp4Info | undefined;
  const seen: string[] = [];
  let offset = 0;
  let count = 0;
  const head = await reader.read(0, 8);
  if (head.length < 8 || !MP4_LEADING_BOX_TYPES.has(fourcc(head, 4))) {
    return fail('not_this_format', `does not start with an ISO BMFF box (${fourcc(head, 4)})`);
  }
  try {
    while (offset < reader.size) {
      count += 1;
      if (count > MAX_TOP_LEVEL_BOXES) throw new Mp4Problem('malformed', `more than ${MAX_TOP_LEVEL_BOXES} top-level boxes`);
      const box = await readBoxHeader(walk, offset, reader.size);
      if (!isPrintableType(box.type)) {
        throw new Mp4Problem('malformed', `garbage where a box should start at ${offset} (type ${box.type})`);
      }
      if (seen.length < 16) seen.push(box.type);
      if (box.end > reader.size) {
        const partial = box.type === 'moov' && info === undefined ? await salvageMoov(walk, box, brand) : info;
        throw new Mp4Problem('truncated', `'${box.type}' at ${box.start} declares ${box.end - box.start} bytes, file ends at ${reader.size}`, partial);
      }
      if (box.type === 'ftyp' && brand === null) {
        const buf = await payload(walk, box, 4);
        if (buf.length === 4) brand = fourcc(buf);
      } else if (box.type === 'moov' && info === undefined) {
        info = await readMoov(walk, box, brand);
      }
      offset = box.end;
    }
  } catch (e) {
    if (!(e instanceof Mp4Problem)) throw e;
    return fail(e.reason, e.message, e.partial ?? info);
  }
  if (info === undefined) return fail('no_moov', `no moov box; top-level boxes: ${seen.join(', ')}`);
  // Cut exactly at a box boundary (e.g. a fast-start file copied up to its moov), the walk looks
  // clean; the sample table still says where the data should be.
  if (walk.lastChunkOffset >= reader.size) {
    return fail('truncated', `media data expected at ${walk.lastChunkOffset}, file ends at ${reader.size}`, info);
  }
  return succeed(info);
}
