// Random access over a file so the media readers look at a handful of headers, never the whole
// recording: a body-worn camera MP4 is routinely several GiB and sits on a slow USB volume.
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';

/** What every media reader needs from its input: a fixed size and positioned reads. */
export interface RandomAccessReader {
  /** Size in bytes, fixed when the reader was created (a file growing meanwhile is not followed). */
  readonly size: number;
  /**
   * Reads up to `length` bytes at `offset`. The result is shorter only when it reaches the end of
   * the input, and empty when `offset >= size`. I/O errors propagate: they are not format problems.
   */
  read(offset: number, length: number): Promise<Buffer>;
}

/** The largest single read a reader will serve; readers ask for headers, never for payloads. */
export const MAX_READ_BYTES = 16 * 1024 * 1024;

function clampRange(size: number, offset: number, length: number): number {
  if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError(`bad read offset ${offset}`);
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`bad read length ${length}`);
  if (length > MAX_READ_BYTES) throw new RangeError(`read of ${length} bytes exceeds ${MAX_READ_BYTES}`);
  return Math.max(0, Math.min(length, size - offset));
}

/** Wraps an open handle; the caller keeps ownership of the handle and closes it. */
export function fileHandleReader(handle: FileHandle, size: number): RandomAccessReader {
  return {
    size,
    async read(offset, length) {
      const want = clampRange(size, offset, length);
      if (want === 0) return Buffer.alloc(0);
      const buf = Buffer.alloc(want);
      let filled = 0;
      // A positioned read may return fewer bytes than asked (network and FUSE volumes do).
      while (filled < want) {
        const { bytesRead } = await handle.read(buf, filled, want - filled, offset + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return filled === want ? buf : buf.subarray(0, filled);
    },
  };
}

/** An in-memory reader, for data already held (and for tests). */
export function bufferReader(data: Uint8Array): RandomAccessReader {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return {
    size: buf.length,
    async read(offset, length) {
      const want = clampRange(buf.length, offset, length);
      return buf.subarray(offset, offset + want);
    },
  };
}

/**
 * Opens `path` read-only, hands a reader to `fn` and always closes the handle. The size is taken
 * from the open handle (fstat), so a rename or replace of the path meanwhile cannot mix two files.
 */
export async function withFileReader<T>(path: string, fn: (reader: RandomAccessReader) => Promise<T>): Promise<T> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    return await fn(fileHandleReader(handle, size));
  } finally {
    await handle.close();
  }
}
