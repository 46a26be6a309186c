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
  /**
   * mvhd duration / timescale. When mvhd does not know (0 or all ones, as in fragmented files):
   * mehd, else the end of the last fragment, else the longest track (mdhd). null when unknown.
   */
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
  /** Movie fragments (moov/mvex): written by recorders that must survive power loss mid-recording. */
  fragmented: boolean;
};

export type Mp4Result = ReadResult<Mp4Info>;

/**
 * Top-level boxes walked before giving up. Plain files have fewer than ten; a fragmented recording
 * has two per fragment (moof + mdat), so this allows a day of one-second fragments.
 */
export const MAX_TOP_LEVEL_BOXES = 200_000;
/** Boxes inside moov, and inside all moofs together, looked at before giving up. */
export const MAX_INNER_BOXES = 1_000_000;
/** Children of any one box looked at before giving up (real moovs have a dozen, real trafs three). */
export const MAX_CHILD_BOXES = 20_000;
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
  constructor(reason: ReadFailureReason, detail: string) {
    super(detail);
    this.reason = reason;
  }
}

type Box = { type: string; start: number; headerSize: number; end: number };

type Track = {
  id: number;
  handler: string | null;
  width: number;
  height: number;
  codec: string | null;
  entryWidth: number;
  entryHeight: number;
  timescale: number;
  durationSeconds: number | null;
  /** trex default_sample_duration, for fragments that state no durations of their own. */
  defaultSampleDuration: number;
  /** End of the last fragment seen, in track timescale units. */
  fragmentEnd: number;
};

type MovieHeader = { creationSeconds: bigint; timescale: number; duration: bigint | null };

/** Everything read so far; a problem later on leaves what is here usable as `partial`. */
type Walk = {
  reader: RandomAccessReader;
  innerBoxes: number;
  brand: string | null;
  moov: Box | null;
  header: MovieHeader | null;
  tracks: Track[];
  fragmented: boolean;
  mehdDuration: bigint | null;
  /** The highest last-chunk offset of any track: where the media data must at least reach. */
  lastChunkOffset: number;
};

