// Hashes, seals and writes one vault object on a worker thread of its own (issue 16, targets 1–3).
//
// Why one worker per object doing all three: the main thread (the desktop app's, which serves the UI) then only reads
// the source and moves buffers, and each object's CPU work runs on whichever core is free. Before, SHA-256 ran on a
// pooled worker and AES-GCM through WebCrypto on libuv's four pool threads, shared by every file being stored and by
// all file I/O: WebCrypto copied each chunk and its output into fresh memory (page faults, zeroing, cleanse), and four
// volumes at once queued behind the same four threads. OpenSSL's EVP (evpSource.ts; `createCipheriv` where that is
// unavailable) here seals each chunk straight from the block it arrived in into a staging area written with
// O_DIRECT, a chunk may span two blocks (GCM is a stream), and a block the source lent is handed back for its next
// read instead of being freed, so memory is bounded by the blocks in flight, whatever the file's size.
//
// The worker opens the temp file itself and is the only one writing it, so no descriptor is shared across threads:
// main may remove the file after discard() without a write landing in a reused descriptor.
//
// The on-disk bytes are exactly objectFormat.ts's: the worker's nonce and offsets are built from the same constants,
// and the reader (objectReader.ts, WebCrypto) opens them; objectWriter.test.ts proves it by reading every object back.
//
// The worker is given as source text, not a file: the same code then runs from the CLI, the tests and the bundled
// desktop app without a worker file to locate next to each of them.
import type { Worker } from 'node:worker_threads';
import { ALIGNED_MEMORY_SOURCE, type CipherChoice, EVP_SOURCE } from './evpSource.ts';
import { IdleWorkers } from './idleWorkers.ts';
import { StationError } from '../errors.ts';
import { HEADER_LENGTH, MAX_CHUNK_COUNT, NONCE_LENGTH, NONCE_PREFIX_LENGTH, TAG_LENGTH } from './objectFormat.ts';

// The sealing thread's nice value on Linux (0 normal … 19 lowest): its CFS weight is then about a tenth of the UI
// thread's, which is what it loses to when both want a core.
const SEAL_NICE = process.platform === 'linux' ? 10 : 0;
// Writeback of an object being written is started every this many bytes (see pace() in the worker).
const PACE_BYTES = 16 << 20;
// O_DIRECT wants buffer addresses, file offsets and lengths aligned to the logical block size (512 or 4096 bytes);
// 4096 satisfies both.
const DIRECT_ALIGN = 4096;
// Sealed bytes are written directly from staging areas of this size (two per worker): a multiple of the alignment and
// of WebAssembly's 64 KiB page, large enough that a write is one request the disk streams.
const STAGE_BYTES = 2 << 20;

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash, createCipheriv, createSecretKey } = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
// Below the thread that serves the UI (issue 16, target 7; findings of helper loop): on Linux the nice value is per
// thread, so this lowers only this sealing thread, and the UI thread gets a core as soon as it has work. Elsewhere it
// may apply to more or be refused; the write does not depend on it.
try { os.setPriority(0, ${SEAL_NICE}); } catch {}
const HEADER_LENGTH = ${HEADER_LENGTH};
const TAG_LENGTH = ${TAG_LENGTH};
const NONCE_LENGTH = ${NONCE_LENGTH};
const NONCE_PREFIX_LENGTH = ${NONCE_PREFIX_LENGTH};
const MAX_CHUNK_COUNT = ${MAX_CHUNK_COUNT};
// iovecs per writev, well under every platform's IOV_MAX.
const MAX_IOV = 256;
// Bytes written between two writeback flushes; see pace().
const PACE_BYTES = ${PACE_BYTES};
// Direct I/O (see emit()): 0 where the platform has no O_DIRECT (macOS, Windows), which then writes through the cache.
const O_DIRECT = fs.constants.O_DIRECT || 0;
const ALIGN = ${DIRECT_ALIGN};
const STAGE_BYTES = ${STAGE_BYTES};
// Two staging areas, page-aligned for direct writes where V8 allows (pageAlignedMemory, evpSource.ts; not aligned, the
// object is written through the cache). Kept for the worker's next object; one page more so that the test of the
// fallback can shift them off alignment.
let stageMemory = null;
function stageArea() {
  stageMemory ??= pageAlignedMemory(2 * STAGE_BYTES + 65536);
  return stageMemory;
}

