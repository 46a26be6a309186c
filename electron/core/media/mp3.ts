// MP3 (MPEG audio layer III, also layer II) as audio recorders write it: an optional ID3v2 tag, frames,
// an optional ID3v1 tag. Duration comes from the Xing/Info or VBRI header in the first frame when there
// is one (exact for VBR), else from the audio bytes at the first frame's bitrate — the same estimate
// ffprobe makes, without reading the frames in between.
import type { RandomAccessReader } from './fileReader.ts';
import { isValidLocalDateTime } from './localTime.ts';
import type { LocalDateTime } from './localTime.ts';
import { findMpegAudioSync } from './mpegAudio.ts';
import { fail, succeed } from './result.ts';
import type { ReadResult } from './result.ts';

export type Mp3Info = {
  format: 'mp3';
  durationSeconds: number;
  /** 'mp3', or 'mp2'/'mp1' for the older layers some dictation recorders use. */
  codec: 'mp1' | 'mp2' | 'mp3';
  sampleRate: number;
  channels: 1 | 2;
  /** First frame's bitrate; with a VBR header, the average over the file. */
  bitrateKbps: number;
  vbrHeader: 'xing' | 'info' | 'vbri' | null;
  /** ID3v2 major version (2, 3, 4) when a tag is present. */
  id3v2: number | null;
  /** The recording date as the tag writes it (TDRC, or TYER+TDAT+TIME, or the ID3v1 year). */
  id3Date: string | null;
  /** That date as a wall-clock time when it names a second, else null (a year or a day is not a time). */
  recordedAtLocal: LocalDateTime | null;
};

export type Mp3Result = ReadResult<Mp3Info>;

/** How far past the ID3v2 tag the first frame is looked for (some encoders pad with zeros). */
const SYNC_SEARCH_BYTES = 64 * 1024;
/** ID3v2 tags with cover art run to megabytes; frames past this are not looked at. */
const MAX_TAG_READ = 1024 * 1024;

/** A 28-bit "synchsafe" integer: 7 bits per byte. */
function synchsafe(b: Buffer, at: number): number {
  return (((b[at] as number) & 0x7f) << 21) | (((b[at + 1] as number) & 0x7f) << 14) | (((b[at + 2] as number) & 0x7f) << 7) | ((b[at + 3] as number) & 0x7f);
}

function decodeText(body: Buffer): string {
  const enc = body[0];
  const rest = body.subarray(1);
  let s: string;
  if (enc === 1 || enc === 2) {
    let bytes = rest;
    let le = enc === 1;
    if (enc === 1 && bytes.length >= 2) {
      le = !(bytes[0] === 0xfe && bytes[1] === 0xff);
      if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) bytes = bytes.subarray(2);
    }
    const even = Buffer.from(bytes.subarray(0, bytes.length - (bytes.length % 2)));
    if (!le) even.swap16();
    s = even.toString('utf16le');
  } else s = rest.toString(enc === 3 ? 'utf8' : 'latin1');
  return s.replace(/\0.*$/s, '').trim();
}

type Id3 = { version: number; frames: Map<string, string>; end: number };

/** Text frames of an ID3v2 tag at offset 0 of `tag`; `end` is where the audio starts. */
function parseId3v2(tag: Buffer, declared: number): Id3 {
  const version = tag[3] as number;
  const flags = tag[5] as number;
  const frames = new Map<string, string>();
  let o = 10;
  // An extended header (v2.3/v2.4 flag 0x40) precedes the frames; its size field differs by version.
  if (flags & 0x40 && tag.length >= 14) o += version === 4 ? synchsafe(tag, 10) : tag.readUInt32BE(10) + 4;
  const end = Math.min(10 + declared, tag.length);
  const idLen = version === 2 ? 3 : 4;
  const headLen = version === 2 ? 6 : 10;
  while (o + headLen <= end && tag[o] !== 0) {
    const id = tag.toString('latin1', o, o + idLen);
    const size = version === 2 ? tag.readUIntBE(o + 3, 3) : version === 4 ? synchsafe(tag, o + 4) : tag.readUInt32BE(o + 4);
    const body = tag.subarray(o + headLen, Math.min(o + headLen + size, end));
    if (id.startsWith('T') && body.length > 0) frames.set(id, decodeText(body));
    if (size <= 0) break;
    o += headLen + size;
  }
  return { version, frames, end: 10 + declared + (flags & 0x10 ? 10 : 0) };
}

/** The recording date from ID3 text frames: v2.4 TDRC, v2.3 TYER/TDAT/TIME, v2.2 TYE/TDA/TIM. */
function id3DateOf(frames: Map<string, string>): { text: string; local: LocalDateTime | null } | null {
  const tdrc = frames.get('TDRC') ?? frames.get('TDOR');
  if (tdrc) {
    const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})/.exec(tdrc);
    const local = m ? { year: +m[1]!, month: +m[2]!, day: +m[3]!, hour: +m[4]!, minute: +m[5]!, second: +m[6]! } : null;
    return { text: tdrc, local: local && isValidLocalDateTime(local) ? local : null };
  }
  const year = frames.get('TYER') ?? frames.get('TYE');
  if (!year) return null;
  const ddmm = frames.get('TDAT') ?? frames.get('TDA');
  const hhmm = frames.get('TIME') ?? frames.get('TIM');
  let text = year;
  let local: LocalDateTime | null = null;
  if (ddmm && /^\d{4}$/.test(ddmm)) {
    text = `${year}-${ddmm.slice(2, 4)}-${ddmm.slice(0, 2)}`;
    if (hhmm && /^\d{4}$/.test(hhmm)) {
      text += `T${hhmm.slice(0, 2)}:${hhmm.slice(2, 4)}`;
      const t = { year: Number(year), month: Number(ddmm.slice(2, 4)), day: Number(ddmm.slice(0, 2)), hour: Number(hhmm.slice(0, 2)), minute: Number(hhmm.slice(2, 4)), second: 0 };
      local = isValidLocalDateTime(t) ? t : null;
    }
  }
  return { text, local };
}

