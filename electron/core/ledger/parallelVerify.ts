// The ledger verified on every core (issue 16, target 5). The entries are cut into ranges whose length is a power of
// two and that start after a multiple of it, so each range is a run of whole RFC 6962 subtrees: a worker checks its
// range's entries (verifyRange.ts) and returns its subtree, and the root at any size is the perfect subtrees before the
// range (from the earlier ranges' roots) followed by the range's own up to that size. What crosses a range boundary —
// the hash chain, time never running backwards — is checked here from each range's first and last entries.
//
// This path only ever answers "everything holds" (or nothing): a range in doubt, a worker that fails, a database that
// is not a file, all leave the verdict to the sequential verifier, which names the first bad entry as it always has.
import { availableParallelism } from 'node:os';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import crypto from 'node:crypto';
import type { ReadableDB } from '../db/database.ts';
import { CLOCK_TOLERANCE_MS } from '../clock.ts';
import { drainResults, RANGE_MODULE_URL, rangeChecker, treeRanger, type RangeJob, type RangeResult, type TreeJob, type TreeResult } from './verifyRange.ts';
import { MerkleAccumulator } from './merkle.ts';
import type { HeadRead } from './head.ts';

type Result =
  | { ok: true; size: number; checkpoints: number; root: string; head: 'authenticated' | 'signatures_only' | 'none' }
  | { ok: false; size: number; firstBadSeq: number; reason: string };

export type ParallelVerifyOptions = {
  checkpointEvery?: number;
  head?: HeadRead | null;
  /** Below this many entries the sequential pass is quicker than starting threads. */
  parallelFrom?: number;
  /** Entries per range (a power of two); by default about sixteen ranges per thread. */
  rangeSize?: number;
  /** Worker threads beside the caller's (which takes ranges too); by default one fewer than the cores. */
  workers?: number;
};

export type ParallelVerifyHelpers = {
  genesisPrev: string;
  headClaims: (h: HeadRead & { state: 'ok' }) => { size: number; root: string }[] | null;
  checkCoverageAndHead: (input: {
    checkpoints: { size: number }[];
    headCreatedSeq: number | null;
    lastGoodSize: number;
    rootAt: (size: number) => Buffer;
  }) => { ok: true; head: 'authenticated' | 'signatures_only' | 'none' } | { ok: false };
};

