import type { Statement } from 'better-sqlite3';
import type { KeyObject } from 'node:crypto';
import type { Clock } from '../clock.ts';
import { StationError } from '../errors.ts';
import type { ReadableDB, WritableDB } from '../db/database.ts';
import { canonicalJson } from './canonicalJson.ts';
import { entryBytes, leafHash, type LedgerEntryContent } from './entryHash.ts';
import { MerkleAccumulator, MerkleTree, inclusionProof, type LeafSource } from './merkle.ts';
import { makeProofBundle, type ProofBundle } from './proofBundle.ts';
import { signCheckpoint, verifyCheckpoint } from './checkpoint.ts';

export const GENESIS_PREV = '0'.repeat(64);

export type LedgerRow = {
  seq: number;
  time: string;
  actor: string;
  action: string;
  subject: string;
  details: string;
  prev_hash: string;
  leaf_hash: string;
};

export type LedgerEntry = LedgerEntryContent & { leafHash: string };

export type AppendInput = { actor: string; action: string; subject: string; details?: Record<string, unknown> };

export type CheckpointRecord = { size: number; root: string; note: string; createdAt: string };

export type Signer = { key: KeyObject; keyName: string; origin: string };

export function rowToEntry(row: LedgerRow): LedgerEntry {
  return {
    seq: row.seq,
    time: row.time,
    actor: row.actor,
    action: row.action,
    subject: row.subject,
    details: JSON.parse(row.details) as Record<string, unknown>,
    prev: row.prev_hash,
    leafHash: row.leaf_hash,
  };
}

/** Leaf hashes read once into one contiguous buffer: 32 MB for a million entries. */
export function loadLeaves(db: ReadableDB, upTo?: number): LeafSource {
  const size = upTo ?? ((db.prepare('SELECT COUNT(*) AS n FROM ledger').get() as { n: number }).n);
  const buf = Buffer.allocUnsafe(size * 32);
  let i = 0;
  for (const row of db.prepare('SELECT leaf_hash FROM ledger ORDER BY seq LIMIT ?').raw().iterate(size) as Iterable<[string]>) {
    buf.write(row[0], i * 32, 'hex');
    i++;
  }
  if (i !== size) throw new StationError('verify', 'ledger.size_mismatch', { expected: size, found: i });
  return { size, leaf: (k: number) => buf.subarray(k * 32, k * 32 + 32) };
}

/**
 * The append-only, hash-chained, Merkle-checkpointed record of everything that happens at the
 * station. Appends happen inside the caller's transaction so that a state change and its
 * ledger entry commit or roll back together ("if it is not in the ledger, it did not happen").
 */
export class Ledger {
  private accumulator: MerkleAccumulator;
  private lastLeaf: string;
  private lastSeq = 0;
  private signer: Signer | null = null;
  private insert: Statement | null = null;
  private readonly db: WritableDB;
  private readonly clock: Clock;
  readonly checkpointEvery: number;

  constructor(db: WritableDB, clock: Clock, options: { checkpointEvery?: number } = {}) {
    this.db = db;
    this.clock = clock;
    this.checkpointEvery = options.checkpointEvery ?? 100;
    this.accumulator = new MerkleAccumulator();
    this.lastLeaf = GENESIS_PREV;
    this.reload();
  }

  /** Rebuilds the in-memory running root from the table (at open, and after a rolled-back transaction). */
  reload(): void {
    const acc = new MerkleAccumulator();
    let last = GENESIS_PREV;
    let lastSeq = 0;
    for (const [seq, hash] of this.db.prepare('SELECT seq, leaf_hash FROM ledger ORDER BY seq').raw().iterate() as Iterable<[number, string]>) {
      acc.append(Buffer.from(hash, 'hex'));
      last = hash;
      lastSeq = seq;
    }
    this.accumulator = acc;
    this.lastLeaf = last;
    // Normally lastSeq === size; they differ only on a tampered table, where appending must still
    // work (so the tampering can be reported) and `verify` names the gap.
    this.lastSeq = lastSeq;
  }

