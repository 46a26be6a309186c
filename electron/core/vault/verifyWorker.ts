// Verifies one whole vault object on a worker thread: read, decrypt and re-hash in one place, with native
// AES-256-GCM (OpenSSL's EVP decrypting in place, evpSource.ts; createDecipheriv where that is unavailable) and SHA-256
// (createHash), two read windows reused for every chunk, and no plaintext ever crossing a thread. This is the vault's fixity check (Vault.verifyObject / verifyAll) and the read-back after every
// Vault.put, so its cost is paid on every ingest.
//
// Why one worker per object rather than WebCrypto on libuv's pool plus a hashing worker (the path before issue 16):
// WebCrypto copies every chunk in and its plaintext out, cleanses both, and the plaintext then has to travel to the
// hashing thread; the reads, the decrypts and the hash sat on three different threads handing 1 MiB buffers around.
// SHA-256 of one object is sequential anyway, so one thread per object is the most one object can use; several objects
// verify at once (verifyAll) to use every core.
//
// What is checked is exactly what the streaming reader checks (objectReader.ts): the header and the chunk layout were
// read and checked by openObject on this same file descriptor; here every chunk's tag must verify, with the chunk's
// index and last-chunk flag in its nonce and the header as associated data. A chunk whose final() fails ends the
// verify: its (unauthenticated) plaintext has only gone into the running hash, which is then thrown away.
//
// The worker is given as source text, not a file, for the reason objectSealer.ts gives: the same code runs from the
// CLI, the tests and the bundled desktop app without a worker file to locate next to each of them. The numbers it
// needs from objectFormat.ts are put into that text from the module's own constants, so the two cannot disagree.
import { availableParallelism } from 'node:os';
import { ALIGNED_MEMORY_SOURCE, type CipherChoice, EVP_SOURCE } from './evpSource.ts';
import { IdleWorkers } from './idleWorkers.ts';
import { fromSystemError, StationError } from '../errors.ts';
import { corrupt, fileSizeForPlaintext, HEADER_LENGTH, NONCE_LENGTH, NONCE_PREFIX_LENGTH, TAG_LENGTH } from './objectFormat.ts';

// Plaintext bytes decrypted per update(). Smaller slices, meant to keep the plaintext in cache for the hash, measured
// worse, not better: CPU per byte of one object's verify, interleaved runs on the loaded build machine, 16 KiB
// 877 MiB/s, 64 KiB 861, 1 MiB 952 (mean of 9 each). Each update() returns a fresh, zero-filled buffer (Node 22), and
// fewer, larger ones cost less. A default chunk is one slice. With EVP decrypting in place (no buffer per call) 64 KiB
// still measured 5–10 % more verify CPU than 1 MiB (interleaved, median of 6, load 4–5).
const DECRYPT_SLICE = 1024 * 1024;
// Bytes read at once (two windows per worker): a multiple of WebAssembly's 64 KiB page and of any block size direct
// I/O asks for.
const READ_WINDOW = 2 << 20;

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createDecipheriv, createHash } = require('node:crypto');
const fs = require('node:fs');
const HEADER_LENGTH = ${HEADER_LENGTH};
const TAG_LENGTH = ${TAG_LENGTH};
const NONCE_LENGTH = ${NONCE_LENGTH};
const NONCE_PREFIX_LENGTH = ${NONCE_PREFIX_LENGTH};
const DECRYPT_SLICE = ${DECRYPT_SLICE};
const WINDOW = ${READ_WINDOW};
// Read windows per worker: while one is decrypted, the next is being read (a direct read waits for the disk). Three
// (two reads ahead) measured no better: one object alone still 1.3–1.4× the wall of a buffered read with the
// kernel's readahead (256 MiB, median of 5, load 4), at the same CPU.
const WINDOWS = 2;
const O_DIRECT = fs.constants.O_DIRECT || 0;
${EVP_SOURCE}
${ALIGNED_MEMORY_SOURCE}
// The read windows, page-aligned for direct reads where V8 allows; kept between objects (a verify of a vault reads
// thousands of them). One page more lets a test shift them off alignment.
let memory = null;
function windowArea() {
  memory ??= pageAlignedMemory(WINDOWS * WINDOW + 65536);
  return memory;
}

parentPort.on('message', (job) => {
  void run(job);
});

