// MPEG program stream (ISO/IEC 13818-1 §2.5; also MPEG-1 system streams and the GB/T 28181 PS that
// Chinese video platforms store): pack headers, an optional program stream map (PSM, which names each
// stream's type), PES packets by stream id. The head and the tail are walked pack by pack from a pack
// start code; only HEAD_TAIL_BYTES from each end are read.
import type { RandomAccessReader } from './fileReader.ts';
import { audioFacts, ES_SAMPLE_BYTES, HEAD_TAIL_BYTES, mpegStreamInfo, parsePesHeader, PtsSpan, spanSeconds, STREAM_TYPES, videoFacts, type MpegStreamInfo } from './mpegEs.ts';
import { fail, succeed } from './result.ts';
import type { ReadResult } from './result.ts';

export type MpegPsResult = ReadResult<MpegStreamInfo>;

/** Work bound per walk: packets looked at (a 2 MiB window holds a few thousand). */
const MAX_PACKETS = 100_000;

const isPack = (b: Uint8Array, o: number): boolean => b[o] === 0 && b[o + 1] === 0 && b[o + 2] === 1 && b[o + 3] === 0xba;

function packHeaderLength(b: Uint8Array, o: number): number | null {
  const b4 = b[o + 4];
  if (b4 === undefined) return null;
  if ((b4 & 0xc0) === 0x40) {
    const stuffing = b[o + 13];
    return stuffing === undefined ? null : 14 + (stuffing & 0x07);
  }
  if ((b4 & 0xf0) === 0x20) return 12;
  return null;
}

const isVideoId = (id: number): boolean => id >= 0xe0 && id <= 0xef;
const isAudioId = (id: number): boolean => (id >= 0xc0 && id <= 0xdf) || id === 0xbd;

export async function readMpegPs(reader: RandomAccessReader): Promise<MpegPsResult> {
  if (reader.size === 0) return fail('empty', 'file is empty');
  const head = await reader.read(0, Math.min(reader.size, HEAD_TAIL_BYTES));
  if (!isPack(head, 0) || packHeaderLength(head, 0) === null) return fail('not_this_format', 'no MPEG pack header at the start');

  const psmTypes = new Map<number, number>();
  const spans = new Map<number, PtsSpan>();
  const samples = new Map<number, { data: Buffer[]; bytes: number }>();
  let cutShort = false;

  const walk = (buf: Buffer, atTail: boolean, endsAtEof: boolean): void => {
    let o = 0;
    if (atTail) {
      while (o + 4 <= buf.length && !(isPack(buf, o) && packHeaderLength(buf, o) !== null)) o += 1;
    }
    for (let n = 0; n < MAX_PACKETS && o + 4 <= buf.length; n += 1) {
      if (buf[o] !== 0 || buf[o + 1] !== 0 || buf[o + 2] !== 1) {
        // Lost the packet chain (damaged data): find the next pack and carry on.
        o += 1;
        while (o + 4 <= buf.length && !isPack(buf, o)) o += 1;
        continue;
      }
      const id = buf[o + 3] as number;
      if (id === 0xb9) break; // program end code
      if (id === 0xba) {
        const len = packHeaderLength(buf, o);
        if (len === null) {
          o += 4;
          continue;
        }
        o += len;
        continue;
      }
      if (o + 6 > buf.length) break;
      const len = buf.readUInt16BE(o + 4);
      const end = o + 6 + len;
      // Past the end of a window that ends at the end of the file: the recording was cut short.
      if (end > buf.length && endsAtEof) cutShort = true;
      const packet = buf.subarray(o, Math.min(end, buf.length));
      if (id === 0xbc && packet.length >= 12) {
        // program_stream_map: info descriptors, then (type, id, info length, descriptors)*.
        const infoLen = packet.readUInt16BE(8);
        let e = 10 + infoLen;
        const mapEnd = Math.min(e + 2 + (e + 2 <= packet.length ? packet.readUInt16BE(e) : 0), packet.length);
        e += 2;
        while (e + 4 <= mapEnd) {
          psmTypes.set(packet[e + 1] as number, packet[e] as number);
          e += 4 + packet.readUInt16BE(e + 2);
        }
      } else if (isVideoId(id) || isAudioId(id)) {
        const pes = parsePesHeader(packet, 0);
        if (pes !== null) {
          let s = spans.get(id);
          if (!s) spans.set(id, (s = new PtsSpan()));
          if (pes.pts !== null) {
            if (atTail) s.tail(pes.pts);
            else s.head(pes.pts);
          }
          if (!atTail) {
            const pend = samples.get(id) ?? { data: [], bytes: 0 };
            samples.set(id, pend);
            if (pend.bytes < ES_SAMPLE_BYTES && pes.payloadAt < packet.length) {
              const d = packet.subarray(pes.payloadAt);
              pend.data.push(d);
              pend.bytes += d.length;
            }
          }
        }
      }
      o = end;
    }
  };

  walk(head, false, head.length === reader.size);
  const tailAt = Math.max(0, reader.size - HEAD_TAIL_BYTES);
  walk(tailAt === 0 ? head : await reader.read(tailAt, HEAD_TAIL_BYTES), true, true);

  const streams: MpegStreamInfo['streams'] = [];
  let video: { codec: string | null; width: number | null; height: number | null } | null = null;
  let audioCodec: string | null = null;
  for (const id of [...samples.keys()].sort((a, b) => a - b)) {
    const declared = STREAM_TYPES[psmTypes.get(id) ?? -1] ?? null;
    const es = Buffer.concat(samples.get(id)?.data ?? []);
    if (isVideoId(id) || declared?.kind === 'video') {
      const v = videoFacts(es, declared?.codec ?? null);
      video ??= v;
      streams.push({ id, kind: 'video', codec: v.codec });
    } else {
      // Private stream 1 (0xBD) carries AC-3/DTS/LPCM behind a sub-stream id byte (DVD-Video).
      const sub = id === 0xbd ? (es[0] ?? 0) : -1;
      const codec = id === 0xbd ? (sub >= 0x80 && sub <= 0x87 ? 'ac3' : sub >= 0xa0 && sub <= 0xa7 ? 'pcm_dvd' : null) : audioFacts(es, declared?.codec ?? null);
      audioCodec ??= codec;
      streams.push({ id, kind: 'audio', codec });
    }
  }
  const durationSeconds = spanSeconds(
    spans.values(),
    streams.filter((s) => s.kind === 'video').flatMap((s) => spans.get(s.id) ?? []),
  );
  const info = mpegStreamInfo('mpeg-ps', durationSeconds, video, audioCodec, streams);
  if (streams.length === 0) return fail('malformed', 'no PES packets in the first bytes', info);
  if (durationSeconds === null) return fail('malformed', 'no presentation timestamps', info);
  if (cutShort) return fail('truncated', 'the last packet runs past the end of the file', info);
  return succeed(info);
}
