// The per-range half of the parallel ledger verifier (`verifyLedgerInParallel` in parallelVerify.ts), run on worker
// threads. Each range of entries is checked as `verifyLedger` checks it — seq, canonical details, chain, leaf hash,
// time, checkpoint signatures — and its Merkle subtree is built. It answers only "this range holds" or "doubt": on any
// doubt the caller runs the sequential verifier, which finds and names the first bad entry exactly as before.
//
// This module is imported by the worker by its own URL, so it must stay free of side effects at load.
import Database from 'better-sqlite3';
import crypto from 'node:crypto';
import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { isCanonicalJsonText } from './canonicalJson.ts';
import { verifyCheckpoint } from './checkpoint.ts';
import { entryText, leafHashOfText } from './entryHash.ts';
import { MerkleAccumulator } from './merkle.ts';

export type RangeJob = {
  dbPath: string;
  publicKey: Uint8Array;
  keyName: string;
  clockToleranceMs: number;
  /** Sizes whose Merkle root the caller needs (checkpoints, head claims, the total), ascending. */
  wantedSizes: number[];
  /** Seq ranges [from, to], each starting after a multiple of its power-of-two length. */
  ranges: { from: number; to: number }[];
  /** Index of the next range to take, shared by every worker; slot 1 counts results posted. */
  signal: SharedArrayBuffer;
  /** Computed leaf hashes, 32 bytes per entry at (seq − 1) × 32. */
  leaves: SharedArrayBuffer;
  results: MessagePort;
};

export type RangeResult =
  | { index: number; doubt: string }
  | {
      index: number;
      doubt: null;
      firstPrev: string;
      lastLeaf: string;
      minMs: number;
      maxMs: number;
      headCreatedSeq: number | null;
      /** Root of the range's own subtree (all of its leaves). */
      rangeRoot: Buffer;
      /** For each wanted size inside the range: the range's perfect subtrees up to it, largest first. */
      peaks: { size: number; nodes: Buffer[] }[];
      checkpoints: { size: number; root: string }[];
    };

type Row = [seq: unknown, time: unknown, actor: unknown, action: unknown, subject: unknown, details: unknown, prev: unknown, leaf: unknown];

const NODE_INPUT = Buffer.alloc(65);
NODE_INPUT[0] = 0x01;
function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  NODE_INPUT.set(left, 1);
  NODE_INPUT.set(right, 33);
  return crypto.hash('sha256', NODE_INPUT, 'buffer');
}

const isText = (v: unknown): v is string => typeof v === 'string';

function checkRange(db: Database.Database, job: RangeJob, index: number, leaves: Buffer): RangeResult {
  const { from, to } = job.ranges[index] as { from: number; to: number };
  const doubt = (why: string): RangeResult => ({ index, doubt: why });
  const wanted = job.wantedSizes.filter((n) => n >= from && n <= to);
  let nextWanted = 0;
  const peaks: { size: number; nodes: Buffer[] }[] = [];
  const stack: Buffer[] = [];
  let count = 0;
  let expected = from;
  let prev: string | null = null;
  let firstPrev = '';
  let minMs = Number.POSITIVE_INFINITY;
  let maxMs = Number.NEGATIVE_INFINITY;
  let headCreatedSeq: number | null = null;
  const rows = db
    .prepare('SELECT seq, time, actor, action, subject, details, prev_hash, leaf_hash FROM ledger WHERE seq >= ? AND seq <= ? ORDER BY seq')
    .raw()
    .iterate(from, to) as Iterable<Row>;
  for (const [seq, time, actor, action, subject, details, prevHash, leafHex] of rows) {
    if (typeof seq !== 'number' || seq !== expected) return doubt('seq');
    if (!isText(time) || !isText(actor) || !isText(action) || !isText(subject) || !isText(details) || !isText(prevHash) || !isText(leafHex)) {
      return doubt('type');
    }
    // Details are a JSON object (the station writes nothing else), stored canonical.
    if (details.charCodeAt(0) !== 0x7b || !isCanonicalJsonText(details)) return doubt('details');
    if (prev === null) firstPrev = prevHash;
    else if (prevHash !== prev) return doubt('chain');
    // The bytes entryBytes() hashes; details is already canonical (checked above), so it goes in as stored.
    const leaf = leafHashOfText(entryText({ seq, time, actor, action, subject, prev: prevHash }, details));
    if (leaf.toString('hex') !== leafHex) return doubt('leaf');
    leaf.copy(leaves, (seq - 1) * 32);
    prev = leafHex;
    const ms = Date.parse(time);
    if (!Number.isFinite(ms)) return doubt('time');
    if (ms < maxMs - job.clockToleranceMs) return doubt('time');
    if (ms > maxMs) maxMs = ms;
    if (ms < minMs) minMs = ms;
    if (headCreatedSeq === null && action === 'ledger.head_created') headCreatedSeq = seq;

    let h: Buffer = leaf;
    for (let n = count; n % 2 === 1; n = Math.floor(n / 2)) h = nodeHash(stack.pop() as Buffer, h);
    stack.push(h);
    count++;
    while (nextWanted < wanted.length && wanted[nextWanted] === seq) {
      peaks.push({ size: seq, nodes: stack.slice() });
      nextWanted++;
    }
    expected++;
  }
  if (expected !== to + 1) return doubt('missing');
  let rangeRoot = stack[stack.length - 1] as Buffer;
  for (let i = stack.length - 2; i >= 0; i--) rangeRoot = nodeHash(stack[i] as Buffer, rangeRoot);

  const checkpoints: { size: number; root: string }[] = [];
  const cps = db.prepare('SELECT size, root, note FROM checkpoints WHERE size >= ? AND size <= ? ORDER BY size').all(from, to) as { size: unknown; root: unknown; note: unknown }[];
  for (const cp of cps) {
    if (typeof cp.size !== 'number' || !isText(cp.root) || !isText(cp.note)) return doubt('checkpoint');
    try {
      const signed = verifyCheckpoint(cp.note, job.publicKey, job.keyName);
      if (signed.size !== cp.size || signed.root.toString('hex') !== cp.root) return doubt('checkpoint');
    } catch {
      return doubt('checkpoint');
    }
    checkpoints.push({ size: cp.size, root: cp.root });
  }
  return { index, doubt: null, firstPrev, lastLeaf: prev ?? '', minMs, maxMs, headCreatedSeq, rangeRoot, peaks, checkpoints };
}