/** Reads the box header at `offset`; size 0 (and an unfinalized 64-bit size of 0) runs to `limit`. */
async function readBoxHeader(walk: Walk, offset: number, limit: number): Promise<Box> {
  const available = Math.min(limit, walk.reader.size) - offset;
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
  let children = 0;
  while (offset < parent.end) {
    // QuickTime ends some containers with a 4-byte zero terminator; a remainder this short is not a box.
    if (parent.end - offset < 8) return;
    walk.innerBoxes += 1;
    children += 1;
    if (walk.innerBoxes > MAX_INNER_BOXES || children > MAX_CHILD_BOXES) {
      throw new Mp4Problem('malformed', `too many boxes inside '${parent.type}' at ${parent.start}`);
    }
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

function seconds(duration: bigint | number | null, timescale: number): number | null {
  if (duration === null || timescale === 0) return null;
  return Number(duration) / timescale;
}

function parseTkhd(buf: Buffer, track: Track): void {
  need(buf, 4, 'tkhd');
  const version = buf.readUInt8(0);
  const at = version === 1 ? 88 : 76; // after times, ids, layer, volume and the 3x3 matrix
  need(buf, at + 8, 'tkhd');
  track.id = buf.readUInt32BE(version === 1 ? 20 : 12);
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

async function parseTrak(walk: Walk, trak: Box, track: Track): Promise<void> {
  for await (const box of childBoxes(walk, trak)) {
    if (box.type === 'tkhd') parseTkhd(await payload(walk, box, 96), track);
    if (box.type !== 'mdia') continue;
    for await (const m of childBoxes(walk, box)) {
      if (m.type === 'mdhd') {
        const h = parseTimeHeader(await payload(walk, m, 32), 'mdhd');
        track.timescale = h.timescale;
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
}

async function parseMvex(walk: Walk, mvex: Box): Promise<void> {
  walk.fragmented = true;
  for await (const box of childBoxes(walk, mvex)) {
    if (box.type === 'mehd') {
      const buf = await payload(walk, box, 12);
      need(buf, 8, 'mehd');
      walk.mehdDuration = buf.readUInt8(0) === 1 && buf.length >= 12 ? buf.readBigUInt64BE(4) : BigInt(buf.readUInt32BE(4));
    } else if (box.type === 'trex') {
      const buf = await payload(walk, box, 24);
      need(buf, 16, 'trex');
      const track = walk.tracks.find((t) => t.id === buf.readUInt32BE(4));
      if (track) track.defaultSampleDuration = buf.readUInt32BE(12);
    }
  }
}

function newTrack(): Track {
  return {
    id: 0,
    handler: null,
    width: 0,
    height: 0,
    codec: null,
    entryWidth: 0,
    entryHeight: 0,
    timescale: 0,
    durationSeconds: null,
    defaultSampleDuration: 0,
    fragmentEnd: 0,
  };
}

async function parseMoov(walk: Walk, moov: Box): Promise<void> {
  walk.moov = moov;
  for await (const box of childBoxes(walk, moov)) {
    if (box.type === 'cmov') throw new Mp4Problem('unsupported', 'compressed movie header (cmov)');
    if (box.type === 'mvhd' && walk.header === null) walk.header = parseTimeHeader(await payload(walk, box, 32), 'mvhd');
    if (box.type === 'trak' && walk.tracks.length < MAX_TRACKS) {
      const track = newTrack();
      walk.tracks.push(track);
      await parseTrak(walk, box, track);
    }
    if (box.type === 'mvex') await parseMvex(walk, box);
  }
}

const TFHD_BASE_DATA_OFFSET = 0x01;
const TFHD_SAMPLE_DESCRIPTION = 0x02;
const TFHD_DEFAULT_DURATION = 0x08;
const TRUN_DATA_OFFSET = 0x01;
const TRUN_FIRST_SAMPLE_FLAGS = 0x04;
const TRUN_SAMPLE_DURATION = 0x100;
/** Samples per fragment run read at most (a run of a minute of 60 fps video has 3600). */
const MAX_TRUN_SAMPLES = 1_000_000;

/** Bits of trun flags 0x100-0x800: each adds one 4-byte field per sample. */
function trunStride(flags: number): number {
  return [0x100, 0x200, 0x400, 0x800].filter((bit) => flags & bit).length * 4;
}

/**
 * Adds one fragment's sample durations to its track's end time. Only the durations are read; a
 * fragment names its start (tfdt) when it has one, otherwise it follows the previous fragment.
 */
async function parseMoof(walk: Walk, moof: Box): Promise<void> {
  for await (const traf of childBoxes(walk, moof)) {
    if (traf.type !== 'traf') continue;
    let track: Track | undefined;
    let defaultDuration = 0;
    let start: number | null = null;
    let total = 0;
    for await (const box of childBoxes(walk, traf)) {
      if (box.type === 'tfhd') {
        const buf = await payload(walk, box, 24);
        need(buf, 8, 'tfhd');
        const flags = buf.readUIntBE(1, 3);
        track = walk.tracks.find((t) => t.id === buf.readUInt32BE(4));
        defaultDuration = track?.defaultSampleDuration ?? 0;
        if (flags & TFHD_DEFAULT_DURATION) {
          const at = 8 + (flags & TFHD_BASE_DATA_OFFSET ? 8 : 0) + (flags & TFHD_SAMPLE_DESCRIPTION ? 4 : 0);
          need(buf, at + 4, 'tfhd');
          defaultDuration = buf.readUInt32BE(at);
        }
      } else if (box.type === 'tfdt') {
        const buf = await payload(walk, box, 12);
        need(buf, 8, 'tfdt');
        start = buf.readUInt8(0) === 1 && buf.length >= 12 ? Number(buf.readBigUInt64BE(4)) : buf.readUInt32BE(4);
      } else if (box.type === 'trun') {
        const head = await payload(walk, box, 16);
        need(head, 8, 'trun');
        const flags = head.readUIntBE(1, 3);
        const count = head.readUInt32BE(4);
        if (!(flags & TRUN_SAMPLE_DURATION)) {
          total += count * defaultDuration;
          continue;
        }
        const tableAt = 8 + (flags & TRUN_DATA_OFFSET ? 4 : 0) + (flags & TRUN_FIRST_SAMPLE_FLAGS ? 4 : 0);
        const stride = trunStride(flags);
        const bytes = count * stride;
        if (count > MAX_TRUN_SAMPLES || tableAt + bytes > box.end - box.start - box.headerSize) {
          throw new Mp4Problem('malformed', `trun at ${box.start} lists ${count} samples, more than it holds`);
        }
        const table = await walk.reader.read(box.start + box.headerSize + tableAt, bytes);
        need(table, bytes, 'trun');
        for (let i = 0; i < count; i += 1) total += table.readUInt32BE(i * stride);
      }
    }
    if (track) track.fragmentEnd = (start ?? track.fragmentEnd) + total;
  }
}

function movieDuration(walk: Walk, header: MovieHeader): number | null {
  const fromMvhd = seconds(header.duration, header.timescale);
  if (fromMvhd !== null && fromMvhd > 0) return fromMvhd;
  // mvhd of a fragmented file covers only the samples in moov, usually none.
  const fromMehd = seconds(walk.mehdDuration, header.timescale);
  if (fromMehd !== null && fromMehd > 0) return fromMehd;
  const fragmentSeconds = walk.tracks.map((t) => seconds(t.fragmentEnd, t.timescale)).filter((s): s is number => s !== null && s > 0);
  if (fragmentSeconds.length > 0) return Math.max(...fragmentSeconds);
  const trackSeconds = walk.tracks.map((t) => t.durationSeconds).filter((s): s is number => s !== null && s > 0);
  if (trackSeconds.length > 0) return Math.max(...trackSeconds);
  return fromMvhd;
}

/** What the walk has learnt; undefined until a movie header has been read. */
function movieInfo(walk: Walk): Mp4Info | undefined {
  const header = walk.header;
  if (header === null || walk.moov === null) return undefined;
  const video = walk.tracks.find((t) => t.handler === 'vide');
  const audio = walk.tracks.find((t) => t.handler === 'soun');
  return {
    format: 'mp4',
    brand: walk.brand,
    creationTime: macSecondsToDate(header.creationSeconds),
    durationSeconds: movieDuration(walk, header),
    timescale: header.timescale,
    width: video ? video.width || video.entryWidth || null : null,
    height: video ? video.height || video.entryHeight || null : null,
    videoCodec: video?.codec ?? null,
    audioCodec: audio?.codec ?? null,
    moovOffset: walk.moov.start,
    fragmented: walk.fragmented,
  };
}

function isPrintableType(type: string): boolean {
  return /^[\x20-\x7e©]{4}$/.test(type);
}

/**
 * Walks the top-level boxes of an ISO BMFF file and reads its movie header. Never throws for bad
 * input: an unfinalized recording (mdat size 0, no moov) is `no_moov`; a box running past the end
 * of the file is `truncated`; any failure after the movie header was read carries it as `partial`.
 */
export async function readMp4(reader: RandomAccessReader): Promise<Mp4Result> {
  if (reader.size === 0) return fail('empty', 'file is empty');
  const head = await reader.read(0, 8);
  if (head.length < 8 || !MP4_LEADING_BOX_TYPES.has(fourcc(head, 4))) {
    return fail('not_this_format', `does not start with an ISO BMFF box (${fourcc(head, 4)})`);
  }
  const walk: Walk = {
    reader,
    innerBoxes: 0,
    brand: null,
    moov: null,
    header: null,
    tracks: [],
    fragmented: false,
    mehdDuration: null,
    lastChunkOffset: 0,
  };
  const seen: string[] = [];
  let offset = 0;
  try {
    for (let count = 1; offset < reader.size; count += 1) {
      if (count > MAX_TOP_LEVEL_BOXES) throw new Mp4Problem('malformed', `more than ${MAX_TOP_LEVEL_BOXES} top-level boxes`);
      const box = await readBoxHeader(walk, offset, reader.size);
      if (!isPrintableType(box.type)) {
        throw new Mp4Problem('malformed', `garbage where a box should start at ${offset} (type ${box.type})`);
      }
      if (seen.length < 16) seen.push(box.type);
      if (box.end > reader.size) {
        // Whatever a moov cut off by the end of the file still holds (mvhd comes first) is kept.
        if (box.type === 'moov' && walk.moov === null) {
          await parseMoov(walk, { ...box, end: reader.size }).catch((e: unknown) => {
            if (!(e instanceof Mp4Problem)) throw e;
          });
        }
        throw new Mp4Problem('truncated', `'${box.type}' at ${box.start} declares ${box.end - box.start} bytes, file ends at ${reader.size}`);
      }
      if (box.type === 'ftyp' && walk.brand === null) {
        const buf = await payload(walk, box, 4);
        if (buf.length === 4) walk.brand = fourcc(buf);
      } else if (box.type === 'moov' && walk.moov === null) {
        await parseMoov(walk, box);
        if (walk.header === null) throw new Mp4Problem('malformed', `moov at ${box.start} has no mvhd`);
      } else if (box.type === 'moof' && walk.fragmented) {
        await parseMoof(walk, box);
      }
      offset = box.end;
    }
  } catch (e) {
    if (!(e instanceof Mp4Problem)) throw e;
    return fail(e.reason, e.message, movieInfo(walk));
  }
  const info = movieInfo(walk);
  if (info === undefined) return fail('no_moov', `no moov box; top-level boxes: ${seen.join(', ')}`);
  // Cut exactly at a box boundary (e.g. a fast-start file copied up to its moov), the walk looks
  // clean; the sample table still says where the data should be.
  if (walk.lastChunkOffset >= reader.size) {
    return fail('truncated', `media data expected at ${walk.lastChunkOffset}, file ends at ${reader.size}`, info);
  }
  return succeed(info);
}