const DEFAULT_PARALLEL_FROM = 50_000;
// A worker with nothing to report for this long is taken for stuck: the sequential pass decides instead.
const STALL_MS = 120_000;

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
import(workerData.moduleUrl).then(
  (m) => m.runRangeWorker(workerData.job),
  (e) => {
    workerData.job.results.postMessage({ index: -1, doubt: 'import: ' + (e && e.message) });
    const s = new Int32Array(workerData.job.signal);
    Atomics.add(s, 1, 1);
    Atomics.notify(s, 1);
  },
);
`;

const TREE_WORKER_SOURCE = WORKER_SOURCE.replace('m.runRangeWorker', 'm.runTreeWorker');
/**
 * Ends a parallel pass without terminating its workers: no range is handed out any more, so each worker finishes the
 * one it holds and exits on its own (they are unref'd). Terminating a worker while it is still loading the SQLite
 * addon aborts the whole process (napi_get_last_error_info), and a worker can be that late when another took every
 * range before it started.
 */
function stopHandingOut(counter: Int32Array, rangeCount: number, ports: MessagePort[]): void {
  Atomics.store(counter, 0, rangeCount);
  for (const p of ports) p.close();
}

/**
 * Runs a pass's ranges on this thread, from the same counter as the workers, taking what they posted between its own
 * ranges and then waiting for the rest. False on any doubt (a range that fails here or in a worker, a worker that
 * cannot start) or a worker silent for STALL_MS. This thread reads through the caller's connection, outside a
 * transaction, so it sees the committed rows the workers' connections see.
 */
function collect<R extends { index: number; doubt: string | null }>(
  rangeCount: number,
  counter: Int32Array,
  ports: MessagePort[],
  mine: (index: number) => R,
  take: (r: Extract<R, { doubt: null }>) => void,
): boolean {
  let received = 0;
  const accept = (r: R | { index: -1; doubt: string }): boolean => {
    if (r.doubt !== null || r.index < 0) return false;
    take(r as Extract<R, { doubt: null }>);
    received++;
    return true;
  };
  const drain = (): number | null => {
    let got = 0;
    for (const port of ports) {
      for (const r of drainResults<R>(port)) {
        got++;
        if (!accept(r)) return null;
      }
    }
    return got;
  };
  for (let index = Atomics.add(counter, 0, 1); index < rangeCount; index = Atomics.add(counter, 0, 1)) {
    let r: R;
    try {
      r = mine(index);
    } catch {
      return false;
    }
    if (!accept(r) || drain() === null) return false;
  }
  // Synchronous like the one-thread passes these replace: it waits on the shared counter (the workers bump it after
  // each result) and takes the results with receiveMessageOnPort.
  while (received < rangeCount) {
    const seen = Atomics.load(counter, 1);
    const got = drain();
    if (got === null) return false;
    if (got === 0 && received < rangeCount && Atomics.wait(counter, 1, seen, STALL_MS) === 'timed-out') return false;
  }
  return true;
}

// Below this many leaves one thread builds the tree about as soon as this thread and a worker fold it (measured at
// 200,000: 0.25–0.33 s of CPU on one thread, 0.35–0.39 s with a worker, whose start costs ~0.13 s of CPU; at 500,000
// 0.66–0.69 against 0.56–0.59).
const DEFAULT_TREE_PARALLEL_FROM = 500_000;

/**
 * The ledger's running tree over seqs 1..size, built on every core: each worker folds whole power-of-two ranges of
 * stored leaf hashes into their subtrees, and the ranges' subtrees are merged here in order. Null (build it on one
 * thread) for a small or in-memory ledger, inside a transaction (workers see committed rows only), or on any doubt.
 */
export function buildTreeInParallel(
  db: ReadableDB,
  size: number,
  options: { parallelFrom?: number; rangeSize?: number; workers?: number } = {},
): MerkleAccumulator | null {
  if (size < (options.parallelFrom ?? DEFAULT_TREE_PARALLEL_FROM) || RANGE_MODULE_URL === null || db.memory || db.inTransaction || !db.name) return null;
  // This thread folds ranges too (see verifyLedgerInParallel): one worker fewer than cores.
  const workers = options.workers ?? availableParallelism() - 1;
  if (options.workers === undefined && workers < 1) return null;
  const rangeSize = options.rangeSize ?? rangeSizeFor(size, workers + 1);
  const ranges: { from: number; to: number }[] = [];
  for (let start = 0; start < size; start += rangeSize) ranges.push({ from: start + 1, to: Math.min(start + rangeSize, size) });
  const signal = new SharedArrayBuffer(8);
  const counter = new Int32Array(signal);
  const ports: MessagePort[] = [];
  const results: (Buffer[] | undefined)[] = new Array(ranges.length);
  try {
    for (let i = 0; i < Math.min(workers, ranges.length); i++) {
      const { port1, port2 } = new MessageChannel();
      const job: TreeJob = { dbPath: db.name, ranges, signal, results: port2 };
      // Unref'd: a pass never waits for its workers to exit (see stopHandingOut).
      new Worker(TREE_WORKER_SOURCE, { eval: true, name: 'station-ledger-tree', workerData: { moduleUrl: RANGE_MODULE_URL, job }, transferList: [port2] }).unref();
      ports.push(port1);
    }
    const done = collect<TreeResult>(ranges.length, counter, ports, treeRanger(db, ranges), (r) => {
      results[r.index] = r.nodes.map((n) => Buffer.from(n, 'hex'));
    });
    if (!done) return null;
  } finally {
    stopHandingOut(counter, ranges.length, ports);
  }
  // Whole ranges are perfect subtrees of rangeSize leaves: merged pairwise as an accumulator merges them. The last
  // range, if short, brings its own smaller subtrees, which come after every whole range's.
  const nodes: { size: number; hash: Buffer }[] = [];
  for (let i = 0; i < ranges.length; i++) {
    const r = ranges[i] as { from: number; to: number };
    const sub = results[i] as Buffer[];
    const len = r.to - r.from + 1;
    if (len === rangeSize) {
      if (sub.length !== 1) return null;
      nodes.push({ size: rangeSize, hash: sub[0] as Buffer });
      while (nodes.length >= 2 && (nodes[nodes.length - 1] as { size: number }).size === (nodes[nodes.length - 2] as { size: number }).size) {
        const right = nodes.pop() as { size: number; hash: Buffer };
        const left = nodes.pop() as { size: number; hash: Buffer };
        nodes.push({ size: left.size * 2, hash: nodeHash(left.hash, right.hash) });
      }
    } else {
      for (const h of sub) nodes.push({ size: 0, hash: h });
    }
  }
  try {
    return MerkleAccumulator.fromJSON({ size, nodes: nodes.map((n) => n.hash.toString('hex')) });
  } catch {
    return null;
  }
}

// One input buffer and one hash call per interior node, the digest as latin1 text: a new Buffer from crypto.hash costs
// three times the hashing of 65 bytes.
const NODE_INPUT = Buffer.alloc(65);
NODE_INPUT[0] = 0x01;
function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  NODE_INPUT.set(left, 1);
  NODE_INPUT.set(right, 33);
  return Buffer.from(crypto.hash('sha256', NODE_INPUT, 'binary'), 'latin1');
}

/** RFC 6962 root (hex) of the perfect subtrees `before` (largest first) followed by a right part already folded. */
function foldOnto(before: readonly Buffer[], right: Buffer): string {
  let root = right;
  for (let i = before.length - 1; i >= 0; i--) root = nodeHash(before[i] as Buffer, root);
  return root.toString('hex');
}

/** Ranges per thread: enough that the threads finish within a short range of each other, not so many that a range's fixed cost shows. */
const RANGES_PER_THREAD = 16;

function rangeSizeFor(total: number, threads: number): number {
  const target = Math.max(4096, Math.ceil(total / (threads * RANGES_PER_THREAD)));
  return 2 ** Math.ceil(Math.log2(target));
}

export function verifyLedgerInParallel(
  db: ReadableDB,
  publicKey: Buffer,
  keyName: string,
  total: number,
  onProgress: ((done: number, total: number) => void) | undefined,
  options: ParallelVerifyOptions,
  helpers: ParallelVerifyHelpers,
): Result | null {
  if (total < (options.parallelFrom ?? DEFAULT_PARALLEL_FROM) || RANGE_MODULE_URL === null) return null;
  // Workers read through their own connections: they see committed rows only, and none of an in-memory database.
  if (db.memory || db.inTransaction || !db.name) return null;
  // This thread takes ranges too, so one worker fewer than cores: a worker's start (its module graph and the SQLite
  // addon, ~0.13 s of CPU) is the pass's largest fixed cost, and this thread would otherwise only wait.
  const threads = options.workers !== undefined ? options.workers + 1 : Math.max(1, availableParallelism());
  if (threads < 2 && options.workers === undefined) return null;

  const claims = options.head?.state === 'ok' ? (helpers.headClaims(options.head) ?? []) : [];
  const extraSizes = [...new Set([...claims.map((c) => c.size).filter((n) => n >= 1 && n <= total), total])].sort((a, b) => a - b);
  const rangeSize = options.rangeSize ?? rangeSizeFor(total, threads);
  const ranges: { from: number; to: number }[] = [];
  for (let start = 0; start < total; start += rangeSize) ranges.push({ from: start + 1, to: Math.min(start + rangeSize, total) });
  const signal = new SharedArrayBuffer(8);
  const counter = new Int32Array(signal);
  const shared = { publicKey: Uint8Array.from(publicKey), keyName, clockToleranceMs: CLOCK_TOLERANCE_MS, extraSizes, ranges };

  const ports: MessagePort[] = [];
  const results: (RangeResult | undefined)[] = new Array(ranges.length);
  let checkpoints: { size: number; root: string }[];
  try {
    // The workers first, so their start overlaps this thread's own setup and first ranges.
    for (let i = 0; i < Math.min(threads - 1, ranges.length); i++) {
      const { port1, port2 } = new MessageChannel();
      const job: RangeJob = { ...shared, dbPath: db.name, signal, results: port2 };
      new Worker(WORKER_SOURCE, { eval: true, name: 'station-ledger-verify', workerData: { moduleUrl: RANGE_MODULE_URL, job }, transferList: [port2] }).unref();
      ports.push(port1);
    }
    checkpoints = db.prepare('SELECT size, root FROM checkpoints ORDER BY size').all() as { size: number; root: string }[];
    if (checkpoints.some((c) => !Number.isSafeInteger(c.size) || c.size < 1 || c.size > total)) return null;

    let done = 0;
    const ok = collect<RangeResult>(ranges.length, counter, ports, rangeChecker(db, shared), (r) => {
      results[r.index] = r;
      done += (ranges[r.index] as { from: number; to: number }).to - (ranges[r.index] as { from: number }).from + 1;
      onProgress?.(done, total);
    });
    if (!ok) return null;
  } finally {
    stopHandingOut(counter, ranges.length, ports);
  }

  // Across the ranges, in order: the chain, the time, the perfect subtrees before each range.
  const roots = new Map<number, string>();
  const verifiedCheckpoints = new Map<number, string>();
  let prevLeaf = helpers.genesisPrev;
  let latestMs = Number.NEGATIVE_INFINITY;
  let headCreatedSeq: number | null = null;
  const before: { size: number; hash: Buffer }[] = [];
  for (const r of results) {
    if (!r || r.doubt !== null) return null;
    if (r.firstPrev !== prevLeaf) return null;
    if (r.minMs < latestMs - CLOCK_TOLERANCE_MS) return null;
    latestMs = Math.max(latestMs, r.maxMs);
    prevLeaf = r.lastLeaf;
    headCreatedSeq ??= r.headCreatedSeq;
    const beforeHashes = before.map((b) => b.hash);
    for (const p of r.peaks) roots.set(p.size, foldOnto(beforeHashes, Buffer.from(p.fold, 'hex')));
    for (const c of r.checkpoints) verifiedCheckpoints.set(c.size, c.root);
    before.push({ size: rangeSize, hash: Buffer.from(r.rangeRoot, 'hex') });
    while (before.length >= 2 && (before[before.length - 1] as { size: number }).size === (before[before.length - 2] as { size: number }).size) {
      const right = before.pop() as { size: number; hash: Buffer };
      const left = before.pop() as { size: number; hash: Buffer };
      before.push({ size: left.size * 2, hash: nodeHash(left.hash, right.hash) });
    }
  }
  // The checkpoints the workers read and verified must be the ones this connection sees, each on the tree.
  if (verifiedCheckpoints.size !== checkpoints.length) return null;
  for (const c of checkpoints) {
    if (verifiedCheckpoints.get(c.size) !== c.root) return null;
    if (roots.get(c.size) !== c.root) return null;
  }
  const rest = helpers.checkCoverageAndHead({
    checkpoints,
    headCreatedSeq,
    lastGoodSize: checkpoints.length > 0 ? (checkpoints[checkpoints.length - 1] as { size: number }).size : 0,
    rootAt: (size) => Buffer.from(roots.get(size) ?? '00'.repeat(32), 'hex'),
  });
  if (!rest.ok) return null;
  const root = roots.get(total);
  if (!root) return null;
  onProgress?.(total, total);
  return { ok: true, size: total, checkpoints: checkpoints.length, root, head: rest.head };
}
