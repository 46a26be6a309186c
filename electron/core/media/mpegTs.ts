// MPEG transport stream (ISO/IEC 13818-1 §2.4): 188-byte packets (192 with the 4-byte M2TS timecode
// prefix). Streams come from the PAT → PMT of the first program; the duration from the smallest PTS
// at the head to the largest at the tail. Only HEAD_TAIL_BYTES from each end are read.
import type { RandomAccessReader } from './fileReader.ts';
import { audioFacts, ES_SAMPLE_BYTES, HEAD_TAIL_BYTES, mpegStreamInfo, parsePesHeader, PtsSpan, spanSeconds, STREAM_TYPES, videoFacts, type MpegStreamInfo } from './mpegEs.ts';
import { fail, succeed } from './result.ts';
import type { ReadResult } from './result.ts';

export type { MpegStreamInfo };
export type MpegTsResult = ReadResult<MpegStreamInfo>;

/** Where the first packet starts and how long packets are, from the first bytes. */
export function tsLayout(head: Uint8Array): { start: number; step: 188 | 192 } | null {
  for (const [start, step] of [
    [0, 188],
    [4, 192],
  ] as const) {
    let ok = true;
    for (let i = 0; i < 3 && ok; i += 1) {
      const at = start + i * step;
      ok = at < head.length ? head[at] === 0x47 : i > 0;
    }
    if (ok && head.length > start) return { start, step };
  }
  return null;
}

type Pending = { pid: number; data: Buffer[]; bytes: number };

