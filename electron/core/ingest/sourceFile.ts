// Reading one source file: opened once, read-only, never through a symbolic link, and checked to be
// the very entry the scan listed. The media headers and the bytes for the vault come from this one
// handle, so a file renamed or replaced meanwhile cannot mix two files.
import { constants } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { StationError, fromSystemError } from '../errors.ts';
import type { LendingSource } from '../vault/objectWriter.ts';

/** An error of the SOURCE (the recorder or folder), as opposed to the vault's disk. */
export class SourceError extends Error {
  readonly errno: string;
  constructor(cause: unknown) {
    const errno = (cause as NodeJS.ErrnoException | undefined)?.code ?? 'UNKNOWN';
    super(`source read failed: ${errno}`, { cause });
    this.name = 'SourceError';
    this.errno = errno;
  }
}

/** The device went away (unplugged, unmounted, FUSE daemon gone) rather than one file failing. */
export const DEVICE_GONE_ERRNOS: ReadonlySet<string> = new Set(['EIO', 'ENXIO', 'ENODEV', 'ENOTCONN', 'ESTALE', 'ENOENT', 'ESHUTDOWN']);

export type OpenedSource = {
  handle: FileHandle;
  size: number;
  mtimeMs: number;
  dev: number;
  ino: number;
};

// O_NOATIME keeps even the access time on the recorder unchanged; only the owner (or root) may use it.
const NOATIME = (constants as Record<string, number>).O_NOATIME ?? 0;
const NOFOLLOW = constants.O_NOFOLLOW ?? 0;

export async function openSource(path: Buffer, expect: { dev: number; ino: number }, displayPath: string): Promise<OpenedSource> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | NOFOLLOW | NOATIME);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (NOATIME && (code === 'EPERM' || code === 'EINVAL')) {
      try {
        handle = await open(path, constants.O_RDONLY | NOFOLLOW);
      } catch (e2) {
        throw classifyOpenError(e2, displayPath);
      }
    } else {
      throw classifyOpenError(e, displayPath);
    }
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new StationError('input', 'ingest.not_regular_file', { path: displayPath, kind: 'changed' });
    if (st.dev !== expect.dev || st.ino !== expect.ino) throw new StationError('input', 'ingest.source_replaced', { path: displayPath });
    return { handle, size: st.size, mtimeMs: Math.floor(st.mtimeMs), dev: st.dev, ino: st.ino };
  } catch (e) {
    await handle.close().catch(() => {});
    if (e instanceof StationError) throw e;
    throw new SourceError(e);
  }
}

function classifyOpenError(e: unknown, displayPath: string): Error {
  const code = (e as NodeJS.ErrnoException).code;
  // O_NOFOLLOW on a link: the entry became a symbolic link after the scan.
  if (code === 'ELOOP') return new StationError('input', 'ingest.symlink_not_followed', { path: displayPath, target: '?' });
  if (code === 'EACCES' || code === 'EPERM') return fromSystemError(e, displayPath);
  return new SourceError(e);
}

export const READ_BLOCK = 4 << 20;

// Read blocks are reused rather than allocated per block (issue 16): a fresh 4 MiB buffer per block cost page faults
// and zeroed pages, GC of large external memory, and made peak memory depend on how soon the collector ran. The vault
// writer moves each block to its sealing thread and gives it back when sealed (LendingSource); blocks nobody gives
// back are left to the collector. The free list is shared by every file being read, so the memory held when idle is
// bounded by MAX_FREE_BLOCKS, and while reading by the blocks in flight (read ahead + queued at the sealer).
const MAX_FREE_BLOCKS = 8;
const freeBlocks: Buffer[] = [];

function takeBlock(): Buffer {
  // allocUnsafeSlow: memory of its own (never Node's shared pool), so it can move to a worker thread and back.
  return freeBlocks.pop() ?? Buffer.allocUnsafeSlow(READ_BLOCK);
}

function giveBackBlock(block: Buffer): void {
  const ab = block.buffer;
  // A block moved elsewhere and not returned is detached (length 0); one given back twice must not be read into twice.
  if (ab.byteLength !== READ_BLOCK || freeBlocks.length >= MAX_FREE_BLOCKS) return;
  if (freeBlocks.some((b) => b.buffer === ab)) return;
  freeBlocks.push(block.byteOffset === 0 && block.length === READ_BLOCK ? block : Buffer.from(ab as ArrayBuffer));
}

export type ReadOutcome = {
  /** Bytes actually delivered. */
  bytes: number;
  /** Size or modification time differed after the read, or the file ended early. */
  changed: boolean;
};

/**
 * Streams exactly the size seen at open (a file still growing is stored as it was when opened, and
 * flagged), then looks at the file again. Read errors become SourceError so the caller can tell an
 * unplugged recorder from a full vault disk.
 *
 * The next block is already being read while the caller hashes and encrypts this one: a recorder
 * behind USB or FUSE answers slowly, and waiting for it only after each block is done would leave
 * the device and the CPU taking turns.
 *
 * The blocks are lent (see LendingSource): a caller that is done with one may give it back for reuse,
 * and must then not touch it again; a caller that never gives back costs only fresh allocations.
 */
