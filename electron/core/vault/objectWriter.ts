// Writes one vault object (README.md, Architecture: "The vault"): the source is read once, hashed and encrypted in the same pass,
// and lands at its final path only complete and on disk (temp file → fsync → rename → fsync directory).
import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fromSystemError, StationError } from '../errors.ts';
import type { ChunkKey } from './chunkCipher.ts';
import { importChunkKey, sealChunk } from './chunkCipher.ts';
import { OffThreadHash } from './offThreadHash.ts';
import type { ObjectHeader } from './objectFormat.ts';
import {
  chunkNonce,
  chunkOffset,
  createHeader,
  DEFAULT_CHUNK_SIZE,
  encodeHeader,
  MAX_CHUNK_COUNT,
} from './objectFormat.ts';

export const TEMP_SUFFIX = '.partial';

export type WriteObjectOptions = {
  source: AsyncIterable<Buffer | Uint8Array>;
  /** the object's own 32-byte key (see keyWrap.ts) */
  key: Buffer;
  /** a UUID; it is written into the header and checked by every reader */
  objectId: string;
  destPath: string;
  /** must be on the same filesystem as destPath, or the final rename fails */
  tmpDir: string;
  chunkSize?: number;
  /** called with the running count of source bytes consumed */
  onProgress?: (bytesRead: number) => void;
  /** on abort, the write stops, leaves nothing behind and rejects with `signal.reason` */
  signal?: AbortSignal;
  /**
   * The source never touches a buffer again once it has yielded it, so the writer may move it to the hashing thread
   * (it is empty afterwards) instead of copying it.
   */
  sourceGivesUpBuffers?: boolean;
};

export type WrittenObject = {
  /** lowercase hex SHA-256 of the plaintext */
  sha256: string;
  /** plaintext bytes */
  size: number;
};

// Enough parallel chunks to keep the thread pool busy (libuv has 4 threads by default) while memory stays at a few
// chunks: each in-flight chunk holds one plaintext copy and one sealed buffer.
const MAX_IN_FLIGHT = 4;

// Temp files of writes running in this process, so a sweep can never pull a file from under a live write.
const activeTemps = new Set<string>();

export async function writeObject(opts: WriteObjectOptions): Promise<WrittenObject> {
  const header = createHeader(opts.objectId, opts.chunkSize ?? DEFAULT_CHUNK_SIZE);
  const key = await importChunkKey(opts.key);
  opts.signal?.throwIfAborted();

  const tmpPath = resolve(opts.tmpDir, `${header.objectId}${TEMP_SUFFIX}`);
  const destPath = resolve(opts.destPath);
  if (activeTemps.has(tmpPath)) {
    throw new StationError('state', 'vault.write_in_progress', { objectId: header.objectId });
  }
  activeTemps.add(tmpPath);

  let fh: FileHandle | undefined;
  let sink: ChunkSink | undefined;
  let renamed = false;
  try {
    await io(opts.tmpDir, () => mkdir(opts.tmpDir, { recursive: true }));
    // 'w' rather than 'wx': a leftover of the same id from a crash is garbage and may be overwritten; a concurrent
    // write of the same id is refused above.
    const handle = await io(tmpPath, () => open(tmpPath, 'w'));
    fh = handle;
    sink = new ChunkSink(handle, tmpPath, key, header);
    await sink.start();
    const written = await pump(opts.source, sink, opts);
    await io(tmpPath, () => handle.sync());
    fh = undefined;
    await io(tmpPath, () => handle.close());
    const destDir = dirname(destPath);
    const firstCreated = await io(destDir, () => mkdir(destDir, { recursive: true }));
    await io(destPath, () => rename(tmpPath, destPath));
    renamed = true;
    await syncDirectories(destDir, firstCreated);
    return written;
  } catch (e) {
    await sink?.settle();
    await fh?.close().catch(() => {});
    await rm(tmpPath, { force: true }).catch(() => {});
    // A rename that happened before a failed directory fsync may not survive a power cut; the caller will not
    // record the object, so it must not be left looking complete either.
    if (renamed) await rm(destPath, { force: true }).catch(() => {});
    throw e;
  } finally {
    activeTemps.delete(tmpPath);
  }
}