async function run(job) {
  const key = new Uint8Array(job.key);
  const reader = openReader(job);
  try {
    parentPort.postMessage(await verify(job, key, reader));
  } catch (e) {
    parentPort.postMessage({ type: 'io', code: e && e.code, syscall: e && e.syscall, message: String(e && e.message) });
  } finally {
    // The worker keeps nothing of the key once the object is done (the deciphers reset their contexts at final()).
    key.fill(0);
    // Only once no read is in flight (verify waits for it): the descriptor is this thread's own.
    for (const fd of [reader.direct, ...reader.retired]) if (fd !== null) try { fs.closeSync(fd); } catch {}
  }
}

// By default the object is read with direct I/O where possible: from the disk itself, never from a cached copy (a
// read-back checks what reached the disk), and with nothing of a vault-wide verify left in the cache (see
// VerifyJob.readMode for the measurements). The descriptor is the caller's one reopened through /proc (the same file,
// whatever its path names by now). Where that or O_DIRECT is refused (no /proc, a file system without direct I/O,
// macOS, Windows), or a direct read fails with EINVAL, the caller's descriptor is read through the cache.
function openReader(job) {
  const reader = { direct: null, opened: false, fellBack: false, retired: [], misaligned: job.readMode === 'misaligned-direct' };
  if (O_DIRECT !== 0 && job.readMode !== 'buffered' && windowArea().aligned) {
    try {
      reader.direct = fs.openSync('/proc/self/fd/' + job.fd, fs.constants.O_RDONLY | O_DIRECT);
      reader.opened = true;
    } catch {}
  }
  return reader;
}

function readOnce(fd, buffer, offset, length, position) {
  return new Promise((resolve, reject) => fs.read(fd, buffer, offset, length, position, (e, n) => (e ? reject(e) : resolve(n))));
}