let job = null;

function errorInfo(e) {
  return { code: e && e.code, message: String((e && e.message) || e), syscall: e && e.syscall, errno: e && e.errno };
}

function writeAll(fd, buffers, position) {
  // An empty buffer would never leave the batch below (writev reports 0 bytes for it).
  buffers = buffers.filter((b) => b.length > 0);
  for (let at = 0; at < buffers.length; at += MAX_IOV) {
    const batch = buffers.slice(at, at + MAX_IOV);
    while (batch.length > 0) {
      let n = fs.writevSync(fd, batch, position);
      position += n;
      while (n > 0) {
        if (n >= batch[0].length) {
          n -= batch[0].length;
          batch.shift();
        } else {
          batch[0] = batch[0].subarray(n);
          n = 0;
        }
      }
    }
  }
}

// Seals every chunk that is known not to be the last (more bytes follow it), or with final everything pending, the
// last chunk flagged as such. A chunk is fed to the cipher piece by piece from the blocks it lies in: no staging copy.
async function seal(final, returned) {
  if (job.native) return sealNative(final, returned);
  const outs = [];
  // The buffers cipher.update() allocated for this call's output, each its own memory.
  const fresh = [];
  const first = job.index;
  while (job.pendingBytes > job.chunkSize || (final && !job.sealedLast)) {
    if (job.index >= MAX_CHUNK_COUNT) throw Object.assign(new Error('object too large'), { code: 'STATION_TOO_LARGE' });
    const n = Math.min(job.chunkSize, job.pendingBytes);
    const last = final && n === job.pendingBytes;
    job.nonce.writeUInt32BE(job.index, NONCE_PREFIX_LENGTH);
    job.nonce[NONCE_LENGTH - 1] = last ? 1 : 0;
    const cipher = createCipheriv('aes-256-gcm', job.key, job.nonce, { authTagLength: TAG_LENGTH });
    cipher.setAAD(job.header);
    let need = n;
    while (need > 0) {
      const piece = job.pending[0];
      const take = Math.min(need, piece.view.length);
      const sealed = cipher.update(piece.view.subarray(0, take));
      outs.push(sealed);
      if (sealed.byteOffset === 0 && sealed.byteLength === sealed.buffer.byteLength) fresh.push(sealed.buffer);
      consumed(piece, take, returned);
      need -= take;
    }
    cipher.final();
    outs.push(cipher.getAuthTag());
    job.index++;
    if (last) job.sealedLast = true;
  }
  if (outs.length > 0) {
    // The chunks are contiguous after the header, so the object is one stream: this is where it has got to.
    if (job.end !== HEADER_LENGTH + first * (job.chunkSize + TAG_LENGTH)) throw new Error('sealed chunks out of order');
    await emit(outs);
    for (const o of outs) job.unflushed += o.length;
    // Freed now rather than when this thread's GC gets to them: V8 collects external memory only after tens of MiB
    // of it, and with many objects in flight (25 recorders: 16) each sealing thread held that much garbage.
    // ArrayBuffer#transfer(0) detaches the buffer and releases its memory at once.
    for (const ab of fresh) if (typeof ab.transfer === "function") ab.transfer(0);
    if (!final) pace();
  }
}

// The first pending block's bytes sealed: the block is given back once all of it is, else what is left of it waits for
// the next chunk.
function consumed(piece, take, returned) {
  if (take === piece.view.length) {
    job.pending.shift();
    returned.push(piece);
  } else {
    piece.view = piece.view.subarray(take);
  }
  job.pendingBytes -= take;
}

