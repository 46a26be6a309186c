// AMR storage format (RFC 4867 §5): a magic line, then frames of one header byte and a payload whose
// size follows from the frame type. AMR has no duration field, so the frames are counted; each,
// including NO_DATA frames during silence (DTX), stands for 20 ms.
import type { RandomAccessReader } from './fileReader.ts';
import { fail, succeed } from './result.ts';
import type { ReadResult } from './result.ts';

export type AmrInfo = {
  format: 'amr';
  variant: 'nb' | 'wb';
  durationSeconds: number;
  frames: number;
  /** 8000 for AMR-NB, 16000 for AMR-WB. */
  sampleRate: number;
  channels: 1;
};

export type AmrResult = ReadResult<AmrInfo>;

const NB_MAGIC = Buffer.from('#!AMR\n', 'latin1');
const WB_MAGIC = Buffer.from('#!AMR-WB\n', 'latin1');
const MC_MAGICS = [Buffer.from('#!AMR_MC1.0\n', 'latin1'), Buffer.from('#!AMR-WB_MC1.0\n', 'latin1')];

// Total frame bytes including the header byte, by frame type. Types without a payload (reserved,
// SPEECH_LOST, NO_DATA) are the header alone; this matches what decoders (ffmpeg, opencore) accept.
const NB_FRAME_BYTES = [13, 14, 16, 18, 20, 21, 27, 32, 6, 1, 1, 1, 1, 1, 1, 1];
const WB_FRAME_BYTES = [18, 24, 33, 37, 41, 47, 51, 59, 61, 6, 1, 1, 1, 1, 1, 1];

const FRAME_SECONDS = 0.02;
const CHUNK_BYTES = 256 * 1024;

function startsWith(buf: Buffer, magic: Buffer): boolean {
  return buf.length >= magic.length && buf.subarray(0, magic.length).equals(magic);
}

/** Sniffs the AMR magic line; shared with probe.ts. */
export function amrVariant(head: Buffer): 'nb' | 'wb' | 'mc' | null {
  if (startsWith(head, NB_MAGIC)) return 'nb';
  if (startsWith(head, WB_MAGIC)) return 'wb';
  if (MC_MAGICS.some((m) => startsWith(head, m))) return 'mc';
  return null;
}

/**
 * Counts frames to the end of the file, reading it in chunks (an hour of AMR-NB is 180 000 frames
 * and about 5 MiB). A frame header with its padding bits set is corruption: the walk stops there
 * and reports `malformed` with the time up to that point; a last frame cut short is `truncated`.
 */
export async function readAmr(reader: RandomAccessReader): Promise<AmrResult> {
  if (reader.size === 0) return fail('empty', 'file is empty');
  const head = await reader.read(0, 16);
  const variant = amrVariant(head);
  if (variant === null) return fail('not_this_format', 'no AMR magic line');
  if (variant === 'mc') return fail('unsupported', 'multi-channel AMR storage format');
  const sizes = variant === 'nb' ? NB_FRAME_BYTES : WB_FRAME_BYTES;
  const info = (frames: number): AmrInfo => ({
    format: 'amr',
    variant,
    durationSeconds: Math.round(frames * FRAME_SECONDS * 1000) / 1000,
    frames,
    sampleRate: variant === 'nb' ? 8000 : 16000,
    channels: 1,
  });

  let offset = (variant === 'nb' ? NB_MAGIC : WB_MAGIC).length;
  let frames = 0;
  let chunk: Buffer = Buffer.alloc(0);
  let chunkAt = offset;
  // Each iteration advances by at least one byte, so the loop ends within reader.size iterations.
  while (offset < reader.size) {
    if (offset - chunkAt >= chunk.length) {
      chunkAt = offset;
      chunk = await reader.read(offset, CHUNK_BYTES);
      if (chunk.length === 0) break;
    }
    const header = chunk[offset - chunkAt] as number;
    if ((header & 0x83) !== 0) {
      return fail('malformed', `frame header 0x${header.toString(16)} at ${offset} has padding bits set`, info(frames));
    }
    const size = sizes[(header >> 3) & 0x0f] as number;
    if (offset + size > reader.size) {
      return fail('truncated', `last frame at ${offset} needs ${size} bytes, ${reader.size - offset} present`, info(frames));
    }
    frames += 1;
    offset += size;
  }
  return succeed(info(frames));
}
