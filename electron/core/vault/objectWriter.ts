// Writes one vault object (README.md, Architecture: "The vault"): the source is read once, hashed and encrypted in the same pass,
// and lands at its final path only complete and on disk (temp file → fsync → rename → fsync directory).
import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fromSystemError, onPath, StationError } from '../errors.ts';
import { KEY_LENGTH } from './keyWrap.ts';
import { createHeader, DEFAULT_CHUNK_SIZE, encodeHeader } from './objectFormat.ts';
import { type Handover, ObjectSealer } from './objectSealer.ts';

export const TEMP_SUFFIX = '.partial';

/**
 * A source that lends its buffers: each buffer it yields (with all the memory behind it) is the writer's until the
 * writer hands it back through giveBack(), and the source reads into it again. Buffers the writer keeps (a failed
 * write) are simply never given back.
 */
export type LendingSource = AsyncIterable<Buffer> & { giveBack(block: Buffer): void };

export type WriteObjectOptions = {
  source: AsyncIterable<Buffer | Uint8Array> | LendingSource;
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
   * Called once, when the source has been read to its end and every byte is with the sealer; not called when the
   * read fails. What follows (the last chunk, fsync, rename) needs nothing more from the source.
   */
  onSourceRead?: () => void;
  /**
   * The source never touches a buffer again once it has yielded it, so the writer may move it to the sealing thread
   * (it is empty afterwards) instead of copying it. A LendingSource needs no flag: its buffers move and come back.
   */
  sourceGivesUpBuffers?: boolean;
  /**
   * A read-back to run behind the writer (readBack.ts): the sealer publishes its progress into `written`, `start` is
   * called once the temp file holds its header, and `close` before a failed write's temp file is removed.
   */
  readBack?: { written: BigInt64Array; start(tmpPath: string): Promise<void>; close(): Promise<void> };
};

export type WrittenObject = {
  /** lowercase hex SHA-256 of the plaintext */
  sha256: string;
  /** plaintext bytes */
  size: number;
};

// Temp files of writes running in this process, so a sweep can never pull a file from under a live write.
const activeTemps = new Set<string>();

export async function writeObject(opts: WriteObjectOptions): Promise<WrittenObject> {
  const header = createHeader(opts.objectId, opts.chunkSize ?? DEFAULT_CHUNK_SIZE);
  if (opts.key.length !== KEY_LENGTH) throw new StationError('input', 'vault.bad_key', { length: opts.key.length });
  opts.signal?.throwIfAborted();

  const tmpPath = resolve(opts.tmpDir, `${header.objectId}${TEMP_SUFFIX}`);
  const destPath = resolve(opts.destPath);
  if (activeTemps.has(tmpPath)) {
    throw new StationError('state', 'vault.write_in_progress', { objectId: header.objectId });
  }
  activeTemps.add(tmpPath);

  let sealer: ObjectSealer | undefined;
  let renamed = false;
  try {
    await onPath(opts.tmpDir, () => mkdir(opts.tmpDir, { recursive: true }));
    // The worker opens the temp file with 'w' rather than 'wx': a leftover of the same id from a crash is garbage and
    // may be overwritten; a concurrent write of the same id is refused above.
    const lender = 'giveBack' in opts.source ? opts.source : undefined;
    sealer = new ObjectSealer({
      path: tmpPath,
      key: opts.key,
      header: encodeHeader(header),
      chunkSize: header.chunkSize,
      giveBack: lender && ((block) => lender.giveBack(block)),
      ...(opts.readBack ? { written: opts.readBack.written } : {}),
    });
    // The temp file exists before the first byte is read, as it did when this thread created it.
    await onPath(tmpPath, () => sealer!.started());
    await opts.readBack?.start(tmpPath);
    const handover: Handover = lender ? 'lend' : opts.sourceGivesUpBuffers ? 'give' : 'copy';
    const sealing = sealer;
    // The sealer's errors are the vault disk's (full, gone…); the source's own errors pass through unchanged.
    const size = await pump(opts.source, (data) => onPath(tmpPath, () => sealing.update(data, handover)), opts);
    opts.onSourceRead?.();
    // finish() returns once the last chunk is sealed and the file fsynced and closed by the worker.
    const sha256 = await onPath(tmpPath, () => sealer!.finish());
    sealer = undefined;
    const destDir = dirname(destPath);
    const firstCreated = await onPath(destDir, () => mkdir(destDir, { recursive: true }));
    await onPath(destPath, () => rename(tmpPath, destPath));
    renamed = true;
    await syncDirectories(destDir, firstCreated);
    return { sha256, size };
  } catch (e) {
    // The workers close the file before the temp file is removed (Windows cannot remove an open file).
    await sealer?.discard();
    await opts.readBack?.close();
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
    await onPath(path, () => rm(path, { force: true }));
    removed.push(name);
  }
  return removed;
}

async function pump(
  source: AsyncIterable<Buffer | Uint8Array>,
  write: (data: Uint8Array) => Promise<void>,
  { onProgress, signal }: Pick<WriteObjectOptions, 'onProgress' | 'signal'>,
): Promise<number> {
  const iterator = source[Symbol.asyncIterator]();
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
      await write(data);
      onProgress?.(size);
    }
    finished = true;
    signal?.throwIfAborted();
    return size;
  } finally {
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