/**
 * Deletes temp files left by writes that never finished (a crash, a power cut); returns their names.
 * `writerAlive(objectId)` says whether some process (this one or another) still writes that object:
 * its temp file is not a leftover and stays (see writeLease.ts).
 */
export async function sweepTemp(tmpDir: string, writerAlive: (objectId: string) => boolean = () => false): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(tmpDir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw fromSystemError(e, tmpDir);
  }
  const removed: string[] = [];
  for (const name of names.sort()) {
    if (!name.endsWith(TEMP_SUFFIX)) continue;
    const path = resolve(tmpDir, name);
    if (activeTemps.has(path) || writerAlive(name.slice(0, -TEMP_SUFFIX.length))) continue;
    await io(path, () => rm(path, { force: true }));
    removed.push(name);
  }
  return removed;
}

async function pump(
  source: AsyncIterable<Buffer | Uint8Array>,
  sink: ChunkSink,
  { onProgress, signal, sourceGivesUpBuffers = false }: Pick<WriteObjectOptions, 'onProgress' | 'signal' | 'sourceGivesUpBuffers'>,
): Promise<WrittenObject> {
  const iterator = source[Symbol.asyncIterator]();
  const hash = new OffThreadHash();
  let size = 0;
  // A source stuck on a dead device would never answer next(), so an abort must not wait for it.
  const aborted = signal ? abortRejection(signal) : undefined;
  let finished = false;
  let waitingOnSource = false;
  try {
    for (;;) {
      signal?.throwIfAborted();
      waitingOnSource = true;
      const step = aborted ? await Promise.race([iterator.next(), aborted.promise]) : await iterator.next();
      waitingOnSource = false;
      if (step.done) break;
      const data = step.value;
      if (data.length === 0) continue;
      size += data.length;
      // Sealed first: the sink has copied what it keeps once push() returns, so the buffer may then move on.
      await sink.push(data);
      await hash.update(data, sourceGivesUpBuffers);
      onProgress?.(size);
    }
    finished = true;
    signal?.throwIfAborted();
    await sink.finish();
    return { sha256: await hash.digest(), size };
  } finally {
    // Ends the hash if the write failed anywhere before its digest; after the digest it is already ended.
    hash.discard();
    aborted?.dispose();
    if (!finished) {
      // Let the source release what it holds (close its stream); but a return() queued behind a hung next() would
      // never settle, so only wait for it when the source is not mid-read.
      const closing = Promise.resolve()
        .then(() => iterator.return?.())
        .catch(() => {});
      if (!waitingOnSource) await closing;
    }
  }
}

/**
 * Cuts the source into chunks and keeps up to MAX_IN_FLIGHT of them sealing and writing at once. Chunk i goes to its
 * computed offset, so completions may land in any order.
 */
class ChunkSink {
  private readonly fh: FileHandle;
  private readonly path: string;
  private readonly key: ChunkKey;
  private readonly header: ObjectHeader;
  private readonly headerBytes: Buffer;
  private readonly chunkSize: number;
  // One staging buffer reused for every chunk that has to be assembled from smaller source pieces.
  private readonly staging: Buffer;
  private staged = 0;
  private index = 0;
  private readonly inFlight: Promise<void>[] = [];
  private failure: { error: unknown } | undefined;

  constructor(fh: FileHandle, path: string, key: ChunkKey, header: ObjectHeader) {
    this.fh = fh;
    this.path = path;
    this.key = key;
    this.header = header;
    this.headerBytes = encodeHeader(header);
    this.chunkSize = header.chunkSize;
    this.staging = Buffer.allocUnsafeSlow(header.chunkSize);
  }

  async start(): Promise<void> {
    await io(this.path, () => writeFully(this.fh, this.headerBytes, 0));
  }

