// SHA-256 on worker threads. Hashing is the most expensive step of storing footage (SHA-256 runs at about a third of
// AES-GCM's speed), and on the main thread it would leave reading, encrypting and writing waiting for it: with the
// hash on its own thread, all of them run at once on a machine's cores. The digest is the same plain SHA-256 of the
// bytes, in order, that `sha256sum` prints.
//
// The worker is given as source text, not a file: the same code then runs from the CLI, the tests and the bundled
// desktop app without a worker file to locate next to each of them.
import { Worker } from 'node:worker_threads';
import { StationError } from '../errors.ts';

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const hashes = new Map();
parentPort.on('message', (m) => {
  if (m.type === 'data') {
    let h = hashes.get(m.session);
    if (!h) hashes.set(m.session, (h = createHash('sha256')));
    h.update(m.bytes);
    parentPort.postMessage({ type: 'ack', session: m.session });
  } else if (m.type === 'digest') {
    const h = hashes.get(m.session) ?? createHash('sha256');
    hashes.delete(m.session);
    parentPort.postMessage({ type: 'digest', session: m.session, hex: h.digest('hex') });
  } else if (m.type === 'discard') {
    hashes.delete(m.session);
  }
});
`;

type Reply = { type: 'ack'; session: number } | { type: 'digest'; session: number; hex: string };

// Blocks queued at a worker before update() waits: enough that the worker never idles between two, few enough that
// memory stays flat however fast the source is.
const MAX_QUEUED = 4;
// Idle workers kept for the next object; more than the station's usual files in flight would only hold memory.
const MAX_IDLE = 4;

const idle: Worker[] = [];
let nextSession = 1;

function newWorker(): Worker {
  const w = new Worker(WORKER_SOURCE, { eval: true, name: 'station-sha256' });
  // A worker that dies while idle must not be handed out again (messages to it would go nowhere).
  w.once('exit', () => {
    const at = idle.indexOf(w);
    if (at >= 0) idle.splice(at, 1);
  });
  return w;
}

function takeWorker(): Worker {
  const w = idle.pop() ?? newWorker();
  // Referenced while hashing: a command awaiting only the digest must not end before it arrives.
  w.ref();
  return w;
}

function giveBack(w: Worker): void {
  // An idle worker must never keep the CLI or a test run alive.
  w.unref();
  if (idle.length < MAX_IDLE) idle.push(w);
  else void w.terminate();
}

/**
 * One running SHA-256, computed on a pooled worker thread. Data is hashed in the order update() is called.
 * Exactly one of digest() or discard() ends it.
 */
export class OffThreadHash {
  private readonly session = nextSession++;
  private worker: Worker | null;
  private queued = 0;
  private wakeUp: (() => void) | null = null;
  private digestWaiter: { resolve: (hex: string) => void; reject: (e: unknown) => void } | null = null;
  private failure: { error: unknown } | null = null;
  private readonly onMessage = (reply: Reply): void => {
    if (reply.session !== this.session) return;
    if (reply.type === 'ack') {
      this.queued--;
      this.wake();
    } else {
      this.digestWaiter?.resolve(reply.hex);
      this.digestWaiter = null;
    }
  };
  private readonly onBroken = (e: unknown): void => {
    this.failure ??= { error: new StationError('io', 'vault.hash_failed', {}, { cause: e }) };
    this.digestWaiter?.reject(this.failure.error);
    this.digestWaiter = null;
    this.wake();
    // A worker that failed is not trusted with another object.
    this.detach(false);
  };

  constructor() {
    const w = takeWorker();
    this.worker = w;
    w.on('message', this.onMessage);
    w.on('error', this.onBroken);
    w.on('exit', this.onBroken);
  }

  /**
   * Hashes `data` next. With `handOver` the caller gives the buffer up: it is moved to the worker (and empty here
   * afterwards) instead of copied. Only a buffer that owns its whole memory can be moved; any other is copied.
   */
  async update(data: Uint8Array, handOver = false): Promise<void> {
    while (this.queued >= MAX_QUEUED && !this.failure) await new Promise<void>((r) => (this.wakeUp = r));
    const w = this.live();
    if (data.length === 0) return;
    const movable =
      handOver && data.buffer instanceof ArrayBuffer && data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
    if (!(movable && this.post(w, data))) {
      // A copy into memory of its own (Buffer#slice would only be a view, and Node's pooled memory cannot move).
      const copy = new Uint8Array(data);
      this.post(w, copy);
    }
    this.queued++;
  }

  /** Lowercase hex SHA-256 of everything given to update(). */
  async digest(): Promise<string> {
    const w = this.live();
    const hex = await new Promise<string>((resolve, reject) => {
      this.digestWaiter = { resolve, reject };
      w.postMessage({ type: 'digest', session: this.session });
    });
    this.detach(true);
    return hex;
  }

  /**
   * Ends the hash without a result (the write it belonged to failed); the worker forgets it and serves the next.
   * Does nothing once digest() has ended it.
   */
  discard(): void {
    if (!this.worker) return;
    if (!this.failure) this.worker.postMessage({ type: 'discard', session: this.session });
    this.detach(!this.failure);
  }

  /** False when the buffer's memory cannot be moved (it belongs to an allocation pool); it is then untouched. */
  private post(w: Worker, bytes: Uint8Array): boolean {
    try {
      w.postMessage({ type: 'data', session: this.session, bytes }, [bytes.buffer as ArrayBuffer]);
      return true;
    } catch (e) {
      if ((e as { name?: string }).name === 'DataCloneError') return false;
      throw e;
    }
  }

  private live(): Worker {
    if (this.failure) throw this.failure.error;
    if (!this.worker) throw new StationError('state', 'vault.hash_failed', {});
    return this.worker;
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
    if (reusable) giveBack(w);
    else void w.terminate();
  }
}
