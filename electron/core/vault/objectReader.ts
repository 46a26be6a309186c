// Reads one vault object. Playback decrypts only the chunks a range touches and never writes plaintext to disk
// (README.md, Architecture: "The vault"); no byte of a chunk is handed out before that chunk's tag has verified.
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { fromSystemError, onPath, StationError } from '../errors.ts';
import type { ChunkKey } from './chunkCipher.ts';
import { importChunkKey, openChunk } from './chunkCipher.ts';
import type { VerifyJob, VerifyStop } from './verifyWorker.ts';
import { verifyOnWorker } from './verifyWorker.ts';
import type { ObjectHeader, ObjectLayout } from './objectFormat.ts';
import {
  chunkNonce,
  chunkOffset,
  chunkPlainLength,
  chunksForRange,
  corrupt,
  decodeHeader,
  HEADER_LENGTH,
  layoutFromFileSize,
  objectIdToBytes,
  TAG_LENGTH,
} from './objectFormat.ts';

export type VerifiedObject = { sha256: string; size: number };

export type VaultObject = {
  readonly objectId: string;
  /** plaintext bytes, derived from the file size and the header */
  readonly size: number;
  readonly chunkSize: number;
  readonly chunkCount: number;
  /**
   * Plaintext bytes start…endInclusive, in order. `start === endInclusive + 1` is an empty range (so 0…size-1 also
   * works for an empty object). Throws vault.object_corrupt with the chunk index when a chunk fails its tag.
   */
  readRange(start: number, endInclusive: number): AsyncIterable<Buffer>;
  /**
   * Decrypts every chunk and re-hashes the plaintext, all on a worker thread of its own (verifyWorker.ts); close()
   * stops a running verify (vault.object_closed) before it closes the file. `readMode` as in VerifyJob.
   */
  verify(onProgress?: (done: number, total: number) => void, options?: { readMode?: VerifyJob['readMode'] }): Promise<VerifiedObject>;
  close(): Promise<void>;
};

// Chunks decrypting on the thread pool ahead of the consumer: enough to overlap reading, decryption and hashing.
const READ_AHEAD = 3;

export async function openObject(path: string, key: Buffer, expectedObjectId: string): Promise<VaultObject> {
  objectIdToBytes(expectedObjectId);
  const chunkKey = await importChunkKey(key);
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new StationError('io', 'vault.object_missing', { objectId: expectedObjectId }, { cause: e });
    }
    throw fromSystemError(e, path);
  }
  try {
    const { size: fileSize } = await onPath(path, () => fh.stat());
    const headerBytes = Buffer.alloc(HEADER_LENGTH);
    if (fileSize < HEADER_LENGTH) throw corrupt(expectedObjectId, 'truncated header');
    await readFully(fh, path, expectedObjectId, headerBytes, 0);
    const header = decodeHeader(headerBytes, expectedObjectId);
    const layout = layoutFromFileSize(fileSize, header.chunkSize, expectedObjectId);
    return new ObjectReader(fh, path, chunkKey, key, header, headerBytes, layout);
  } catch (e) {
    await fh.close().catch(() => {});
    throw e;
  }
}

class ObjectReader implements VaultObject {
  readonly objectId: string;
  readonly size: number;
  readonly chunkSize: number;
  readonly chunkCount: number;
  private readonly fh: FileHandle;
  private readonly path: string;
  private readonly key: ChunkKey;
  /** The raw key, only for verify's worker (WebCrypto keys cannot be sent to a thread); zeroed at close. */
  private readonly rawKey: Buffer;
  private readonly header: ObjectHeader;
  private readonly headerBytes: Buffer;
  private closed = false;
  /** Verifies running on a worker through this file descriptor: close() stops them before closing it. */
  private readonly verifying = new Set<{ control: VerifyStop | null; settled: Promise<unknown> }>();

  constructor(
    fh: FileHandle,
    path: string,
    key: ChunkKey,
    rawKey: Buffer,
    header: ObjectHeader,
    headerBytes: Buffer,
    layout: ObjectLayout,
  ) {
    this.fh = fh;
    this.path = path;
    this.key = key;
    // A copy of its own (Buffer.alloc never hands out pooled memory), so the caller may clear theirs at any time.
    this.rawKey = Buffer.alloc(rawKey.length);
    rawKey.copy(this.rawKey);
    this.header = header;
    // The file's own bytes are the associated data, so any change to them fails every chunk.
    this.headerBytes = headerBytes;
    this.objectId = header.objectId;
    this.size = layout.size;
    this.chunkSize = layout.chunkSize;
    this.chunkCount = layout.chunkCount;
  }

