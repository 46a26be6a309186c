// Verifies one whole vault object on a worker thread: read, decrypt and re-hash in one place, with native
// AES-256-GCM (createDecipheriv) and SHA-256 (createHash), a read buffer reused for every chunk, and no plaintext ever
// crossing a thread. This is the vault's fixity check (Vault.verifyObject / verifyAll) and the read-back after every
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
import { Worker } from 'node:worker_threads';
import { fromSystemError, StationError } from '../errors.ts';
import { corrupt, DEFAULT_CHUNK_SIZE, HEADER_LENGTH, NONCE_LENGTH, NONCE_PREFIX_LENGTH, TAG_LENGTH } from './objectFormat.ts';

// Plaintext bytes decrypted per update(). Smaller slices, meant to keep the plaintext in cache for the hash, measured
// worse, not better: CPU per byte of one object's verify, interleaved runs on the loaded build machine, 16 KiB
// 877 MiB/s, 64 KiB 861, 1 MiB 952 (mean of 9 each). Each update() returns a fresh, zero-filled buffer (Node 22), and
// fewer, larger ones cost less. A default chunk is one slice.
const DECRYPT_SLICE = 1024 * 1024;

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createDecipheriv, createHash } = require('node:crypto');
const { readSync } = require('node:fs');
const HEADER_LENGTH = ${HEADER_LENGTH};
const TAG_LENGTH = ${TAG_LENGTH};
const NONCE_LENGTH = ${NONCE_LENGTH};
const NONCE_PREFIX_LENGTH = ${NONCE_PREFIX_LENGTH};
const DECRYPT_SLICE = ${DECRYPT_SLICE};
const KEEP_BUFFER = ${DEFAULT_CHUNK_SIZE + TAG_LENGTH};
// Kept between objects (a verify of a vault reads thousands of chunks of the same size), unless a header asked for an
// unusually large chunk: an idle worker does not hold on to that.
let buffer = null;

parentPort.on('message', (job) => {
  const key = new Uint8Array(job.key);
  try {
    parentPort.postMessage(verify(job, key));
  } catch (e) {
    parentPort.postMessage({ type: 'io', code: e && e.code, syscall: e && e.syscall, message: String(e && e.message) });
  } finally {
    // The worker keeps nothing of the key once the object is done (the deciphers reset their contexts at final()).
    key.fill(0);
    if (buffer !== null && buffer.length > KEEP_BUFFER) buffer = null;
  }
});

function verify(job, key) {
  const { fd, header, chunkSize, chunkCount, size } = job;
  const stop = new Int32Array(job.stop);
  const need = Math.min(chunkSize, size) + TAG_LENGTH;
  if (buffer === null || buffer.length < need) buffer = Buffer.allocUnsafeSlow(need);
  const nonce = Buffer.alloc(NONCE_LENGTH);
  Buffer.from(job.noncePrefix).copy(nonce, 0, 0, NONCE_PREFIX_LENGTH);
  const hash = createHash('sha256');
  let done = 0;
  for (let index = 0; index < chunkCount; index++) {
    if (Atomics.load(stop, 0) !== 0) return { type: 'stopped' };
    const plainLength = Math.max(0, Math.min(chunkSize, size - index * chunkSize));
    const sealedLength = plainLength + TAG_LENGTH;
    const position = HEADER_LENGTH + index * (chunkSize + TAG_LENGTH);
    for (let got = 0; got < sealedLength; ) {
      const n = readSync(fd, buffer, got, sealedLength - got, position + got);
      // The file shrank after it was opened: the object is no longer what its size promised.
      if (n === 0) return { type: 'truncated' };
      got += n;
    }
    nonce.writeUInt32BE(index, NONCE_PREFIX_LENGTH);
    nonce[NONCE_LENGTH - 1] = index === chunkCount - 1 ? 1 : 0;
    const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_LENGTH });
    decipher.setAAD(header);
    decipher.setAuthTag(buffer.subarray(plainLength, sealedLength));
    for (let at = 0; at < plainLength; at += DECRYPT_SLICE) {
      hash.update(decipher.update(buffer.subarray(at, Math.min(at + DECRYPT_SLICE, plainLength))));
    }
    try {
      decipher.final();
    } catch {
      return { type: 'corrupt', chunk: index };
    }
    done += plainLength;
    if (job.progress) parentPort.postMessage({ type: 'progress', done });
  }
  return { type: 'done', sha256: hash.digest('hex'), size: done };
}
`;

type Reply =
  | { type: 'progress'; done: number }
  | { type: 'done'; sha256: string; size: number }
  | { type: 'corrupt'; chunk: number }
  | { type: 'truncated' }
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
};

/** Lets the owner of the file descriptor stop a running verify before it closes the descriptor. */
export type VerifyStop = { stop(): void };

// Idle workers kept for the next object: one per core is what verifyAll runs at once, and four volumes ingesting read
// back up to four objects at once (a worker costs ~10 MiB and tens of milliseconds to start).
const MAX_IDLE = Math.max(4, availableParallelism());
// …and for this long: a dock session reads back files one after another, but a station that verified its vault in the
// morning should not hold the threads for the day.
const IDLE_MS = 30_000;

type Idle = { worker: Worker; timer: NodeJS.Timeout };
const idle: Idle[] = [];

function takeWorker(): Worker {
  const kept = idle.pop();
  if (kept) clearTimeout(kept.timer);
  const w = kept?.worker ?? newWorker();
  // Referenced while verifying: a command awaiting only the result must not end before it arrives.
  w.ref();
  return w;
}

function newWorker(): Worker {
  const w = new Worker(WORKER_SOURCE, { eval: true, name: 'station-verify' });
  // A worker that dies while idle must not be handed out again.
  w.once('exit', () => dropIdle(w));
  return w;
}

function dropIdle(w: Worker): void {
  const at = idle.findIndex((i) => i.worker === w);
  if (at < 0) return;
  clearTimeout(idle[at]!.timer);
  idle.splice(at, 1);
}

function giveBack(w: Worker): void {
  // An idle worker must never keep the CLI or a test run alive.
  w.unref();
  if (idle.length >= MAX_IDLE) {
    void w.terminate();
    return;
  }
  const timer = setTimeout(() => {
    dropIdle(w);
    void w.terminate();
  }, IDLE_MS);
  timer.unref();
  idle.push({ worker: w, timer });
}

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
  const w = takeWorker();
  const stop = new Int32Array(new SharedArrayBuffer(4));
  // The key travels in a buffer of its own that is moved, not copied, so no second copy stays behind on this thread.
  const key = new Uint8Array(job.key.length);
  key.set(job.key);
  return new Promise((resolve, reject) => {
    const finish = (reusable: boolean): void => {
      w.off('message', onMessage);
      w.off('error', onBroken);
      w.off('exit', onBroken);
      if (reusable) giveBack(w);
      else void w.terminate();
    };
    const onMessage = (reply: Reply): void => {
      if (reply.type === 'progress') {
        onProgress?.(reply.done);
        return;
      }
      finish(true);
      switch (reply.type) {
        case 'done':
          resolve({ sha256: reply.sha256, size: reply.size });
          return;
        case 'corrupt':
          reject(new StationError('verify', 'vault.object_corrupt', { objectId: job.objectId, chunk: reply.chunk }));
          return;
        case 'truncated':
          reject(corrupt(job.objectId, 'truncated'));
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
    onStop?.({ stop: () => Atomics.store(stop, 0, 1) });
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
    };
    try {
      w.postMessage(message, [key.buffer]);
    } catch (e) {
      key.fill(0);
      onBroken(e);
    }
  });
}