// Reads up to WINDOW bytes of the file at \`position\` (a multiple of WINDOW) into \`buffer\`; fewer only at its end.
async function readWindow(job, reader, buffer, position, length) {
  if (reader.direct !== null) {
    try {
      // A direct read returns short only at the end of the file.
      return await readOnce(reader.direct, buffer, 0, length, position);
    } catch (e) {
      if (!e || e.code !== 'EINVAL') throw e;
      // Another read may still be using it: closed once the verify is over (run()).
      if (reader.direct !== null) reader.retired.push(reader.direct);
      reader.direct = null;
      reader.fellBack = true;
    }
  }
  let got = 0;
  while (got < length) {
    const n = await readOnce(job.fd, buffer, got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got;
}

async function verify(job, key, reader) {
  // OpenSSL's EVP (evpSource.ts) decrypts each window in place: no buffer allocated and zero-filled per update().
  const E = loadEvp(job.cipher);
  const ctx = E === null ? null : evpContext(E, key, true);
  try {
    return await verifyWith(job, key, reader, E, ctx);
  } finally {
    if (ctx !== null) E.ctxFree(ctx);
  }
}

async function verifyWith(job, key, reader, E, ctx) {
  const { header, chunkSize } = job;
  let { chunkCount, size } = job;
  const stop = new Int32Array(job.stop);
  // Following the writer (VerifyJob.growing): [0] bytes of the file written so far, [1] the plaintext size + 1 once
  // the object is complete (0 until then). Until then the layout is unknown, and only what is written is read.
  const growing = job.growing ? new BigInt64Array(job.growing) : null;
  let complete = growing === null;
  const shift = reader.misaligned ? 16 : 0;
  const area = windowArea();
  const windows = [];
  for (let i = 0; i < WINDOWS; i++) windows.push(Buffer.from(area.buffer, shift + i * WINDOW, WINDOW));
  const nonce = Buffer.alloc(NONCE_LENGTH);
  Buffer.from(job.noncePrefix).copy(nonce, 0, 0, NONCE_PREFIX_LENGTH);
  const tag = Buffer.alloc(TAG_LENGTH);
  const hash = createHash('sha256');
  // The sealed chunks follow the header back to back: the object is one stream, read in windows while the next one is
  // already being read (a direct read waits for the disk).
  let lastPlain = size - (chunkCount - 1) * chunkSize;
  let end = complete ? HEADER_LENGTH + size + chunkCount * TAG_LENGTH : Infinity;
  const written = () => (complete ? end : Number(Atomics.load(growing, 0)));
  // Whether the object is complete now; its layout then follows from its size, as openObject's does.
  const completed = () => {
    if (complete) return true;
    const sizePlusOne = Atomics.load(growing, 1);
    if (sizePlusOne === 0n) return false;
    size = Number(sizePlusOne) - 1;
    chunkCount = Math.max(1, Math.ceil(size / chunkSize));
    lastPlain = size - (chunkCount - 1) * chunkSize;
    end = HEADER_LENGTH + size + chunkCount * TAG_LENGTH;
    complete = true;
    return true;
  };
  // Waits until more is written, the object is complete or the verify is stopped (each wakes index 0). Bounded: a
  // completion announced between the look and the wait, with nothing more written, is then seen 20 ms late at most.
  const more = async (than) => {
    const w = Atomics.waitAsync(growing, 0, BigInt(than), 20);
    if (w.async) await w.value;
  };
  let index = 0;
  let decipher = null;
  let plainLength = 0;
  let inChunk = 0;
  let done = 0;
  let position = 0;
  // Reads in flight, in file order; window k of the file goes into windows[k % WINDOWS].
  const reads = [];
  let issued = 0;
  const issue = () => {
    if (issued >= end || reads.length >= WINDOWS - 1) return;
    // Following the writer: only a whole window already written.
    if (!completed() && issued + WINDOW > written()) return;
    reads.push(readWindow(job, reader, windows[(issued / WINDOW) % WINDOWS], issued, Math.min(WINDOW, roundUp(end - issued))));
    issued += WINDOW;
  };
  issue();
  try {
    while (position < end) {
      if (reads.length === 0) {
        if (Atomics.load(stop, 0) !== 0) return { type: 'stopped' };
        const seen = written();
        issue();
        if (reads.length === 0) {
          if (!completed()) await more(seen);
          continue;
        }
      }
      const n = await reads.shift();
      const available = Math.min(position + n, end);
      // The file shrank after it was opened: the object is no longer what its size promised.
      if (available < Math.min(position + WINDOW, end)) return { type: 'truncated' };
      const next = position + WINDOW;
      // Into the window decrypted last time round: free now.
      issue();
      const buffer = windows[(position / WINDOW) % WINDOWS];
      // The header every chunk is checked against must be the one in the file (a read-back following the writer took
      // it from the file before the rest was written).
      if (position === 0 && !buffer.subarray(0, HEADER_LENGTH).equals(header)) return { type: 'header' };
      let at = Math.max(position, HEADER_LENGTH) - position;
      const to = available - position;
      while (at < to) {
        if (decipher === null) {
          if (Atomics.load(stop, 0) !== 0) return { type: 'stopped' };
          // Following the writer, a chunk is known not to be the last once something is written after it.
          const sealedEnd = HEADER_LENGTH + (index + 1) * (chunkSize + TAG_LENGTH);
          while (!completed() && written() <= sealedEnd) {
            if (Atomics.load(stop, 0) !== 0) return { type: 'stopped' };
            await more(written());
          }
          const last = index === chunkCount - 1;
          plainLength = last ? lastPlain : chunkSize;
          nonce.writeUInt32BE(index, NONCE_PREFIX_LENGTH);
          nonce[NONCE_LENGTH - 1] = last ? 1 : 0;
          if (E !== null) {
            E.check(E.decInit(ctx, null, null, null, nonce));
            E.check(E.decUpdate(ctx, null, E.outl, header, HEADER_LENGTH));
            decipher = ctx;
          } else {
            decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_LENGTH });
            decipher.setAAD(header);
          }
          inChunk = 0;
        }
        if (inChunk < plainLength) {
          const take = Math.min(plainLength - inChunk, to - at, DECRYPT_SLICE);
          if (E !== null) {
            const view = buffer.subarray(at, at + take);
            E.check(E.decUpdate(ctx, view, E.outl, view, take));
            if (E.outl[0] !== take) throw new Error('EVP_DecryptUpdate returned ' + E.outl[0] + ' of ' + take + ' bytes');
            hash.update(view);
          } else {
            hash.update(decipher.update(buffer.subarray(at, at + take)));
          }
          at += take;
          inChunk += take;
          continue;
        }
        const take = Math.min(plainLength + TAG_LENGTH - inChunk, to - at);
        buffer.copy(tag, inChunk - plainLength, at, at + take);
        at += take;
        inChunk += take;
        if (inChunk < plainLength + TAG_LENGTH) continue;
        let authentic;
        if (E !== null) {
          E.check(E.ctrl(ctx, EVP_CTRL_GCM_SET_TAG, TAG_LENGTH, tag));
          authentic = E.decFinal(ctx, E.scratch, E.outl) === 1;
        } else {
          decipher.setAuthTag(tag);
          try {
            decipher.final();
            authentic = true;
          } catch {
            authentic = false;
          }
        }
        // Its (unauthenticated) plaintext went only into the running hash, which is thrown away.
        if (!authentic) return { type: 'corrupt', chunk: index };
        decipher = null;
        done += plainLength;
        index++;
        if (job.progress) parentPort.postMessage({ type: 'progress', done });
      }
      position = next;
    }
  } finally {
    // A read still in flight uses the descriptor: the verify ends (and the caller may close it) only after it.
    await Promise.allSettled(reads);
    // Decrypted in place, the windows hold plaintext: an idle worker keeps none of it.
    if (E !== null) for (const w of windows) w.fill(0);
  }
  return { type: 'done', sha256: hash.digest('hex'), size: done, direct: reader.opened && !reader.fellBack, native: E !== null };
}

