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
import { entryText, leafHashHexOfText } from './entryHash.ts';

export type RangeJob = {
  dbPath: string;
  publicKey: Uint8Array;
  keyName: string;
  clockToleranceMs: number;
  /**
   * Sizes other than the checkpoints' whose Merkle root the caller needs (head claims, the total), ascending. Each
   * range adds the sizes of the checkpoints it reads itself, so a worker can start before the caller has read them.
   */
  extraSizes: number[];
  /** Seq ranges [from, to], each starting after a multiple of its power-of-two length. */
  ranges: { from: number; to: number }[];
  /** Index of the next range to take, shared by every worker; slot 1 counts results posted. */
  signal: SharedArrayBuffer;
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
      /** Root of the range's own subtree (all of its leaves), hex. */
      rangeRoot: string;
      /**
       * For each wanted size inside the range: the range's perfect subtrees up to it folded into one hash (hex). The
       * root at that size is the subtrees before the range folded onto this one: RFC 6962 folds right to left.
       */
      peaks: { size: number; fold: string }[];
      checkpoints: { size: number; root: string }[];
    };

type Row = [seq: unknown, time: unknown, actor: unknown, action: unknown, subject: unknown, details: unknown, prev: unknown, leaf: unknown];

const HASH_LEN = 32;
// Rows read per statement call: .all() on a few thousand rows costs 0.7 µs a row where .iterate() costs 1.05 (a call
// into the addon per row), without holding a whole range's rows in memory.
const ROWS_PER_READ = 4096;

// Interior nodes are hashed from one reused input buffer into a stack of perfect-subtree roots held in one buffer,
// the digest taken as latin1 ('binary') text and written back: crypto.hash returning a new Buffer costs three times
// as much as the hashing of 65 bytes (0.88 against 0.30 µs), and a range has as many interior nodes as leaves.
const NODE_INPUT = Buffer.alloc(1 + 2 * HASH_LEN);
NODE_INPUT[0] = 0x01;
// A range holds fewer than 2^53 leaves, so at most 53 roots are ever on the stack.
const MAX_DEPTH = 54;

/** Hashes stack slots i and i + 1 (adjacent in the buffer) into slot i. */
function mergeSlots(stack: Buffer, i: number): void {
  stack.copy(NODE_INPUT, 1, i * HASH_LEN, (i + 2) * HASH_LEN);
  stack.write(crypto.hash('sha256', NODE_INPUT, 'binary'), i * HASH_LEN, HASH_LEN, 'latin1');
}

/** RFC 6962 root of the perfect subtrees in slots 0..depth − 1 (largest first), folded right to left, as hex. */
function foldStack(stack: Buffer, depth: number): string {
  if (depth === 1) return stack.toString('hex', 0, HASH_LEN);
  stack.copy(NODE_INPUT, 1 + HASH_LEN, (depth - 1) * HASH_LEN, depth * HASH_LEN);
  for (let i = depth - 2; i >= 0; i--) {
    stack.copy(NODE_INPUT, 1, i * HASH_LEN, (i + 1) * HASH_LEN);
    const h = crypto.hash('sha256', NODE_INPUT, 'binary');
    if (i === 0) return Buffer.from(h, 'latin1').toString('hex');
    NODE_INPUT.write(h, 1 + HASH_LEN, HASH_LEN, 'latin1');
  }
  return '';
}

const isText = (v: unknown): v is string => typeof v === 'string';

type Statements = { rows: Database.Statement; checkpoints: Database.Statement; stack: Buffer };

function statementsFor(db: Database.Database): Statements {
  return {
    rows: db.prepare('SELECT seq, time, actor, action, subject, details, prev_hash, leaf_hash FROM ledger WHERE seq >= ? AND seq <= ? ORDER BY seq').raw(),
    checkpoints: db.prepare('SELECT size, root, note FROM checkpoints WHERE size >= ? AND size <= ? ORDER BY size'),
    stack: Buffer.alloc(MAX_DEPTH * HASH_LEN),
  };
}