  async push(data: Uint8Array): Promise<void> {
    const size = this.chunkSize;
    let offset = 0;
    // A full staged chunk is held back until more bytes arrive, because only then is it known not to be the last.
    if (this.staged === size) {
      await this.seal(this.staging, false);
      this.staged = 0;
    }
    if (this.staged > 0) {
      const n = Math.min(size - this.staged, data.length);
      this.staging.set(data.subarray(0, n), this.staged);
      this.staged += n;
      offset = n;
      if (this.staged === size && offset < data.length) {
        await this.seal(this.staging, false);
        this.staged = 0;
      }
    }
    if (this.staged === 0) {
      // Whole chunks with bytes after them are sealed straight from the source's buffer, without a copy.
      while (data.length - offset > size) {
        await this.seal(data.subarray(offset, offset + size), false);
        offset += size;
      }
      if (offset < data.length) {
        this.staging.set(data.subarray(offset), 0);
        this.staged = data.length - offset;
      }
    }
  }

  /** Seals what is staged as the last chunk (an empty object's one empty chunk included) and waits for every write. */
  async finish(): Promise<void> {
    await this.seal(this.staging.subarray(0, this.staged), true);
    while (this.inFlight.length > 0) await this.inFlight.shift();
    this.throwIfFailed();
  }

  /** Waits for in-flight chunks without caring how they ended, so the file can be closed and removed. */
  async settle(): Promise<void> {
    await Promise.all(this.inFlight.splice(0));
  }

  private async seal(plain: Uint8Array, last: boolean): Promise<void> {
    while (this.inFlight.length >= MAX_IN_FLIGHT) await this.inFlight.shift();
    this.throwIfFailed();
    const index = this.index++;
    if (index >= MAX_CHUNK_COUNT) {
      throw new StationError('input', 'vault.object_too_large', { objectId: this.header.objectId });
    }
    const position = chunkOffset(index, this.chunkSize);
    // sealChunk copies `plain` before returning, so the staging buffer is free again as soon as this line is done.
    const sealed = sealChunk(this.key, chunkNonce(this.header.noncePrefix, index, last), this.headerBytes, plain);
    this.inFlight.push(
      sealed
        .then((bytes) => writeFully(this.fh, new Uint8Array(bytes), position))
        .then(undefined, (e: unknown) => {
          this.failure ??= { error: fromSystemError(e, this.path) };
        }),
    );
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }
}

async function writeFully(fh: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesWritten } = await fh.write(bytes, done, bytes.length - done, position + done);
    done += bytesWritten;
  }
}

async function syncDirectories(destDir: string, firstCreated: string | undefined): Promise<void> {
  // The new name lives in destDir; each directory mkdir just made lives in its parent. All must reach the disk.
  const dirs = [destDir];
  if (firstCreated !== undefined) {
    for (let d = destDir; ; d = dirname(d)) {
      const parent = dirname(d);
      dirs.push(parent);
      if (d === resolve(firstCreated) || parent === d) break;
    }
  }
  for (const dir of dirs) await fsyncDir(dir);
}

async function fsyncDir(dir: string): Promise<void> {
  // Windows cannot open a directory for fsync; NTFS journals the rename itself.
  if (process.platform === 'win32') return;
  let fh: FileHandle | undefined;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch (e) {
    // Some filesystems (certain FUSE and network mounts) do not implement fsync on directories.
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'ENOTSUP' && code !== 'EISDIR') throw fromSystemError(e, dir);
  } finally {
    await fh?.close().catch(() => {});
  }
}

async function io<T>(path: string, op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (e) {
    throw fromSystemError(e, path);
  }
}

function abortRejection(signal: AbortSignal): { promise: Promise<never>; dispose: () => void } {
  let onAbort = (): void => {};
  const promise = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  // Racing attaches its own handler only while a race is running; this one keeps an abort between races quiet.
  promise.catch(() => {});
  return { promise, dispose: () => signal.removeEventListener('abort', onAbort) };
}