// Direct reads want whole blocks: a read past the end of the file simply returns what is there.
function roundUp(n) {
  return Math.ceil(n / 4096) * 4096;
}
`;

type Reply =
  | { type: 'progress'; done: number }
  | { type: 'done'; sha256: string; size: number; direct: boolean; native: boolean }
  | { type: 'corrupt'; chunk: number }
  | { type: 'truncated' }
  | { type: 'header' }
  | { type: 'stopped' }
  | { type: 'io'; code?: string; syscall?: string; message: string };

export type VerifyJob = {
  /** an open descriptor of the object file whose header `header` is (the worker reads through it, never reopens) */
  fd: number;
  path: string;
  objectId: string;
  /** the object's raw key: copied into the message, the caller keeps and clears its own */
  key: Uint8Array;
  /** the file's header bytes, the associated data of every chunk */
  header: Uint8Array;
  noncePrefix: Uint8Array;
  chunkSize: number;
  chunkCount: number;
  /** plaintext bytes, from the file size and the header (layoutFromFileSize) */
  size: number;
  /**
   * 'auto' (the default): direct I/O where the file system takes it, else through the page cache. 'buffered': through
   * the cache. Objects written by the sealer are not in the cache (it writes with O_DIRECT), so a read-back reads the
   * disk either way; through the cache it also fills new page-cache pages with the whole object, which in a whole
   * ingest cost more CPU than the direct read (4 × 64 MiB per process, interleaved, 12 runs each at load 6–10:
   * process CPU 0.75–0.76 s direct against 0.88–0.92 s buffered and 0.85–0.96 s for the old writer and verify).
   * One object alone, already in the cache, verifies faster buffered (readahead; 1.4–1.6× the wall direct).
   * 'misaligned-direct' is for tests: direct reads into misaligned memory, which the kernel refuses (EINVAL), as a
   * file system refusing direct I/O would — the fallback path.
   */
  readMode?: 'auto' | 'buffered' | 'misaligned-direct';
  /** 'auto' (the default): OpenSSL's EVP through koffi where available (evpSource.ts), else createDecipheriv; 'node': always createDecipheriv; 'system': the system libcrypto (tests). */
  cipher?: CipherChoice;
  /**
   * The read-back of an object still being written (vault.put): index 0 is how many bytes of the file are written so
   * far (the sealer publishes it, SealerOptions.written), index 1 the plaintext size + 1 once the object is complete,
   * fsynced and renamed (0 before; `chunkCount` and `size` are then ignored). The verify reads only what is written,
   * decrypts a chunk once something is written after it (so it is not the last) or the object is complete, and ends
   * with the whole object — the same checks as on a finished object, begun while the rest is still being written.
   */
  growing?: BigInt64Array;
};

/** Tells a read-back following the writer (VerifyJob.growing) that the object is complete: `size` plaintext bytes. */
export function completeGrowing(growing: BigInt64Array, size: number, chunkSize: number): void {
  Atomics.store(growing, 1, BigInt(size + 1));
  Atomics.store(growing, 0, BigInt(fileSizeForPlaintext(size, chunkSize)));
  Atomics.notify(growing, 0);
}

/** Objects verified so far in this process by how they were read and decrypted (tests and measurements). */
export const verifyPaths = { direct: 0, buffered: 0, native: 0, node: 0 };

/** Lets the owner of the file descriptor stop a running verify before it closes the descriptor. */
export type VerifyStop = { stop(): void };

// Idle workers kept for the next object: one per core is what verifyAll runs at once, and four volumes ingesting read
// back up to four objects at once (a worker costs ~10 MiB and tens of milliseconds to start).
const MAX_IDLE = Math.max(4, availableParallelism());
// …and for this long: a dock session reads back files one after another, but a station that verified its vault in the
// morning should not hold the threads for the day.
const IDLE_MS = 30_000;

const workers = new IdleWorkers({ source: WORKER_SOURCE, name: 'station-verify', maxIdle: MAX_IDLE, idleMs: IDLE_MS });

/**
 * Decrypts every chunk of the object and re-hashes its plaintext on a worker thread. Resolves with the SHA-256 and the
 * plaintext size only if every chunk's tag verified; rejects with vault.object_corrupt (with the failing chunk's
 * index, or a reason), an io error from reading, or vault.object_closed when `onStop` was used.
 */
export function verifyOnWorker(
  job: VerifyJob,
  onProgress?: (done: number) => void,
  onStop?: (control: VerifyStop) => void,
): Promise<{ sha256: string; size: number }> {
  const w = workers.take();
  const stop = new Int32Array(new SharedArrayBuffer(4));
  // The key travels in a buffer of its own that is moved, not copied, so no second copy stays behind on this thread.
  const key = new Uint8Array(job.key.length);
  key.set(job.key);
  return new Promise((resolve, reject) => {
    const finish = (reusable: boolean): void => {
      w.off('message', onMessage);
      w.off('error', onBroken);
      w.off('exit', onBroken);
      workers.release(w, reusable);
    };
    const onMessage = (reply: Reply): void => {
      if (reply.type === 'progress') {
        onProgress?.(reply.done);
        return;
      }
      finish(true);
      switch (reply.type) {
        case 'done':
          if (reply.direct) verifyPaths.direct++;
          else verifyPaths.buffered++;
          if (reply.native) verifyPaths.native++;
          else verifyPaths.node++;
          resolve({ sha256: reply.sha256, size: reply.size });
          return;
        case 'corrupt':
          reject(new StationError('verify', 'vault.object_corrupt', { objectId: job.objectId, chunk: reply.chunk }));
          return;
        case 'truncated':
          reject(corrupt(job.objectId, 'truncated'));
          return;
        case 'header':
          reject(corrupt(job.objectId, 'header changed'));
          return;
        case 'stopped':
          reject(new StationError('state', 'vault.object_closed', { objectId: job.objectId }));
          return;
        case 'io': {
          const error = Object.assign(new Error(reply.message), { code: reply.code, syscall: reply.syscall });
          reject(fromSystemError(error, job.path));
          return;
        }
      }
    };
    const onBroken = (e: unknown): void => {
      // A worker that failed is not trusted with another object.
      finish(false);
      reject(new StationError('io', 'vault.verify_interrupted', { objectId: job.objectId }, { cause: e }));
    };
    w.on('message', onMessage);
    w.on('error', onBroken);
    w.on('exit', onBroken);
    onStop?.({
      stop: () => {
        Atomics.store(stop, 0, 1);
        // A read-back waiting for the writer wakes to see it.
        if (job.growing) Atomics.notify(job.growing, 0);
      },
    });
    const message = {
      fd: job.fd,
      key: key.buffer,
      // Copies of their own: a Buffer from Node's shared pool would take the whole pool's memory along with it.
      header: Uint8Array.from(job.header),
      noncePrefix: Uint8Array.from(job.noncePrefix),
      chunkSize: job.chunkSize,
      chunkCount: job.chunkCount,
      size: job.size,
      // The read-back of a put wants no progress: no message per chunk then.
      progress: onProgress !== undefined,
      stop: stop.buffer,
      readMode: job.readMode ?? 'auto',
      cipher: job.cipher ?? 'auto',
      growing: job.growing?.buffer,
    };
    try {
      w.postMessage(message, [key.buffer]);
    } catch (e) {
      key.fill(0);
      onBroken(e);
    }
  });
}