/** Checks one range as the sequential verifier would. */
function checkRange(st: Statements, job: Pick<RangeJob, 'publicKey' | 'keyName' | 'clockToleranceMs' | 'extraSizes' | 'ranges'>, index: number): RangeResult {
  const { from, to } = job.ranges[index] as { from: number; to: number };
  const doubt = (why: string): RangeResult => ({ index, doubt: why });

  // The checkpoints first: their sizes are where the range's roots are wanted.
  const checkpoints: { size: number; root: string }[] = [];
  for (const cp of st.checkpoints.all(from, to) as { size: unknown; root: unknown; note: unknown }[]) {
    if (typeof cp.size !== 'number' || !isText(cp.root) || !isText(cp.note)) return doubt('checkpoint');
    try {
      const signed = verifyCheckpoint(cp.note, job.publicKey, job.keyName);
      if (signed.size !== cp.size || signed.root.toString('hex') !== cp.root) return doubt('checkpoint');
    } catch {
      return doubt('checkpoint');
    }
    checkpoints.push({ size: cp.size, root: cp.root });
  }
  const wanted = [...new Set([...checkpoints.map((c) => c.size), ...job.extraSizes.filter((n) => n >= from && n <= to)])].sort((a, b) => a - b);

  let nextWanted = 0;
  const peaks: { size: number; fold: string }[] = [];
  const stack = st.stack;
  let depth = 0;
  let count = 0;
  let expected = from;
  let prev: string | null = null;
  let firstPrev = '';
  let minMs = Number.POSITIVE_INFINITY;
  let maxMs = Number.NEGATIVE_INFINITY;
  let headCreatedSeq: number | null = null;
  for (let lo = from; lo <= to; lo += ROWS_PER_READ) {
    const hi = Math.min(to, lo + ROWS_PER_READ - 1);
    for (const [seq, time, actor, action, subject, details, prevHash, leafHex] of st.rows.all(lo, hi) as Row[]) {
      if (typeof seq !== 'number' || seq !== expected) return doubt('seq');
      if (!isText(time) || !isText(actor) || !isText(action) || !isText(subject) || !isText(details) || !isText(prevHash) || !isText(leafHex)) {
        return doubt('type');
      }
      // Details are a JSON object (the station writes nothing else), stored canonical.
      if (details.charCodeAt(0) !== 0x7b || !isCanonicalJsonText(details)) return doubt('details');
      if (prev === null) firstPrev = prevHash;
      else if (prevHash !== prev) return doubt('chain');
      // The bytes entryBytes() hashes; details is already canonical (checked above), so it goes in as stored. Equal
      // to the computed hex, the stored leaf is 64 hex digits: written into the stack as the leaf's 32 bytes.
      if (leafHashHexOfText(entryText({ seq, time, actor, action, subject, prev: prevHash }, details)) !== leafHex) return doubt('leaf');
      prev = leafHex;
      const ms = Date.parse(time);
      if (!Number.isFinite(ms)) return doubt('time');
      if (ms < maxMs - job.clockToleranceMs) return doubt('time');
      if (ms > maxMs) maxMs = ms;
      if (ms < minMs) minMs = ms;
      if (headCreatedSeq === null && action === 'ledger.head_created') headCreatedSeq = seq;

      stack.write(leafHex, depth * HASH_LEN, HASH_LEN, 'hex');
      depth++;
      // Each trailing one bit of the count so far is a perfect subtree this leaf completes.
      for (let n = count; n % 2 === 1; n = Math.floor(n / 2)) mergeSlots(stack, --depth - 1);
      count++;
      while (nextWanted < wanted.length && wanted[nextWanted] === seq) {
        peaks.push({ size: seq, fold: foldStack(stack, depth) });
        nextWanted++;
      }
      expected++;
    }
    if (expected !== hi + 1) return doubt('missing');
  }
  if (expected !== to + 1 || depth === 0) return doubt('missing');
  return { index, doubt: null, firstPrev, lastLeaf: prev ?? '', minMs, maxMs, headCreatedSeq, rangeRoot: foldStack(stack, depth), peaks, checkpoints };
}

/** A worker's loop: takes ranges until none is left, posting one result per range. */
export function runRangeWorker(job: RangeJob): void {
  takeRanges<RangeResult>(job, (db) => {
    const st = statementsFor(db);
    return (index) => checkRange(st, job, index);
  });
}

/** The caller's own share of a pass: ranges taken from the same counter through its own connection, as a worker does. */
export function rangeChecker(db: Database.Database, job: Pick<RangeJob, 'publicKey' | 'keyName' | 'clockToleranceMs' | 'extraSizes' | 'ranges'>): (index: number) => RangeResult {
  const st = statementsFor(db);
  return (index) => checkRange(st, job, index);
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

/** A range's perfect subtrees (largest first; one for a whole range) as hex, or doubt. */
export type TreeResult = { index: number; doubt: null; nodes: string[] } | { index: number; doubt: string };

/**
 * One range of the running tree: its stored leaf hashes, read a few thousand at a time, folded into its perfect
 * subtrees in one stack buffer (as checkRange does). Nothing is judged; a range that is not exactly its rows, or a
 * leaf that is not 64 hex digits (what MerkleAccumulator.fromHexLeaves refuses), is doubt.
 */
export function treeRanger(db: Database.Database, ranges: { from: number; to: number }[]): (index: number) => TreeResult {
  const leavesOf = db.prepare('SELECT leaf_hash FROM ledger WHERE seq >= ? AND seq <= ? ORDER BY seq').pluck();
  const stack = Buffer.alloc(MAX_DEPTH * HASH_LEN);
  return (index) => {
    const { from, to } = ranges[index] as { from: number; to: number };
    let depth = 0;
    let count = 0;
    for (let lo = from; lo <= to; lo += ROWS_PER_READ) {
      const hi = Math.min(to, lo + ROWS_PER_READ - 1);
      const hexes = leavesOf.all(lo, hi) as unknown[];
      if (hexes.length !== hi - lo + 1) return { index, doubt: 'missing' };
      for (const hex of hexes) {
        // Buffer.write stops at the first character that is not hex: fewer than 32 bytes written is the sign.
        if (typeof hex !== 'string' || hex.length !== 2 * HASH_LEN || stack.write(hex, depth * HASH_LEN, HASH_LEN, 'hex') !== HASH_LEN) return { index, doubt: 'leaf' };
        depth++;
        for (let n = count; n % 2 === 1; n = Math.floor(n / 2)) mergeSlots(stack, --depth - 1);
        count++;
      }
    }
    const nodes: string[] = [];
    for (let i = 0; i < depth; i++) nodes.push(stack.toString('hex', i * HASH_LEN, (i + 1) * HASH_LEN));
    return { index, doubt: null, nodes };
  };
}

/**
 * Building the ledger's running tree at unlock on every core (`buildTreeInParallel`): each range's leaf hashes, as
 * stored, folded into its perfect subtrees. Nothing is judged here; a range in doubt leaves the caller to build the
 * tree on its own thread as it always did.
 */
export function runTreeWorker(job: TreeJob): void {
  takeRanges<TreeResult>(job, (db) => treeRanger(db, job.ranges));
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