export async function readMpegTs(reader: RandomAccessReader): Promise<MpegTsResult> {
  if (reader.size === 0) return fail('empty', 'file is empty');
  const head = await reader.read(0, Math.min(reader.size, HEAD_TAIL_BYTES));
  const layout = tsLayout(head);
  if (layout === null) return fail('not_this_format', 'no 0x47 sync every 188 or 192 bytes');
  const { start, step } = layout;

  let pmtPid: number | null = null;
  const esTypes = new Map<number, number>();
  const spans = new Map<number, PtsSpan>();
  const samples = new Map<number, Pending>();
  const pesPids = new Set<number>();
  const span = (pid: number): PtsSpan => {
    let s = spans.get(pid);
    if (!s) spans.set(pid, (s = new PtsSpan()));
    return s;
  };

  // Section payloads (PAT/PMT) start after the pointer field; both fit one packet in practice.
  const section = (payload: Buffer, unitStart: boolean): Buffer | null => {
    if (!unitStart || payload.length < 1) return null;
    const at = 1 + (payload[0] as number);
    return at < payload.length ? payload.subarray(at) : null;
  };

  const walk = (buf: Buffer, base: number, atTail: boolean): number => {
    // Align to the packet grid of the whole file.
    let o = base === 0 ? start : start + Math.ceil((base - start) / step) * step - base;
    let bad = 0;
    for (; o + 188 <= buf.length; o += step) {
      if (buf[o] !== 0x47) {
        bad += 1;
        continue;
      }
      const b1 = buf[o + 1] as number;
      const pid = ((b1 & 0x1f) << 8) | (buf[o + 2] as number);
      const unitStart = (b1 & 0x40) !== 0;
      const afc = ((buf[o + 3] as number) >> 4) & 3;
      if ((afc & 1) === 0) continue;
      let p = o + 4;
      if (afc === 3) p += 1 + (buf[o + 4] as number);
      if (p >= o + 188) continue;
      const payload = buf.subarray(p, o + 188);
      if (pid === 0 && pmtPid === null) {
        const s = section(payload, unitStart);
        // program_association_section: 8-byte header, then 4 bytes per program, CRC last.
        if (s && s[0] === 0x00) {
          const len = (((s[1] as number) & 0x0f) << 8) | (s[2] as number);
          for (let e = 8; e + 4 <= Math.min(3 + len - 4, s.length); e += 4) {
            const program = s.readUInt16BE(e);
            if (program !== 0) {
              pmtPid = s.readUInt16BE(e + 2) & 0x1fff;
              break;
            }
          }
        }
        continue;
      }
      if (pid === pmtPid && esTypes.size === 0) {
        const s = section(payload, unitStart);
        if (s && s[0] === 0x02) {
          const len = Math.min(3 + ((((s[1] as number) & 0x0f) << 8) | (s[2] as number)) - 4, s.length);
          let e = 12 + ((((s[10] as number) & 0x0f) << 8) | (s[11] as number));
          while (e + 5 <= len) {
            esTypes.set(s.readUInt16BE(e + 1) & 0x1fff, s[e] as number);
            e += 5 + (s.readUInt16BE(e + 3) & 0x0fff);
          }
        }
        continue;
      }
      if (pid === 0x1fff || pid < 0x20) continue;
      if (unitStart && payload.length >= 9 && payload[0] === 0 && payload[1] === 0 && payload[2] === 1) {
        const pes = parsePesHeader(payload, 0);
        if (pes === null) continue;
        pesPids.add(pid);
        if (pes.pts !== null) {
          if (atTail) span(pid).tail(pes.pts);
          else span(pid).head(pes.pts);
        }
        if (!atTail) {
          const pend = samples.get(pid) ?? { pid, data: [], bytes: 0 };
          samples.set(pid, pend);
          if (pend.bytes < ES_SAMPLE_BYTES) {
            const d = payload.subarray(Math.min(pes.payloadAt, payload.length));
            pend.data.push(d);
            pend.bytes += d.length;
          }
        }
      } else if (!atTail) {
        const pend = samples.get(pid);
        if (pend && pend.bytes < ES_SAMPLE_BYTES) {
          pend.data.push(payload);
          pend.bytes += payload.length;
        }
      }
    }
    return bad;
  };

  const badHead = walk(head, 0, false);
  const tailAt = Math.max(0, reader.size - HEAD_TAIL_BYTES);
  const tail = tailAt === 0 ? head : await reader.read(tailAt, HEAD_TAIL_BYTES);
  walk(tail, tailAt, true);

  const streams: MpegStreamInfo['streams'] = [];
  const ids = esTypes.size > 0 ? [...esTypes.keys()] : [...pesPids];
  let video: { codec: string | null; width: number | null; height: number | null } | null = null;
  let audioCodec: string | null = null;
  for (const pid of ids) {
    const declared = STREAM_TYPES[esTypes.get(pid) ?? -1] ?? null;
    const es = Buffer.concat(samples.get(pid)?.data ?? []);
    let kind: 'video' | 'audio' | 'other' = declared?.kind ?? 'other';
    let codec: string | null = null;
    if (kind === 'video' || declared === null) {
      const v = videoFacts(es, declared?.codec ?? null);
      if (v.codec !== null) {
        kind = 'video';
        codec = v.codec;
        video ??= v;
      }
    }
    if (kind === 'audio' || (kind === 'other' && codec === null)) {
      codec = audioFacts(es, declared?.codec ?? null);
      if (codec !== null) {
        kind = 'audio';
        audioCodec ??= codec;
      }
    }
    streams.push({ id: pid, kind, codec });
  }
  const spanOf = (kind: string): PtsSpan[] => streams.filter((s) => kind === '' || s.kind === kind).flatMap((s) => spans.get(s.id) ?? []);
  const durationSeconds = spanSeconds(spanOf(''), spanOf('video'));
  const info = mpegStreamInfo('mpeg-ts', durationSeconds, video, audioCodec, streams);
  if (ids.length === 0) return fail('malformed', 'no PMT and no PES packets in the first bytes', info);
  if (durationSeconds === null) return fail('malformed', 'no presentation timestamps', info);
  // A file that does not end on a packet boundary was cut while being written or copied.
  if ((reader.size - start + (step - 188)) % step !== 0 && badHead === 0) return fail('truncated', `size is not a whole number of ${step}-byte packets`, info);
  return succeed(info);
}