  /**
   * The desktop app and `station watch` may run side by side on one data folder, each keeping the
   * ledger head in memory. Called inside every write transaction (IMMEDIATE, so the table cannot
   * move meanwhile): if another process appended, re-read before appending. One indexed query.
   */
  syncHead(): void {
    const head = (this.db.prepare('SELECT COALESCE(MAX(seq), 0) AS n FROM ledger').get() as { n: number }).n;
    if (head !== this.lastSeq) this.reload();
  }

  setSigner(signer: Signer | null): void {
    this.signer = signer;
  }

  /** Entries appended while the station was locked get their signed checkpoint at the next unlock. */
  catchUpCheckpoint(): CheckpointRecord | null {
    if (!this.signer || this.size === 0) return null;
    const latest = this.latestCheckpoint();
    if (latest && latest.size > this.size - this.checkpointEvery) return null;
    return this.checkpoint();
  }

  get size(): number {
    return this.accumulator.size;
  }

  root(): Buffer {
    return this.accumulator.root();
  }

  /**
   * Appends one entry. Must be called inside a transaction (or alone); if the surrounding
   * transaction rolls back, call reload() — Station.write does this for every caller.
   */
  append(input: AppendInput): LedgerEntry {
    const content: LedgerEntryContent = {
      seq: this.lastSeq + 1,
      time: this.clock.now().toISOString(),
      actor: input.actor,
      action: input.action,
      subject: input.subject,
      details: input.details ?? {},
      prev: this.lastLeaf,
    };
    const details = canonicalJson(content.details);
    const leaf = leafHash(entryBytes(content)).toString('hex');
    this.insert ??= this.db.prepare('INSERT INTO ledger (seq, time, actor, action, subject, details, prev_hash, leaf_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    this.insert.run(content.seq, content.time, content.actor, content.action, content.subject, details, content.prev, leaf);
    this.accumulator.append(Buffer.from(leaf, 'hex'));
    this.lastLeaf = leaf;
    this.lastSeq = content.seq;
    if (this.signer && content.seq % this.checkpointEvery === 0) this.checkpoint();
    return { ...content, leafHash: leaf };
  }

  /** Signs the current tree head and stores it. Idempotent for an unchanged size. */
  checkpoint(): CheckpointRecord {
    if (!this.signer) throw new StationError('state', 'station.locked', {});
    const size = this.accumulator.size;
    const existing = this.checkpointAt(size);
    if (existing) return existing;
    const root = this.accumulator.root();
    const note = signCheckpoint({ origin: this.signer.origin, size, root }, this.signer.key, this.signer.keyName);
    const record: CheckpointRecord = { size, root: root.toString('hex'), note, createdAt: this.clock.now().toISOString() };
    this.db.prepare('INSERT INTO checkpoints (size, root, note, created_at) VALUES (?, ?, ?, ?)').run(size, record.root, note, record.createdAt);
    return record;
  }

  checkpointAt(size: number): CheckpointRecord | null {
    const row = this.db.prepare('SELECT size, root, note, created_at FROM checkpoints WHERE size = ?').get(size) as
      | { size: number; root: string; note: string; created_at: string }
      | undefined;
    return row ? { size: row.size, root: row.root, note: row.note, createdAt: row.created_at } : null;
  }

  latestCheckpoint(): CheckpointRecord | null {
    const row = this.db.prepare('SELECT size FROM checkpoints ORDER BY size DESC LIMIT 1').get() as { size: number } | undefined;
    return row ? this.checkpointAt(row.size) : null;
  }

  entry(seq: number): LedgerEntry | null {
    const row = this.db.prepare('SELECT * FROM ledger WHERE seq = ?').get(seq) as LedgerRow | undefined;
    return row ? rowToEntry(row) : null;
  }

  /** Inclusion proof of entry seq in the tree of the given size (the size of a signed checkpoint). */
  prove(seq: number, size: number): Buffer[] {
    if (!Number.isInteger(seq) || seq < 1 || seq > size || size > this.size) {
      throw new StationError('input', 'ledger.no_such_entry', { seq });
    }
    return inclusionProof(loadLeaves(this.db, size), seq - 1, size);
  }

  /**
   * Ensures a signed checkpoint covers the current head, then returns a self-contained bundle:
   * the checkpoint, the verifier key and each entry with its inclusion proof — enough to check
   * on any computer with nothing but the station's public key.
   */
  proofBundle(seqs: number[], verifierKey: string): ProofBundle & { size: number } {
    const cp = this.checkpoint();
    const tree = new MerkleTree(loadLeaves(this.db, cp.size), cp.size);
    const items = seqs.map((seq) => {
      const e = this.entry(seq);
      if (!e || seq > cp.size) throw new StationError('input', 'ledger.no_such_entry', { seq });
      const { leafHash: _stored, ...entry } = e;
      return { entry, proof: tree.inclusionProof(seq - 1, cp.size) };
    });
    return { ...makeProofBundle(cp.note, verifierKey, items), size: cp.size };
  }
}

export type VerifyProgress = (done: number, total: number) => void;

export type LedgerVerifyResult =
  | { ok: true; size: number; checkpoints: number; root: string }
  | { ok: false; size: number; firstBadSeq: number; reason: string };

/**
 * Recomputes every leaf hash and the hash chain from the stored rows, then every stored
 * checkpoint's root and signature. Reports the first sequence number that does not hold.
 */
export function verifyLedger(db: ReadableDB, publicKey: Buffer, keyName: string, onProgress?: VerifyProgress): LedgerVerifyResult {
  const total = (db.prepare('SELECT COUNT(*) AS n FROM ledger').get() as { n: number }).n;
  const leaves = Buffer.allocUnsafe(total * 32);
  let expectedSeq = 1;
  let prev = GENESIS_PREV;
  const fail = (firstBadSeq: number, reason: string): LedgerVerifyResult => ({ ok: false, size: total, firstBadSeq, reason });
  for (const row of db.prepare('SELECT * FROM ledger ORDER BY seq').iterate() as Iterable<LedgerRow>) {
    if (row.seq !== expectedSeq) return fail(expectedSeq, row.seq > expectedSeq ? 'missing' : 'out_of_order');
    let content: LedgerEntryContent;
    try {
      content = { ...rowToEntry(row), prev: row.prev_hash };
      delete (content as Partial<LedgerEntry>).leafHash;
      if (canonicalJson(content.details) !== row.details) return fail(row.seq, 'details_not_canonical');
    } catch {
      return fail(row.seq, 'unreadable');
    }
    if (row.prev_hash !== prev) return fail(row.seq, 'chain_broken');
    const leaf = leafHash(entryBytes(content));
    if (leaf.toString('hex') !== row.leaf_hash) return fail(row.seq, 'hash_mismatch');
    leaf.copy(leaves, (row.seq - 1) * 32);
    prev = row.leaf_hash;
    if (onProgress && row.seq % 10_000 === 0) onProgress(row.seq, total);
    expectedSeq++;
  }
  if (expectedSeq - 1 !== total) return fail(expectedSeq, 'missing');
  const checkpoints = db.prepare('SELECT size, root, note FROM checkpoints ORDER BY size').all() as { size: number; root: string; note: string }[];
  // One pass over the leaves computes the root at every checkpointed size (O(n log n) overall,
  // instead of one full tree per checkpoint).
  const acc = new MerkleAccumulator();
  let lastGoodSize = 0;
  for (const cp of checkpoints) {
    let signed: { size: number; root: Buffer };
    try {
      signed = verifyCheckpoint(cp.note, publicKey, keyName);
    } catch {
      return fail(Math.max(1, cp.size), 'checkpoint_signature_invalid');
    }
    if (signed.size !== cp.size || signed.root.toString('hex') !== cp.root) return fail(Math.max(1, cp.size), 'checkpoint_mismatch');
    if (cp.size > total) return fail(total + 1, 'missing');
    while (acc.size < cp.size) acc.append(leaves.subarray(acc.size * 32, acc.size * 32 + 32));
    // The signed root pins every entry up to its size; a mismatch means some entry after the
    // last checkpoint that still holds was rewritten together with its hashes.
    if (!acc.root().equals(signed.root)) return fail(lastGoodSize + 1, 'checkpoint_root_mismatch');
    lastGoodSize = cp.size;
  }
  while (acc.size < total) acc.append(leaves.subarray(acc.size * 32, acc.size * 32 + 32));
  onProgress?.(total, total);
  return { ok: true, size: total, checkpoints: checkpoints.length, root: acc.root().toString('hex') };
}