// The same sealing through OpenSSL's EVP interface (evpSource.ts), encrypting straight into the staging area: no
// buffer allocated, zero-filled and copied per update(). The key schedule is set up once per object; each chunk
// sets only its nonce.
async function sealNative(final, returned) {
  const N = job.evp;
  let wrote = 0;
  while (job.pendingBytes > job.chunkSize || (final && !job.sealedLast)) {
    if (job.index >= MAX_CHUNK_COUNT) throw Object.assign(new Error('object too large'), { code: 'STATION_TOO_LARGE' });
    const n = Math.min(job.chunkSize, job.pendingBytes);
    const last = final && n === job.pendingBytes;
    if (job.end !== HEADER_LENGTH + job.index * (job.chunkSize + TAG_LENGTH)) throw new Error('sealed chunks out of order');
    job.nonce.writeUInt32BE(job.index, NONCE_PREFIX_LENGTH);
    job.nonce[NONCE_LENGTH - 1] = last ? 1 : 0;
    N.check(N.encInit(job.ctx, null, null, null, job.nonce));
    N.check(N.encUpdate(job.ctx, null, N.outl, job.header, HEADER_LENGTH));
    let need = n;
    while (need > 0) {
      const piece = job.pending[0];
      const take = Math.min(need, piece.view.length);
      for (let at = 0; at < take; ) {
        const room = Math.min(take - at, STAGE_BYTES - job.fill);
        N.check(N.encUpdate(job.ctx, job.stages[job.cur].subarray(job.fill), N.outl, piece.view.subarray(at), room));
        // GCM is a stream cipher: every byte in is one byte out, at once.
        if (N.outl[0] !== room) throw new Error('EVP_EncryptUpdate returned ' + N.outl[0] + ' of ' + room + ' bytes');
        at += room;
        job.fill += room;
        job.end += room;
        wrote += room;
        if (job.fill === STAGE_BYTES) await rotate();
      }
      consumed(piece, take, returned);
      need -= take;
    }
    N.check(N.encFinal(job.ctx, N.scratch, N.outl));
    N.check(N.ctrl(job.ctx, EVP_CTRL_GCM_GET_TAG, TAG_LENGTH, N.tag));
    await emit([N.tag]);
    wrote += TAG_LENGTH;
    job.index++;
    if (last) job.sealedLast = true;
  }
  job.unflushed += wrote;
  if (wrote > 0 && !final) pace();
}

${EVP_SOURCE}
${ALIGNED_MEMORY_SOURCE}

// Opens the temp file and writes the header. Direct I/O (O_DIRECT: the writes go from this thread's staging memory to
// the disk, not through the page cache) where the file system takes it, which saves the kernel's copy into the page
// cache and its bookkeeping (ingest/README.md, "Profile against issue 16"). Where O_DIRECT is refused (EINVAL: some file
// systems; no such flag on macOS and Windows) the file is written through the cache as before; the bytes are the
// same either way.
function openOut(m) {
  job.path = m.path;
  job.end = HEADER_LENGTH;
  const E = loadEvp(m.cipher);
  const staged = (O_DIRECT !== 0 && m.writeMode !== 'buffered') || E !== null;
  const area = staged ? stageArea() : null;
  if (staged) {
    const shift = m.writeMode === 'misaligned-direct' ? 16 : 0;
    job.stages = [Buffer.from(area.buffer, shift, STAGE_BYTES), Buffer.from(area.buffer, shift + STAGE_BYTES, STAGE_BYTES)];
    job.cur = 0;
    job.base = 0;
    job.fill = HEADER_LENGTH;
    job.header.copy(job.stages[0], 0);
    if (E !== null) {
      job.ctx = evpContext(E, m.key, false);
      job.evp = E;
      job.native = true;
    }
  }
  if (staged && area.aligned && O_DIRECT !== 0 && m.writeMode !== 'buffered') {
    let fd = null;
    try {
      fd = fs.openSync(m.path, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC | O_DIRECT, 0o666);
      // The header is on disk before the first byte of the source is read (what started() promises): one aligned
      // block, the header and zeros, cut back to the header; the first staging area written covers it again. The
      // block is the spare page's (always aligned, beyond the shifted areas), so a test's misalignment fails later,
      // mid-object.
      const block = Buffer.from(area.buffer, 2 * STAGE_BYTES + ALIGN, ALIGN);
      job.header.copy(block, 0);
      block.fill(0, HEADER_LENGTH);
      writeFullySync(fd, block, ALIGN, 0);
      fs.ftruncateSync(fd, HEADER_LENGTH);
      job.fd = fd;
      job.direct = true;
      publish(job, HEADER_LENGTH);
      return;
    } catch (e) {
      if (fd !== null) fs.closeSync(fd);
      if (!e || e.code !== 'EINVAL') throw e;
    }
  }
  // Through the cache: staged only for the native cipher, which seals into the staging areas.
  if (!job.native) job.stages = null;
  job.fd = fs.openSync(m.path, 'w');
  writeAll(job.fd, [job.header], 0);
  publish(job, HEADER_LENGTH);
}