  readRange(start: number, endInclusive: number): AsyncIterable<Buffer> {
    // Checked here rather than inside the generator, so a bad range fails at the call and not at first iteration.
    const valid =
      Number.isSafeInteger(start) &&
      Number.isSafeInteger(endInclusive) &&
      start >= 0 &&
      endInclusive >= start - 1 &&
      endInclusive < this.size;
    if (!valid) {
      throw new StationError('input', 'vault.bad_range', {
        objectId: this.objectId,
        start,
        end: endInclusive,
        size: this.size,
      });
    }
    if (endInclusive < start) return emptyIterable();
    return this.range(start, endInclusive);
  }

  async verify(onProgress?: (done: number, total: number) => void, options: { readMode?: VerifyJob['readMode'] } = {}): Promise<VerifiedObject> {
    if (this.closed) throw new StationError('state', 'vault.object_closed', { objectId: this.objectId });
    const running: { control: VerifyStop | null; settled: Promise<unknown> } = { control: null, settled: Promise.resolve() };
    const result = verifyOnWorker(
      {
        // The descriptor whose header and size openObject checked: the worker reads this file, not whatever the path
        // names by now.
        fd: this.fh.fd,
        path: this.path,
        objectId: this.objectId,
        key: this.rawKey,
        header: this.headerBytes,
        noncePrefix: this.header.noncePrefix,
        chunkSize: this.chunkSize,
        chunkCount: this.chunkCount,
        size: this.size,
        ...(options.readMode ? { readMode: options.readMode } : {}),
      },
      onProgress && ((done) => onProgress(done, this.size)),
      (control) => (running.control = control),
    );
    running.settled = result.catch(() => {});
    this.verifying.add(running);
    try {
      return await result;
    } finally {
      this.verifying.delete(running);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // A worker still reading through the descriptor is stopped first: once closed, its number may name another file.
    for (const running of this.verifying) running.control?.stop();
    await Promise.all([...this.verifying].map((running) => running.settled));
    this.rawKey.fill(0);
    await this.fh.close();
  }

  private async *range(start: number, endInclusive: number): AsyncGenerator<Buffer> {
    const { first, last } = chunksForRange(start, endInclusive, this.chunkSize);
    for await (const { index, plain } of this.chunks(first, last)) {
      const chunkStart = index * this.chunkSize;
      const from = index === first ? start - chunkStart : 0;
      const to = index === last ? endInclusive - chunkStart + 1 : plain.length;
      yield from === 0 && to === plain.length ? plain : plain.subarray(from, to);
    }
  }

  /** Chunks first…last, each decrypted and authenticated, in order; up to READ_AHEAD decrypt in parallel. */
  private async *chunks(first: number, last: number): AsyncGenerator<{ index: number; plain: Buffer }> {
    // One read buffer per call, not per chunk: openChunk copies its input before returning.
    const readBuffer = Buffer.allocUnsafeSlow(Math.min(this.chunkSize, this.size) + TAG_LENGTH);
    type Opened = { ok: true; plain: ArrayBuffer } | { ok: false; error: unknown };
    const pending: { index: number; result: Promise<Opened> }[] = [];
    let next = first;
    for (;;) {
      while (next <= last && pending.length < READ_AHEAD) {
        const index = next++;
        const sealed = readBuffer.subarray(0, chunkPlainLength(index, this.size, this.chunkSize) + TAG_LENGTH);
        await this.readChunk(sealed, index);
        const lastChunk = index === this.chunkCount - 1;
        const nonce = chunkNonce(this.header.noncePrefix, index, lastChunk);
        // Settled into a value so a failure further ahead is not an unhandled rejection if the consumer stops early.
        const result = openChunk(this.key, nonce, this.headerBytes, sealed).then(
          (plain): Opened => ({ ok: true, plain }),
          (error: unknown): Opened => ({ ok: false, error }),
        );
        pending.push({ index, result });
      }
      const head = pending.shift();
      if (head === undefined) return;
      const opened = await head.result;
      if (!opened.ok) {
        throw new StationError(
          'verify',
          'vault.object_corrupt',
          { objectId: this.objectId, chunk: head.index },
          { cause: opened.error },
        );
      }
      yield { index: head.index, plain: Buffer.from(opened.plain) };
    }
  }

  private async readChunk(into: Buffer, index: number): Promise<void> {
    if (this.closed) throw new StationError('state', 'vault.object_closed', { objectId: this.objectId });
    await readFully(this.fh, this.path, this.objectId, into, chunkOffset(index, this.chunkSize));
  }
}

async function readFully(fh: FileHandle, path: string, objectId: string, into: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < into.length) {
    const { bytesRead } = await onPath(path, () => fh.read(into, done, into.length - done, position + done));
    // The file shrank after it was opened: whatever did that, the object is no longer what its size promised.
    if (bytesRead === 0) throw corrupt(objectId, 'truncated');
    done += bytesRead;
  }
}

function emptyIterable(): AsyncIterable<Buffer> {
  return {
    [Symbol.asyncIterator]: () => ({ next: async () => ({ done: true, value: undefined }) }),
  };
}