/** Start of the first ID3v2 tag, if any, and where the audio begins. */
async function id3v2At(reader: RandomAccessReader): Promise<Id3 | null> {
  const h = await reader.read(0, 10);
  if (h.length < 10 || h.toString('latin1', 0, 3) !== 'ID3' || h[3] === 0xff || h[4] === 0xff) return null;
  const declared = synchsafe(h, 6);
  const tag = await reader.read(0, Math.min(10 + declared, MAX_TAG_READ));
  return parseId3v2(tag, declared);
}

/** Quick check for probe.ts: an ID3v2 tag, or two consecutive MPEG audio frames at the very start. */
export function looksLikeMp3(head: Buffer): boolean {
  if (head.toString('latin1', 0, 3) === 'ID3') return true;
  const sync = findMpegAudioSync(head.subarray(0, Math.min(head.length, 4096)), 0);
  return sync !== null && sync.at === 0 && sync.header.layer !== 1;
}

export async function readMp3(reader: RandomAccessReader): Promise<Mp3Result> {
  if (reader.size === 0) return fail('empty', 'file is empty');
  const id3 = await id3v2At(reader);
  const audioStart = id3?.end ?? 0;
  if (id3 !== null && audioStart > reader.size) return fail('truncated', `ID3v2 tag declares ${audioStart} bytes, ${reader.size} present`);
  let audioEnd = reader.size;
  let id3v1Year: string | null = null;
  if (reader.size >= audioStart + 128) {
    const tail = await reader.read(reader.size - 128, 128);
    if (tail.toString('latin1', 0, 3) === 'TAG') {
      audioEnd -= 128;
      const y = tail.toString('latin1', 93, 97);
      if (/^\d{4}$/.test(y)) id3v1Year = y;
    }
  }
  const window = await reader.read(audioStart, SYNC_SEARCH_BYTES);
  // With a tag in front we know audio follows, so one valid header is enough for a one-frame file.
  const sync = findMpegAudioSync(window, 0) ?? (id3 !== null ? findMpegAudioSync(window, 0, false) : null);
  if (sync === null) return id3 === null ? fail('not_this_format', 'no MPEG audio frames') : fail('malformed', 'ID3 tag but no MPEG audio frame after it');
  const first = sync.header;
  const frameAt = audioStart + sync.at;
  const frame = window.subarray(sync.at, sync.at + first.frameBytes);
  const sideInfo = first.version === 1 ? (first.channels === 1 ? 17 : 32) : first.channels === 1 ? 9 : 17;
  let vbrHeader: Mp3Info['vbrHeader'] = null;
  let frames: number | null = null;
  let bytes: number | null = null;
  const xingAt = 4 + sideInfo;
  const tagName = frame.toString('latin1', xingAt, xingAt + 4);
  if (first.layer === 3 && (tagName === 'Xing' || tagName === 'Info') && frame.length >= xingAt + 8) {
    vbrHeader = tagName === 'Xing' ? 'xing' : 'info';
    const flags = frame.readUInt32BE(xingAt + 4);
    let o = xingAt + 8;
    if (flags & 1 && frame.length >= o + 4) {
      frames = frame.readUInt32BE(o);
      o += 4;
    }
    if (flags & 2 && frame.length >= o + 4) bytes = frame.readUInt32BE(o);
  } else if (frame.toString('latin1', 36, 40) === 'VBRI' && frame.length >= 54) {
    vbrHeader = 'vbri';
    bytes = frame.readUInt32BE(46);
    frames = frame.readUInt32BE(50);
  }
  const audioBytes = audioEnd - frameAt;
  let durationSeconds: number;
  let bitrateKbps = first.bitrateKbps;
  if (frames !== null && frames > 0) {
    durationSeconds = (frames * first.samplesPerFrame) / first.sampleRate;
    const counted = bytes ?? audioBytes;
    bitrateKbps = Math.round((counted * 8) / durationSeconds / 1000);
  } else {
    // The VBR header frame is silent and not counted; a plain CBR stream is all frames.
    durationSeconds = ((vbrHeader === null ? audioBytes : audioBytes - first.frameBytes) * 8) / (first.bitrateKbps * 1000);
  }
  const tagDate = id3 ? id3DateOf(id3.frames) : null;
  const info: Mp3Info = {
    format: 'mp3',
    durationSeconds: Math.round(durationSeconds * 1e6) / 1e6,
    codec: first.codec,
    sampleRate: first.sampleRate,
    channels: first.channels,
    bitrateKbps,
    vbrHeader,
    id3v2: id3?.version ?? null,
    id3Date: tagDate?.text ?? id3v1Year,
    recordedAtLocal: tagDate?.local ?? null,
  };
  // A file cut inside its last frame still plays to that point; only a header beyond the end says so.
  if (bytes !== null && frameAt + bytes > audioEnd + first.frameBytes) {
    return fail('truncated', `VBR header declares ${bytes} bytes of audio, ${audioBytes} present`, info);
  }
  return succeed(info);
}