/** A worker's loop: takes ranges until none is left, posting one result per range. */
export function runRangeWorker(job: RangeJob): void {
  const leaves = Buffer.from(job.leaves);
  takeRanges<RangeResult>(job, (db) => (index) => checkRange(db, job, index, leaves));
}

type RangeWork = { dbPath: string; ranges: unknown[]; signal: SharedArrayBuffer; results: MessagePort };

/**
 * The loop of every range worker: takes ranges from the shared counter until none is left and posts one result per
 * range (a throw is that range's doubt). The first range is taken before the database is opened, so a worker the
 * others left nothing to (or whose pass has ended) exits without loading the SQLite addon — terminating a worker that
 * is loading it aborts the process, which is why the passes never terminate theirs.
 */
function takeRanges<R>(job: RangeWork, forDb: (db: Database.Database) => (index: number) => R): void {
  const signal = new Int32Array(job.signal);
  const post = (result: R | { index: number; doubt: string }): void => {
    job.results.postMessage(result);
    Atomics.add(signal, 1, 1);
    Atomics.notify(signal, 1);
  };
  let index = Atomics.add(signal, 0, 1);
  if (index >= job.ranges.length) return job.results.close();
  let db: Database.Database | null = null;
  try {
    db = new Database(job.dbPath, { readonly: true, fileMustExist: true });
    const forRange = forDb(db);
    for (; index < job.ranges.length; index = Atomics.add(signal, 0, 1)) {
      let result: R | { index: number; doubt: string };
      try {
        result = forRange(index);
      } catch (e) {
        result = { index, doubt: `error: ${(e as Error).message}` };
      }
      post(result);
    }
  } catch (e) {
    post({ index: -1, doubt: `error: ${(e as Error).message}` });
  } finally {
    db?.close();
    job.results.close();
  }
}

export type TreeJob = {
  dbPath: string;
  /** Seq ranges [from, to], each starting after a multiple of its power-of-two length. */
  ranges: { from: number; to: number }[];
  /** Slot 0: the next range to take; slot 1: results posted. */
  signal: SharedArrayBuffer;
  results: MessagePort;
};

/** A range's perfect subtrees (largest first; one for a whole range), or doubt. */
export type TreeResult = { index: number; doubt: null; nodes: Buffer[] } | { index: number; doubt: string };

/**
 * Building the ledger's running tree at unlock on every core (`buildTreeInParallel`): each range's leaf hashes, as
 * stored, folded into its perfect subtrees. Nothing is judged here; a range that is not exactly its rows is doubt,
 * and the caller then builds the tree on its own thread as it always did.
 */
export function runTreeWorker(job: TreeJob): void {
  takeRanges<TreeResult>(job, (db) => {
    const st = db.prepare('SELECT leaf_hash FROM ledger WHERE seq >= ? AND seq <= ? ORDER BY seq').pluck();
    return (index) => {
      const { from, to } = job.ranges[index] as { from: number; to: number };
      const acc = MerkleAccumulator.fromHexLeaves(st.iterate(from, to));
      return acc.size === to - from + 1 ? { index, doubt: null, nodes: acc.toJSON().nodes.map((n) => Buffer.from(n, 'hex')) } : { index, doubt: 'missing' };
    };
  });
}

/** Takes what the workers posted so far, without waiting (the caller's thread is blocked in Atomics.wait). */
export function drainResults<R = RangeResult>(port: MessagePort): (R | { index: -1; doubt: string })[] {
  const out: (R | { index: -1; doubt: string })[] = [];
  for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) out.push(m.message as R);
  return out;
}

/**
 * Where a worker imports this module from. Only usable when it is this module's own file (`verifyRange.ts`, or a
 * bundle's separate `verifyRange` chunk): inside a bundle's single file it would be the whole program.
 */
export const RANGE_MODULE_URL: string | null = /\/verifyRange(\.ts|\.m?js|-[\w-]+\.m?js)$/.test(import.meta.url) ? import.meta.url : null;