function writeFullySync(fd, buffer, length, position) {
  for (let at = 0; at < length; ) at += fs.writeSync(fd, buffer, at, length - at, position + at);
}

function writeFully(fd, buffer, length, position) {
  return new Promise((resolve) => {
    const next = (at) => {
      if (at >= length) return resolve(null);
      fs.write(fd, buffer, at, length - at, position + at, (e, n) => (e ? resolve(e) : next(at + n)));
    };
    next(0);
  });
}

// Tells a read-back following the writer (SealerOptions.written) that the file's first \`upTo\` bytes are written.
// Only exact ends are told: never the padded tail of a direct write, which is cut back afterwards.
function publish(current, upTo) {
  if (current.written === null) return;
  Atomics.store(current.written, 0, BigInt(upTo));
  Atomics.notify(current.written, 0);
}

// Appends sealed bytes to the object. Unstaged: one writev at their offset. Staged: copied into the current staging
// area; a full one is written — directly by the thread pool while this thread seals into the other (a direct write
// waits for the disk, a buffered one did not), at most one write in flight; through the cache at once.
async function emit(outs) {
  for (let i = 0; i < outs.length; i++) {
    let o = outs[i];
    while (job.stages !== null && o.length > 0) {
      const stage = job.stages[job.cur];
      const n = Math.min(o.length, STAGE_BYTES - job.fill);
      o.copy(stage, job.fill, 0, n);
      job.fill += n;
      job.end += n;
      o = o.subarray(n);
      if (job.fill === STAGE_BYTES) await rotate();
    }
    if (job.stages === null) {
      const rest = outs.slice(i);
      rest[0] = o;
      writeAll(job.fd, rest, job.end);
      for (const r of rest) job.end += r.length;
      publish(job, job.end);
      return;
    }
  }
}

async function rotate() {
  await settleWrite();
  if (job.stages === null) return;
  const stage = job.stages[job.cur];
  const base = job.base;
  if (job.direct) {
    job.writing = writeFully(job.fd, stage, STAGE_BYTES, base).then((e) => ({ e, stage, base }));
  } else {
    writeFullySync(job.fd, stage, STAGE_BYTES, base);
    publish(job, base + STAGE_BYTES);
  }
  job.cur ^= 1;
  job.base += STAGE_BYTES;
  job.fill = 0;
}

// Waits for the staging area being written. A direct write refused with EINVAL (a file system that took O_DIRECT at
// open but not for this write) continues the object through the cache: that area's bytes are written again, buffered,
// at their offset. Any other error fails the object.
async function settleWrite() {
  if (!job.writing) return;
  const current = job;
  const { e, stage, base } = await current.writing;
  current.writing = null;
  if (e) {
    if (e.code !== 'EINVAL' || !current.direct) throw e;
    writeThroughCache(current, [[stage, STAGE_BYTES, base]]);
  }
  publish(current, base + STAGE_BYTES);
}

function writeThroughCache(current, pending) {
  current.direct = false;
  // The direct descriptor may still be in use by a writeback flush: it is closed with the job.
  current.retired.push(current.fd);
  current.fd = fs.openSync(current.path, 'r+');
  // Copied outputs go straight to the file from now on; the native cipher goes on sealing into the staging areas.
  if (!current.native) {
    pending.push([current.stages[current.cur], current.fill, current.base]);
    current.stages = null;
  }
  for (const [stage, length, base] of pending) if (length > 0) writeFullySync(current.fd, stage, length, base);
}

// The last, partial staging area: direct, padded to the alignment, written, and the file cut back to the object's
// length; through the cache, as it is.
async function finishOut() {
  await settleWrite();
  if (job.stages === null || job.fill === 0) return;
  const stage = job.stages[job.cur];
  if (job.direct) {
    const length = Math.ceil(job.fill / ALIGN) * ALIGN;
    stage.fill(0, job.fill, length);
    const e = await writeFully(job.fd, stage, length, job.base);
    if (!e) {
      fs.ftruncateSync(job.fd, job.base + job.fill);
      return;
    }
    if (e.code !== 'EINVAL') throw e;
    writeThroughCache(job, []);
    if (job.stages === null) return;
  }
  writeFullySync(job.fd, stage, job.fill, job.base);
}