export function readSource(src: OpenedSource, outcome: ReadOutcome): AsyncGenerator<Buffer> & LendingSource & { readonly bytesPastPageCache: number } {
  const counts = { pastPageCache: 0 };
  const blocks = Object.assign(readBlocks(src, outcome, counts), { giveBack: giveBackBlock });
  return Object.defineProperty(blocks, 'bytesPastPageCache', { get: () => counts.pastPageCache }) as typeof blocks & { readonly bytesPastPageCache: number };
}

const DIRECT = process.platform === 'linux' ? ((constants as Record<string, number>).O_DIRECT ?? 0) : 0;

/**
 * A second descriptor on the very file `src` has open, reading past the page cache (O_DIRECT), or null where that
 * cannot be had. Through FUSE (exfat-fuse, as older kernels mount a recorder) a buffered read costs the reading
 * process a page-cache insertion and a copy per page, and the readahead around it: about three times the CPU of a
 * direct read, which the kernel copies from the daemon's answer straight into our block (issue 16). Opened through
 * /proc/self/fd, so it is the same file whatever happened to its name since.
 */
async function openPastPageCache(src: OpenedSource): Promise<FileHandle | null> {
  if (!DIRECT) return null;
  const at = `/proc/self/fd/${src.handle.fd}`;
  let handle: FileHandle;
  try {
    handle = await open(at, constants.O_RDONLY | DIRECT | NOATIME);
  } catch {
    try {
      handle = await open(at, constants.O_RDONLY | DIRECT);
    } catch {
      // The file system has no direct reads (tmpfs), or no /proc: the buffered descriptor serves.
      return null;
    }
  }
  try {
    const st = await handle.stat();
    if (st.dev === src.dev && st.ino === src.ino) return handle;
  } catch {
    // Whatever went wrong here, the buffered descriptor reports it properly.
  }
  await handle.close().catch(() => {});
  return null;
}

async function* readBlocks(src: OpenedSource, outcome: ReadOutcome, counts: { pastPageCache: number }): AsyncGenerator<Buffer> {
  type Block = { ok: true; buf: Buffer; n: number; want: number } | { ok: false; error: unknown };
  let direct = src.size > 0 ? await openPastPageCache(src) : null;
  const readAt = (position: number): Promise<Block> => {
    const want = Math.min(READ_BLOCK, src.size - position);
    const buf = takeBlock();
    const buffered = () => src.handle.read(buf, 0, want, position);
    const via = direct;
    const read = via
      ? via.read(buf, 0, want, position).then(
          (r) => {
            counts.pastPageCache += r.bytesRead;
            return r;
          },
          (error: unknown) => {
            // A block file system wants direct reads aligned to its sectors, in memory and in length (the tail);
            // from the first refusal on this file is read through the page cache.
            if ((error as NodeJS.ErrnoException)?.code !== 'EINVAL') throw error;
            if (direct === via) {
              direct = null;
              via.close().catch(() => {});
            }
            return buffered();
          },
        )
      : buffered();
    // Settled into a value, so a read ahead that fails after the caller stopped is not an unhandled rejection.
    return read.then(
      ({ bytesRead }): Block => ({ ok: true, buf, n: bytesRead, want }),
      (error: unknown): Block => ({ ok: false, error }),
    );
  };
  try {
    let position = 0;
    // Reads past the page cache get no readahead from the kernel: two blocks are asked for ahead instead of one.
    const depth = () => (direct ? 2 : 1);
    const ahead: Promise<Block>[] = [];
    let asked = 0;
    const askMore = () => {
      while (ahead.length < depth() && asked < src.size) {
        ahead.push(readAt(asked));
        asked += Math.min(READ_BLOCK, src.size - asked);
      }
    };
    askMore();
    // A read still running when the caller stops early is not awaited here (a dead device may never answer it);
    // FileHandle.close() waits for it before the descriptor is released. Its block is then not reused.
    while (ahead.length > 0) {
      const block = await ahead.shift()!;
      if (!block.ok) throw new SourceError(block.error);
      if (block.n === 0) {
        outcome.changed = true;
        giveBackBlock(block.buf);
        break;
      }
      position += block.n;
      outcome.bytes = position;
      if (block.n < block.want) {
        // The file ended early: what was asked for beyond is not used; read on from where it ended.
        ahead.length = 0;
        asked = position;
      }
      askMore();
      yield block.n === READ_BLOCK ? block.buf : block.buf.subarray(0, block.n);
    }
  } finally {
    // Not awaited, for the same reason as above.
    direct?.close().catch(() => {});
  }
  try {
    const after = await src.handle.stat();
    if (after.size !== src.size || Math.floor(after.mtimeMs) !== src.mtimeMs) outcome.changed = true;
  } catch (e) {
    throw new SourceError(e);
  }
}