// Writeback is started every PACE_BYTES instead of leaving the whole object dirty until its final fsync: the kernel
// (dirty_background_ratio, gigabytes on a large machine) would otherwise write nothing before it, so the final fsync
// waited for the whole object, and on ext4 (data=ordered) every SQLite WAL fsync of the UI thread meanwhile could
// wait behind some object's backlog in the journal commit. The fdatasync runs on the thread pool while this thread
// seals on; at most one is outstanding per object (a later one is simply skipped). It is not what makes the object
// durable: the fsync before the rename is.
function pace() {
  if (job.unflushed < PACE_BYTES || job.flushing) return;
  job.unflushed = 0;
  const current = job;
  current.flushing = new Promise((resolve) => {
    fs.fdatasync(current.fd, (e) => {
      if (e && !current.error) current.error = errorInfo(e);
      current.flushing = null;
      resolve();
    });
  });
}

// The descriptor is closed only once no writeback flush uses it.
async function closeJob(current) {
  if (current.writing) await current.writing;
  current.writing = null;
  if (current.flushing) await current.flushing;
  // Frees the context and cleanses its key schedule.
  if (current.ctx) current.evp.ctxFree(current.ctx);
  current.ctx = null;
  for (const fd of current.retired.splice(0)) try { fs.closeSync(fd); } catch {}
  if (current.fd !== null) {
    const fd = current.fd;
    current.fd = null;
    try { fs.closeSync(fd); } catch {}
  }
}

function fail(e) {
  if (!job.error) job.error = errorInfo(e);
  void closeJob(job);
}

function reply(type, returned, extra) {
  parentPort.postMessage(
    { type, error: job ? job.error : null, returned: returned.map((p) => ({ ab: p.ab, kind: p.kind })), ...extra },
    returned.map((p) => p.ab),
  );
}

// Messages are handled one at a time, in order: finish and discard wait for a writeback flush, and nothing of the next
// object may start meanwhile.
let queue = Promise.resolve();
parentPort.on('message', (m) => {
  // A failure outside the job's own error handling would leave every later message unanswered: the thread ends
  // instead, which fails the object (vault.hash_failed) and takes this worker out of the pool.
  queue = queue.then(() => handle(m)).catch(() => process.exit(1));
});

async function handle(m) {
  if (m.type === 'start') {
    const keyBytes = m.key;
    job = {
      fd: null, header: Buffer.from(m.header), chunkSize: m.chunkSize, key: createSecretKey(keyBytes),
      nonce: Buffer.alloc(NONCE_LENGTH), hash: createHash('sha256'), pending: [], pendingBytes: 0, index: 0,
      sealedLast: false, error: null, unflushed: 0, flushing: null,
      path: null, direct: false, stages: null, cur: 0, base: 0, fill: 0, end: 0, writing: null, retired: [],
      native: false, ctx: null, evp: null, written: m.written ? new BigInt64Array(m.written) : null,
    };
    job.header.copy(job.nonce, 0, 32, 32 + NONCE_PREFIX_LENGTH);
    try {
      openOut(m);
    } catch (e) {
      fail(e);
    } finally {
      // The structured clone of the key is this thread's only raw copy; the KeyObject and the EVP context (its key
      // schedule) keep their own.
      keyBytes.fill(0);
    }
    reply('started', []);
  } else if (m.type === 'data') {
    const piece = { ab: m.ab, kind: m.kind, view: new Uint8Array(m.ab, m.offset, m.length) };
    const returned = [];
    if (!job || job.error) {
      returned.push(piece);
    } else {
      try {
        job.hash.update(piece.view);
        job.pending.push(piece);
        job.pendingBytes += piece.view.length;
        await seal(false, returned);
      } catch (e) {
        fail(e);
        returned.push(...job.pending.splice(0));
      }
    }
    reply('ack', returned);
  } else if (m.type === 'finish') {
    const returned = [];
    let sha256 = null;
    if (job && !job.error) {
      try {
        await seal(true, returned);
        await finishOut();
        if (job.flushing) await job.flushing;
        if (!job.error) {
          fs.fsyncSync(job.fd);
          // Closed here rather than in closeJob, so that an error closing it (some network file systems report a
          // failed write only then) fails the object.
          const fd = job.fd;
          job.fd = null;
          fs.closeSync(fd);
          sha256 = job.hash.digest('hex');
        }
      } catch (e) {
        if (!job.error) job.error = errorInfo(e);
      }
    }
    if (job) {
      returned.push(...job.pending.splice(0));
      await closeJob(job);
    }
    reply('finished', returned, { sha256: job && !job.error ? sha256 : null, direct: job ? job.direct : false, native: job ? job.native : false });
    job = null;
  } else if (m.type === 'discard') {
    const returned = job ? job.pending.splice(0) : [];
    if (job) await closeJob(job);
    reply('discarded', returned);
    job = null;
  }
}
`;

/** How a buffer given to update() may be treated. */
export type Handover =
  /** the caller keeps the buffer: its bytes are copied */
  | 'copy'
  /** the caller never touches it again: its memory may move to the worker and is dropped there */
  | 'give'
  /** as 'give', but the memory comes back through the `giveBack` passed to the constructor, for reuse */
  | 'lend';

type Returned = { ab: ArrayBuffer; kind: 'lent' | 'stage' | 'given' };
type Reply = {
  type: 'started' | 'ack' | 'finished' | 'discarded';
  error: ErrorInfo | null;
  returned: Returned[];
  sha256?: string | null;
  direct?: boolean;
  native?: boolean;
};
type ErrorInfo = { code?: string; message: string; syscall?: string; errno?: number };

// Blocks posted to the worker and not yet processed before update() waits: the worker then never idles while the
// next block is read, and memory stays at a few blocks per object however fast the source is.
const MAX_QUEUED = 2;
// Idle workers kept for the next object. Starting a worker costs ~50 ms of CPU (its isolate and Node's bootstrap),
// about what sealing 40 MiB costs, so four volumes docked again (two files in flight each) should find theirs; more
// would only hold memory, and IDLE_MS ends them anyway.
const MAX_IDLE = 8;
// Small pieces of a source that keeps its buffers are copied into staging blocks of this size before they are posted:
// one message per few MiB rather than per piece.
const STAGE_SIZE = 4 << 20;
// Staging blocks kept for the next object.
const MAX_IDLE_STAGES = 4;

// An idle worker (a thread with its own isolate, ~10 MiB) is kept this long for the next object — a dock session stores
// files back to back, and recorders are docked minutes apart — and then ended, so a station that stored many files at
// once does not hold their threads for the day.
const IDLE_MS = 120_000;

const idleStages: ArrayBuffer[] = [];
const workers = new IdleWorkers({ source: WORKER_SOURCE, name: 'station-seal', maxIdle: MAX_IDLE, idleMs: IDLE_MS });

/** An error the worker met, as the errno-style error the rest of the vault maps (disk full, permission…). */
function toError(info: ErrorInfo): Error {
  if (info.code === 'STATION_TOO_LARGE') return new StationError('input', 'vault.object_too_large', {});
  return Object.assign(new Error(info.message), { code: info.code, syscall: info.syscall, errno: info.errno });
}

export type SealerOptions = {
  /** the temp file; the worker creates (or truncates) and writes it */
  path: string;
  /** the object's 32-byte key; the worker's copy is zeroed once imported */
  key: Buffer;
  /** the encoded header (objectFormat.ts encodeHeader) */
  header: Buffer;
  chunkSize: number;
  /** receives every block given with 'lend', once the worker is done with it */
  giveBack?: (block: Buffer) => void;
  /**
   * 'auto' (the default): direct I/O where the file system takes it, else through the page cache. 'buffered' always
   * through the cache. 'misaligned-direct' is for tests: direct I/O from deliberately misaligned memory, which the
   * kernel refuses (EINVAL) at the first write, as a file system refusing it would — the fallback path.
   */
  writeMode?: 'auto' | 'buffered' | 'misaligned-direct';
  /** 'auto' (the default): OpenSSL's EVP through koffi where available (evpSource.ts), else createCipheriv; 'node': always createCipheriv; 'system': the system libcrypto (tests). */
  cipher?: CipherChoice;
  /**
   * Shared memory where the worker publishes, at index 0, how many bytes of the file (header included) are written so
   * far, as each write completes — for a read-back that follows the writer (verifyWorker.ts, VerifyJob.growing). The
   * padded tail of a direct write is never published: the caller publishes the final length once finish() resolves.
   */
  written?: BigInt64Array;
};

/**
 * One object being written: update() with the plaintext in order, then exactly one of finish() (the object is
 * complete, fsynced and closed) or discard() (the worker stops and closes the file; the caller removes it).
 */
export class ObjectSealer {
  private worker: Worker | null;
  private readonly giveBack: ((block: Buffer) => void) | undefined;
  /** After finish(): whether the object's bytes went to the disk by direct I/O all the way (tests, measurements). */
  wroteDirect: boolean | null = null;
  /** After finish(): whether OpenSSL's EVP interface sealed it (rather than createCipheriv). */
  sealedNative: boolean | null = null;
  private queued = 0;
  private stage: Buffer | null = null;
  private staged = 0;
  private wakeUp: (() => void) | null = null;
  private waiter: { type: Reply['type']; resolve: (r: Reply) => void; reject: (e: unknown) => void } | null = null;
  private failure: { error: unknown } | null = null;
  private readonly starting: Promise<Reply>;
  private readonly onMessage = (reply: Reply): void => {
    for (const r of reply.returned) this.recycle(r);
    if (reply.error) this.failure ??= { error: toError(reply.error) };
    if (reply.type === 'ack') {
      this.queued--;
      this.wake();
    } else if (this.waiter?.type === reply.type) {
      const w = this.waiter;
      this.waiter = null;
      w.resolve(reply);
    }
  };
  private readonly onBroken = (e: unknown): void => {
    this.failure ??= { error: new StationError('io', 'vault.hash_failed', {}, { cause: e }) };
    this.waiter?.reject(this.failure.error);
    this.waiter = null;
    this.wake();
    // A worker that failed is not trusted with another object.
    this.detach(false);
  };

  constructor(opts: SealerOptions) {
    this.giveBack = opts.giveBack;
    const w = workers.take();
    this.worker = w;
    w.on('message', this.onMessage);
    w.on('error', this.onBroken);
    w.on('exit', this.onBroken);
    // A copy of the key is moved (not cloned) to the worker, which zeroes it once imported: no second copy lingers in
    // this thread's memory. The caller's buffer stays the caller's to wipe.
    const key = new Uint8Array(opts.key);
    this.starting = new Promise<Reply>((resolve, reject) => {
      this.waiter = { type: 'started', resolve, reject };
      w.postMessage(
        { type: 'start', path: opts.path, key, header: new Uint8Array(opts.header), chunkSize: opts.chunkSize, writeMode: opts.writeMode ?? 'auto', cipher: opts.cipher ?? 'auto', written: opts.written?.buffer },
        [key.buffer],
      );
    });
    // Observed here so that a sealer discarded before anyone awaited started() leaves no unhandled rejection.
    this.starting.catch(() => {});
  }

  /**
   * Resolves once the temp file exists with its header (a crash from then on leaves it for the sweep, and what
   * announces the write — its lease — is already there); rejects with the error of creating it.
   */
  async started(): Promise<void> {
    await this.starting;
    this.throwIfFailed();
  }

  /** The plaintext's next bytes. Rejects with the first error the worker met (a full disk, say). */
  async update(data: Uint8Array, handover: Handover = 'copy'): Promise<void> {
    this.throwIfFailed();
    // After finish() or discard() the worker serves another object: nothing more may reach it from here.
    if (!this.worker) throw new StationError('state', 'vault.hash_failed', {});
    if (data.length === 0) return;
    if (movable(data, handover)) {
      // Staged bytes go first: order is everything to the hash and to the chunk layout.
      if (this.staged > 0) await this.postStage();
      if (await this.post(data.buffer as ArrayBuffer, data.byteOffset, data.length, handover === 'lend' && this.giveBack ? 'lent' : 'given')) return;
    }
    let at = 0;
    while (at < data.length) {
      this.stage ??= Buffer.from(idleStages.pop() ?? new ArrayBuffer(STAGE_SIZE));
      const n = Math.min(STAGE_SIZE - this.staged, data.length - at);
      this.stage.set(data.subarray(at, at + n), this.staged);
      this.staged += n;
      at += n;
      if (this.staged === STAGE_SIZE) await this.postStage();
    }
    // A lent buffer that had to be copied is free again at once.
    if (handover === 'lend' && this.giveBack && data instanceof Buffer) this.giveBack(data);
  }

  /** Seals the last chunk, fsyncs and closes the file; resolves to the lowercase hex SHA-256 of the plaintext. */
  async finish(): Promise<string> {
    if (this.staged > 0) await this.postStage();
    this.throwIfFailed();
    const reply = await this.request('finish');
    this.wroteDirect = reply.direct === true;
    this.sealedNative = reply.native === true;
    this.detach(true);
    if (reply.error || !reply.sha256) throw this.failure?.error ?? new StationError('io', 'vault.hash_failed', {});
    return reply.sha256;
  }

  /**
   * Stops the write: resolves once the worker has closed the file (so the caller may remove it). Never rejects; does
   * nothing after finish().
   */
  async discard(): Promise<void> {
    if (!this.worker) return;
    try {
      await this.request('discard');
      this.detach(true);
    } catch {
      // onBroken has already let the worker go.
    }
  }

  private async request(type: 'finish' | 'discard'): Promise<Reply> {
    // One reply is awaited at a time; the start's comes first.
    await this.starting.catch(() => {});
    const w = this.worker;
    if (!w) return Promise.reject(this.failure?.error ?? new StationError('state', 'vault.hash_failed', {}));
    const expect = type === 'finish' ? 'finished' : 'discarded';
    return new Promise<Reply>((resolve, reject) => {
      this.waiter = { type: expect, resolve, reject };
      w.postMessage({ type });
    });
  }

  private async postStage(): Promise<void> {
    const stage = this.stage!;
    const n = this.staged;
    this.stage = null;
    this.staged = 0;
    await this.post(stage.buffer as ArrayBuffer, 0, n, 'stage');
  }

  /** False when the memory cannot move (Node marks its allocation pools untransferable); it is then untouched. */
  private async post(ab: ArrayBuffer, offset: number, length: number, kind: Returned['kind']): Promise<boolean> {
    while (this.queued >= MAX_QUEUED && !this.failure) await new Promise<void>((r) => (this.wakeUp = r));
    this.throwIfFailed();
    const w = this.worker;
    if (!w) throw new StationError('state', 'vault.hash_failed', {});
    try {
      w.postMessage({ type: 'data', ab, offset, length, kind }, [ab]);
    } catch (e) {
      if ((e as { name?: string }).name === 'DataCloneError') return false;
      throw e;
    }
    this.queued++;
    return true;
  }

  private recycle(r: Returned): void {
    if (r.kind === 'lent') this.giveBack?.(Buffer.from(r.ab));
    else if (r.kind === 'stage' && idleStages.length < MAX_IDLE_STAGES) idleStages.push(r.ab);
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }

  private wake(): void {
    const r = this.wakeUp;
    this.wakeUp = null;
    r?.();
  }

  private detach(reusable: boolean): void {
    const w = this.worker;
    if (!w) return;
    this.worker = null;
    w.off('message', this.onMessage);
    w.off('error', this.onBroken);
    w.off('exit', this.onBroken);
    workers.release(w, reusable);
  }
}

/**
 * Whether a buffer's memory may move to the worker. Node's small Buffers share one pooled ArrayBuffer, and a Buffer may
 * be a view of part of any memory: a given-up buffer moves only when it spans its whole ArrayBuffer (moving more would
 * take others' bytes with it). A lender lends the whole ArrayBuffer, even when it yields a view of its start only (a
 * file's last, shorter block).
 */
function movable(data: Uint8Array, handover: Handover): boolean {
  if (handover === 'copy' || !(data.buffer instanceof ArrayBuffer)) return false;
  if (handover === 'lend') return true;
  return data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
}
