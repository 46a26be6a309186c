import type { Statement } from 'better-sqlite3';
import crypto, { type KeyObject } from 'node:crypto';
import { CLOCK_TOLERANCE_MS, isLedgerClock, type Clock } from '../clock.ts';
import { StationError } from '../errors.ts';
import type { ReadableDB, WritableDB } from '../db/database.ts';
import { canonicalJson, isCanonicalJsonText } from './canonicalJson.ts';
import { entryBytes, entryText, leafHash, leafHashHexOfText, leafHashOfText, type LedgerEntryContent } from './entryHash.ts';
import {
  MerkleAccumulator,
  MerkleTree,
  consistencyProofFromFrontier,
  inclusionProof,
  leavesFromArray,
  merkleRoot,
  verifyConsistency,
  type LeafSource,
} from './merkle.ts';
import { makeProofBundle, type ProofBundle } from './proofBundle.ts';
import { signCheckpoint, verifyCheckpoint } from './checkpoint.ts';
import { buildTreeInParallel, verifyLedgerInParallel } from './parallelVerify.ts';
import { headMacKey, newHeadRecord, readHead, writeHead, writeHeadAsync, type HeadRead, type HeadRecord, type SignedCheckpointRef } from './head.ts';

export const GENESIS_PREV = '0'.repeat(64);
const HEAD_DEBOUNCE_MS = 1000;

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

/**
 * Why the station distrusts its own database: it holds less than a checkpoint the station
 * signed or saw (rolled_back), holds a different history (history_inconsistent), or the head
 * record that would tell is gone or was not written by this station (head_missing, head_invalid).
 */
export type LedgerAlarmKind = 'rolled_back' | 'history_inconsistent' | 'head_missing' | 'head_invalid' | WitnessAlarmKind;
/**
 * Raised from outside by the central witness (core/witness/client.ts): it refused our tree as
 * inconsistent with one it cosigned (witness_refused, a 422), or it cosigned a larger tree or a
 * different root at our size (witness_ahead: this database is older than what we showed it).
 */
export type WitnessAlarmKind = 'witness_refused' | 'witness_ahead';
export type LedgerAlarm = {
  kind: LedgerAlarmKind;
  /** Entries in the database. */
  dbSize: number;
  /** The largest size the head record or a package/disc vouches for. */
  headSize: number | null;
  checkpointSize: number | null;
  reason: string | null;
  detectedAt: string;
};

export const ALARM_ACTIONS: Record<LedgerAlarmKind, string> = {
  rolled_back: 'ledger.rollback_detected',
  history_inconsistent: 'ledger.history_inconsistent',
  head_missing: 'ledger.history_inconsistent',
  head_invalid: 'ledger.history_inconsistent',
  witness_refused: 'witness.alarm',
  witness_ahead: 'witness.alarm',
};

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
  /**
   * The running Merkle tree of the table (its perfect subtrees), built from every leaf hash on first use rather than at
   * open: a locked station (`station status`, a CLI command that does not unlock) never needs it, and at a million
   * entries building it is seconds. Unlock needs it (the head record check) and so does signing; null until then.
   */
  private accumulator: MerkleAccumulator | null = null;
  /** Entries in the table: the tree's size, kept without the tree. */
  private count = 0;
  private lastLeaf: string;
  private lastSeq = 0;
  /** The table holds exactly seqs 1..size, so a seq is a position (see leavesAfter). */
  private seqIsPosition = true;
  private signer: Signer | null = null;
  /** Statements of the per-append and per-checkpoint path, prepared once (preparing cost more than running them). */
  private readonly statements = new Map<string, Statement>();
  /**
   * The tree this process last proved to extend its trusted base (the head record, or the table's latest checkpoint)
   * and signed, as it stands in the table now. Proving the next checkpoint from here reads and hashes only the entries
   * since — about checkpointEvery — instead of everything since the head record was last written (up to a second of
   * appends, thousands of entries, at every checkpoint: most of an append's cost in a burst, issue 16). Proving
   * head → proven earlier and proven → now gives head → now, so the promise is the same. Forgotten whenever the table
   * may no longer hold it: reload() (a rolled-back transaction, another process's appends), a new head, locking.
   */
  private proven: { size: number; root: Buffer; frontier: MerkleAccumulator } | null = null;
  private readonly db: WritableDB;
  private readonly clock: Clock;
  readonly checkpointEvery: number;
  /** Data folder holding the head record; null for a ledger without one (unit tests). */
  private readonly headDir: string | null;
  private headKey: Buffer | null = null;
  /** The authenticated head record the table is known to extend. */
  private head: HeadRecord | null = null;
  private headDirty = false;
  /** Checkpoints signed in the current transaction; they reach the head record after commit. */
  private pendingSigned: SignedCheckpointRef | null = null;
  private alarmState: LedgerAlarm | null = null;
  private lastTime: string | null = null;
  private lastHeadWrite = Number.NEGATIVE_INFINITY;
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  /** The head record a background write is putting on disk now (writeHeadInBackground). */
  private headInFlight: HeadRecord | null = null;

  constructor(db: WritableDB, clock: Clock, options: { checkpointEvery?: number; headDir?: string } = {}) {
    this.db = db;
    this.clock = clock;
    this.checkpointEvery = options.checkpointEvery ?? 100;
    this.headDir = options.headDir ?? null;
    this.lastLeaf = GENESIS_PREV;
    this.reload();
  }

  /**
   * Re-reads the table's head (at open, after a rolled-back transaction, after another process appended): three
   * indexed reads; the tree itself is rebuilt when next needed (see `tree`).
   */
  reload(): void {
    const last = this.sql('SELECT seq, leaf_hash, time FROM ledger ORDER BY seq DESC LIMIT 1').get() as { seq: number; leaf_hash: string; time: string } | undefined;
    const first = this.sql('SELECT seq FROM ledger ORDER BY seq LIMIT 1').get() as { seq: number } | undefined;
    const count = (this.sql('SELECT COUNT(*) AS n FROM ledger').get() as { n: number }).n;
    this.accumulator = null;
    this.count = count;
    this.lastLeaf = last?.leaf_hash ?? GENESIS_PREV;
    // Normally lastSeq === size; they differ only on a tampered table, where appending must still
    // work (so the tampering can be reported) and `verify` names the gap.
    this.lastSeq = last?.seq ?? 0;
    // Distinct integers from 1 whose largest is their count are exactly 1..count.
    this.seqIsPosition = (first?.seq ?? 1) === 1 && this.lastSeq === count;
    this.pendingSigned = null;
    this.proven = null;
    if (last) this.noteTime(last.time);
    // Another process appended (or a transaction rolled back): the table must still extend the
    // head this process trusts.
    if (this.head && !this.alarmState) {
      const alarm = this.checkHead(this.head);
      if (alarm) this.raise(alarm);
    }
  }

  /**
   * The running tree, built from every leaf hash in the table on first use after open or reload — O(entries), the same
   * work open used to do every time. Only the rows this process knows of (seq ≤ lastSeq; the ledger only grows upward):
   * another process's later rows come in through syncHead → reload, as before.
   */
  private get tree(): MerkleAccumulator {
    if (!this.accumulator) {
      // On every core for a large ledger outside a transaction (parallelVerify.ts); else, or on any doubt, here.
      const acc =
        (this.seqIsPosition ? buildTreeInParallel(this.db, this.lastSeq) : null) ??
        MerkleAccumulator.fromHexLeaves(this.sql('SELECT leaf_hash FROM ledger WHERE seq <= ? ORDER BY seq').pluck().iterate(this.lastSeq) as Iterable<string>);
      this.accumulator = acc;
      // Only a table edited under us between the reads could differ; the tree is then what the table holds.
      this.count = acc.size;
    }
    return this.accumulator;
  }

  private noteTime(time: string): void {
    if (this.lastTime === null || time > this.lastTime) this.lastTime = time;
    if (isLedgerClock(this.clock)) this.clock.observe(time);
  }

  /**
   * The desktop app and `station watch` may run side by side on one data folder, each keeping the
   * ledger head in memory. Called inside every write transaction (IMMEDIATE, so the table cannot
   * move meanwhile): if another process appended, re-read before appending. One indexed query.
   */
  syncHead(): void {
    const head = (this.sql('SELECT COALESCE(MAX(seq), 0) AS n FROM ledger').get() as { n: number }).n;
    if (head !== this.lastSeq) this.reload();
  }

  private sql(text: string): Statement {
    let st = this.statements.get(text);
    if (!st) {
      st = this.db.prepare(text);
      this.statements.set(text, st);
    }
    return st;
  }

  setSigner(signer: Signer | null): void {
    // Locking (and closing): whatever the debounce held back goes into the head record now.
    if (!signer && this.headDirty) this.afterCommit(true);
    this.signer = signer;
    this.proven = null;
    if (!signer) {
      this.headKey?.fill(0);
      this.headKey = null;
      this.head = null;
    }
  }

  /** Entries appended while the station was locked get their signed checkpoint at the next unlock. */
  catchUpCheckpoint(): CheckpointRecord | null {
    if (!this.signer || this.size === 0 || this.alarmState) return null;
    const latest = this.latestCheckpoint();
    if (latest && latest.size > this.size - this.checkpointEvery) return null;
    try {
      return this.checkpoint();
    } catch (e) {
      // The alarm is raised and shown; unlocking must still work so people can see it.
      if (e instanceof StationError && e.code === 'ledger.inconsistent_history') return null;
      throw e;
    }
  }

  // ---- The head record and the alarm (README.md in this folder) ----

  get alarm(): LedgerAlarm | null {
    return this.alarmState;
  }

  private raise(alarm: Omit<LedgerAlarm, 'detectedAt' | 'dbSize'> & { dbSize?: number }): LedgerAlarm {
    this.alarmState ??= { ...alarm, dbSize: alarm.dbSize ?? this.size, detectedAt: this.clock.now().toISOString() };
    return this.alarmState;
  }

  /**
   * The witness refused this ledger's tree (core/witness/client.ts). Like every alarm it stops
   * signing: a station must not sign on from a history an outside party holds to be inconsistent.
   * The caller ledgers it with recordAlarm inside a write.
   */
  raiseWitnessAlarm(kind: WitnessAlarmKind, witnessSize: number | null, reason: string): LedgerAlarm {
    return this.raise({ kind, headSize: witnessSize, checkpointSize: this.latestCheckpoint()?.size ?? null, reason });
  }

  private hasAction(action: string): boolean {
    return this.db.prepare('SELECT 1 FROM ledger WHERE action = ? LIMIT 1').get(action) !== undefined;
  }

  /** Leaf hashes after position `from` (positions, not seq: a gap in seq shows as a different root). */
  private leavesAfter(from: number, upTo: number = this.size): Buffer[] {
    if (upTo <= from) return [];
    // Where every seq from 1 to the last is present (reload() checks it, append() keeps it), position p
    // is seq p and the primary key finds the tail at once; OFFSET would step over every earlier row (the whole table
    // at ten million entries, at every checkpoint). A table with a gap keeps the positional read.
    const rows = (
      this.seqIsPosition
        ? this.sql('SELECT leaf_hash FROM ledger WHERE seq > ? AND seq <= ? ORDER BY seq').raw().all(from, upTo)
        : this.db.prepare('SELECT leaf_hash FROM ledger ORDER BY seq LIMIT ? OFFSET ?').raw().all(upTo - from, from)
    ) as [string][];
    return rows.map(([h]) => Buffer.from(h, 'hex'));
  }

  private frontierOf(rec: HeadRecord): MerkleAccumulator | null {
    try {
      const acc = MerkleAccumulator.fromJSON({ size: rec.size, nodes: rec.frontier });
      return acc.root().toString('hex') === rec.root ? acc : null;
    } catch {
      return null;
    }
  }

  /** Does the table extend the tree in `rec`, and contain every checkpoint it vouches for? */
  private checkHead(rec: HeadRecord): Omit<LedgerAlarm, 'detectedAt'> | null {
    const base = { dbSize: this.size, headSize: rec.size, checkpointSize: rec.checkpoint?.size ?? null, reason: null };
    const largest = Math.max(rec.size, rec.checkpoint?.size ?? 0, rec.seen?.size ?? 0);
    if (largest > this.size) return { ...base, kind: 'rolled_back', headSize: largest, checkpointSize: Math.max(rec.checkpoint?.size ?? 0, rec.seen?.size ?? 0) || null };
    const frontier = this.frontierOf(rec);
    if (!frontier || (rec.checkpoint && rec.checkpoint.size > rec.size)) return { ...base, kind: 'head_invalid', reason: 'frontier' };
    const tail = this.leavesAfter(rec.size);
    const ext = frontier.clone();
    const rootAt = new Map<number, string>();
    for (const leaf of tail) {
      ext.append(leaf);
      if (rec.seen && ext.size === rec.seen.size) rootAt.set(ext.size, ext.root().toString('hex'));
    }
    if (!ext.root().equals(this.tree.root())) return { ...base, kind: 'history_inconsistent', reason: 'tail' };
    if (rec.seen) {
      const seenRoot = rec.seen.size === rec.size ? rec.root : (rootAt.get(rec.seen.size) ?? merkleRoot(loadLeaves(this.db, rec.seen.size)).toString('hex'));
      if (seenRoot !== rec.seen.root) return { ...base, kind: 'history_inconsistent', headSize: rec.seen.size, checkpointSize: rec.seen.size, reason: 'seen' };
    }
    return null;
  }

  private noteValid(ref: SignedCheckpointRef, publicKey: Buffer, keyName: string): boolean {
    try {
      const cp = verifyCheckpoint(ref.note, publicKey, keyName);
      return cp.size === ref.size && cp.root.toString('hex') === ref.root;
    } catch {
      return false;
    }
  }

  /**
   * At unlock (and right after init): authenticate the head record with the key derived from the
   * master key, and check that the table extends it. Returns whether the head record is to be
   * created now — true only on a station that never had one (the upgrade, or init).
   */
  attachHead(masterKey: Buffer, publicKey: Buffer): { created: boolean } {
    if (!this.headDir || !this.signer) return { created: false };
    this.headKey = headMacKey(masterKey);
    this.head = null;
    this.proven = null;
    const read = readHead(this.headDir, this.headKey);
    // Another process (`station watch` beside the app) may have appended since this one opened the
    // table. It writes its head record only after its commit, so the table read after the record
    // is at least as long as the record says.
    this.syncHead();
    if (read.state === 'missing') {
      // A station that ever had a head record ledgered its creation: then a missing one was removed.
      if (this.hasAction('ledger.head_created')) {
        this.raise({ kind: 'head_missing', headSize: null, checkpointSize: null, reason: null });
        return { created: false };
      }
      this.headDirty = true;
      return { created: true };
    }
    if (read.state === 'invalid') {
      this.raise({ kind: 'head_invalid', headSize: null, checkpointSize: null, reason: read.reason });
      return { created: false };
    }
    const rec = read.record;
    if (rec.publicKey !== publicKey.toString('base64')) {
      this.raise({ kind: 'head_invalid', headSize: rec.size, checkpointSize: null, reason: 'key' });
      return { created: false };
    }
    for (const ref of [rec.checkpoint, rec.seen]) {
      if (ref && !this.noteValid(ref, publicKey, this.signer.keyName)) {
        this.raise({ kind: 'head_invalid', headSize: rec.size, checkpointSize: ref.size, reason: 'signature' });
        return { created: false };
      }
    }
    if (isLedgerClock(this.clock)) this.clock.observe(rec.lastTime);
    const alarm = this.checkHead(rec);
    if (alarm) {
      this.raise(alarm);
      return { created: false };
    }
    this.head = rec;
    this.headDirty = rec.size !== this.size;
    return { created: false };
  }

  /**
   * Called inside a write at unlock: ledgers the alarm (once: not again while the latest entry of
   * its kind names the same sizes), the creation of the head record, and signs what was appended
   * while locked — unless the alarm forbids signing.
   */
  guardOnUnlock(masterKey: Buffer, publicKey: Buffer, write: <T>(fn: () => T) => T): LedgerAlarm | null {
    const { created } = this.attachHead(masterKey, publicKey);
    write(() => {
      this.recordAlarm();
      if (created) this.append({ actor: 'system', action: 'ledger.head_created', subject: 'ledger', details: { size: this.size + 1 } });
      this.catchUpCheckpoint();
    });
    return this.alarmState;
  }

  /** Appends the alarm's entry unless the latest entry of that action already reports it. */
  recordAlarm(): LedgerEntry | null {
    const a = this.alarmState;
    if (!a) return null;
    const action = ALARM_ACTIONS[a.kind];
    const last = this.db.prepare('SELECT details FROM ledger WHERE action = ? ORDER BY seq DESC LIMIT 1').get(action) as { details: string } | undefined;
    if (last) {
      const d = JSON.parse(last.details) as Partial<LedgerAlarm>;
      if (d.kind === a.kind && d.headSize === a.headSize && d.checkpointSize === a.checkpointSize) return null;
    }
    return this.append({
      actor: 'system',
      action,
      subject: 'ledger',
      details: { kind: a.kind, dbSize: a.dbSize, headSize: a.headSize, checkpointSize: a.checkpointSize, reason: a.reason },
    });
  }

  /** Reads the head record for `verifyLedger`: authenticated when the station is unlocked. */
  readHeadRecord(): HeadRead | null {
    return this.headDir ? readHead(this.headDir, this.headKey) : null;
  }

  /**
   * Without the master key (station locked) only the signed checkpoints in the head record can be
   * trusted; this is what `status` shows every user before anyone unlocks.
   */
  lockedAlarm(publicKey: Buffer, keyName: string): LedgerAlarm | null {
    if (this.alarmState || !this.headDir) return this.alarmState;
    const read = readHead(this.headDir, null);
    // Read after the record, as in attachHead: a process that appended meanwhile is no rollback.
    this.syncHead();
    const base = { dbSize: this.size, reason: null, detectedAt: this.clock.now().toISOString() };
    if (read.state === 'missing') {
      return this.hasAction('ledger.head_created') ? { ...base, kind: 'head_missing', headSize: null, checkpointSize: null } : null;
    }
    if (read.state === 'invalid') return { ...base, kind: 'head_invalid', headSize: null, checkpointSize: null, reason: read.reason };
    for (const ref of [read.record.checkpoint, read.record.seen]) {
      if (!ref || !this.noteValid(ref, publicKey, keyName)) continue;
      if (ref.size > this.size) return { ...base, kind: 'rolled_back', headSize: ref.size, checkpointSize: ref.size };
      const stored = this.checkpointAt(ref.size);
      if (stored && stored.root !== ref.root) return { ...base, kind: 'history_inconsistent', headSize: ref.size, checkpointSize: ref.size };
    }
    return null;
  }

  /**
   * A signed checkpoint of this station found on a package or disc. If the table does not contain
   * it as a prefix, the database is behind or forked: raise the alarm and keep the checkpoint in
   * the head record (when unlocked) so the alarm survives the process.
   */
  noteSeen(ref: SignedCheckpointRef): 'contained' | 'rolled_back' | 'history_inconsistent' {
    let verdict: 'contained' | 'rolled_back' | 'history_inconsistent';
    if (ref.size > this.size) verdict = 'rolled_back';
    else verdict = merkleRoot(loadLeaves(this.db, ref.size)).toString('hex') === ref.root ? 'contained' : 'history_inconsistent';
    if (verdict === 'contained') return verdict;
    this.raise({ kind: verdict, headSize: ref.size, checkpointSize: ref.size, reason: 'seen' });
    if (this.headDir && this.headKey) {
      const cur = readHead(this.headDir, this.headKey);
      if (cur.state === 'ok' && (cur.record.seen?.size ?? -1) < ref.size) writeHead(this.headDir, { ...cur.record, seen: ref, writtenAt: this.clock.now().toISOString() }, this.headKey);
    }
    return verdict;
  }

  /**
   * After every committed write while unlocked: record the new tree in the head record, so that
   * deleting entries after the last checkpoint is caught too. Never while the alarm stands (the
   * head is the evidence), never moving the head backwards past another process's newer one.
   * Failures (a full disk) leave the head to the next write; the table is already committed.
   * A head write costs two fsyncs (~15 ms here), so in a burst of small writes (an ingest of
   * 10,000 files) it is written at most every HEAD_DEBOUNCE_MS, always when a checkpoint was
   * signed, and at lock/close; a timer writes what a burst's end left behind. `force` skips the
   * debounce; `wait` writes on this thread — everything else after the first head record (the debounced
   * writes and a signed checkpoint's) goes to the thread pool.
   */
  afterCommit(force = false, wait = force): void {
    if (!this.headDir || !this.headKey || !this.signer || this.alarmState || this.db.inTransaction) return;
    if (!this.headDirty && !this.pendingSigned && this.head?.size === this.size) return;
    const sinceLast = performance.now() - this.lastHeadWrite;
    // A signed checkpoint goes into the head at once, unless a write already on its way carries it.
    const signedWaiting = !!this.pendingSigned && (this.headInFlight?.checkpoint?.size ?? -1) < this.pendingSigned.size;
    if (!force && !signedWaiting && sinceLast < HEAD_DEBOUNCE_MS) {
      this.headDirty = true;
      this.flushTimer ??= setTimeout(() => {
        this.flushTimer = null;
        this.afterCommit(true, false);
      }, HEAD_DEBOUNCE_MS - sinceLast);
      this.flushTimer.unref?.();
      return;
    }
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    this.lastHeadWrite = performance.now();
    try {
      const cur = readHead(this.headDir, this.headKey);
      if (cur.state === 'invalid') {
        this.raise({ kind: 'head_invalid', headSize: null, checkpointSize: null, reason: cur.reason });
        return;
      }
      if (cur.state === 'missing' && this.head) {
        this.raise({ kind: 'head_missing', headSize: this.head.size, checkpointSize: null, reason: null });
        return;
      }
      let other: HeadRecord | null = null;
      if (cur.state === 'ok' && cur.record.size !== this.head?.size) {
        if (cur.record.size > this.size) return;
        const alarm = this.checkHead(cur.record);
        if (alarm) {
          this.raise(alarm);
          return;
        }
        other = cur.record;
      }
      const pick = (...refs: (SignedCheckpointRef | null | undefined)[]): SignedCheckpointRef | null =>
        refs.reduce<SignedCheckpointRef | null>((best, r) => (r && (!best || r.size > best.size) ? r : best), null);
      const record = newHeadRecord({
        publicKey: this.head?.publicKey ?? other?.publicKey ?? rawKeyBase64(this.signer.key),
        size: this.size,
        root: this.tree.root().toString('hex'),
        frontier: this.tree.toJSON().nodes,
        checkpoint: pick(this.head?.checkpoint, other?.checkpoint, this.pendingSigned),
        seen: pick(this.head?.seen, other?.seen),
        lastTime: [this.lastTime, this.head?.lastTime, other?.lastTime].filter((t): t is string => !!t).sort().pop() ?? this.clock.now().toISOString(),
        writtenAt: this.clock.now().toISOString(),
      });
      // Off this thread (head.ts, writeHeadAsync) unless something waits for it: lock/close (`wait`) or the first
      // head record (its absence would be an alarm). A checkpoint just signed is still written at once, in the
      // background like the rest: the record was started in the same turn as the commit.
      if (!wait && this.head) {
        this.writeHeadInBackground(record);
        return;
      }
      writeHead(this.headDir, record, this.headKey);
      this.head = record;
      this.headDirty = false;
      this.pendingSigned = null;
    } catch {
      this.headDirty = true;
    }
  }

  /**
   * The debounced head write of afterCommit, in the background (issue 16, target 7: its two fsyncs no longer
   * hold up the thread that serves the UI). The head stays dirty until the record is on disk, so a lock or close
   * meanwhile writes synchronously, and that later write supersedes this one (head.ts never lets an older
   * record land over a newer one).
   */
  private writeHeadInBackground(record: HeadRecord): void {
    const key = this.headKey as Buffer;
    this.headDirty = true;
    this.headInFlight = record;
    writeHeadAsync(this.headDir as string, record, key, { mayRename: () => this.headKey === key && !!this.signer && !this.alarmState })
      .then(
        (outcome) => {
          if (outcome !== 'written' || this.headKey !== key || (this.head && this.head.size > record.size)) return;
          this.head = record;
          // A checkpoint signed meanwhile (or not carried by this record) is still pending: the next write's.
          if (this.pendingSigned && (record.checkpoint?.size ?? -1) >= this.pendingSigned.size) this.pendingSigned = null;
          // Entries committed while it was being written are the next write's (the debounce timer is armed).
          if (record.size === this.size && !this.pendingSigned) this.headDirty = false;
        },
        () => {
          // As the synchronous path: a failure (a full disk) leaves the head dirty (and a signed checkpoint pending)
          // for the next write.
        },
      )
      .finally(() => {
        if (this.headInFlight === record) this.headInFlight = null;
      });
  }

  get size(): number {
    return this.count;
  }

  root(): Buffer {
    return this.tree.root();
  }

  /**
   * Appends one entry. Must be called inside a transaction (or alone); if the surrounding
   * transaction rolls back, call reload() — Station.write does this for every caller.
   */
  append(input: AppendInput): LedgerEntry {
    if (input.action !== 'clock.anomaly') this.noteClockAnomaly();
    const content: LedgerEntryContent = {
      seq: this.lastSeq + 1,
      time: this.clock.now().toISOString(),
      actor: input.actor,
      action: input.action,
      subject: input.subject,
      details: input.details ?? {},
      prev: this.lastLeaf,
    };
    // entryText needs strings (a number would hash as a number and be stored as text); TypeScript callers always pass them.
    for (const f of [content.actor, content.action, content.subject]) if (typeof f !== 'string') throw new StationError('input', 'ledger.entry_invalid', { field: 'text' });
    const details = canonicalJson(content.details);
    const leafBytes = leafHashOfText(entryText(content, details));
    const leaf = leafBytes.toString('hex');
    this.sql('INSERT INTO ledger (seq, time, actor, action, subject, details, prev_hash, leaf_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
      content.seq,
      content.time,
      content.actor,
      content.action,
      content.subject,
      details,
      content.prev,
      leaf,
    );
    // The tree, if built, follows; otherwise it is built with this row when first needed.
    this.accumulator?.append(leafBytes);
    this.count++;
    this.lastLeaf = leaf;
    this.lastSeq = content.seq;
    this.noteTime(content.time);
    if (this.signer && !this.alarmState && content.seq % this.checkpointEvery === 0) {
      try {
        this.checkpoint();
      } catch (e) {
        // The alarm is raised; the entry itself must still be recorded.
        if (!(e instanceof StationError && e.code === 'ledger.inconsistent_history')) throw e;
      }
    }
    return { ...content, leafHash: leaf };
  }

  /**
   * The system clock trails the ledger (it was set back): times are held at the ledger's last
   * time, and the jump is ledgered once — not again while every entry since the last anomaly
   * entry still carries its time (the same episode) and the clock has not gone further back.
   */
  private noteClockAnomaly(): void {
    if (!isLedgerClock(this.clock)) return;
    const a = this.clock.anomaly();
    if (!a) return;
    const last = this.db.prepare("SELECT time, details FROM ledger WHERE action = 'clock.anomaly' ORDER BY seq DESC LIMIT 1").get() as
      | { time: string; details: string }
      | undefined;
    if (last && last.time === this.lastTime) {
      const recorded = (JSON.parse(last.details) as { behindMs?: number }).behindMs ?? 0;
      if (a.behindMs <= recorded + CLOCK_TOLERANCE_MS) return;
    }
    this.append({ actor: 'system', action: 'clock.anomaly', subject: 'clock', details: a });
  }

  /**
   * Signs the current tree head and stores it. Idempotent for an unchanged size. Never signs a
   * tree that does not provably extend the last one this station signed: the head record's (or,
   * without one, the table's latest checkpoint) — an RFC 6962 consistency proof is built from the
   * table and checked with verifyConsistency first. Also signs every multiple of
   * checkpointEvery passed since the latest checkpoint (entries appended while locked), so that
   * an honest ledger has a checkpoint at every multiple up to its newest one (README.md).
   */
  checkpoint(): CheckpointRecord {
    if (!this.signer) throw new StationError('state', 'station.locked', {});
    const size = this.size;
    const existing = this.checkpointAt(size);
    if (existing) return existing;
    if (this.alarmState) throw this.inconsistent();
    const latest = this.latestCheckpoint();
    const every = this.checkpointEvery;
    const sizes: number[] = [];
    for (let f = (Math.floor((latest?.size ?? 0) / every) + 1) * every; f < size; f += every) sizes.push(f);
    sizes.push(size);
    const roots = this.provenRoots(sizes, latest);
    let record: CheckpointRecord | null = null;
    for (const n of sizes) record = this.sign(n, roots.get(n) as Buffer);
    this.proven = { size, root: roots.get(size) as Buffer, frontier: this.tree.clone() };
    return record as CheckpointRecord;
  }

  private inconsistent(): StationError {
    const a = this.alarmState;
    return new StationError('verify', 'ledger.inconsistent_history', { kind: a?.kind ?? 'history_inconsistent', dbSize: a?.dbSize ?? this.size, headSize: a?.headSize ?? null });
  }

  private sign(size: number, root: Buffer): CheckpointRecord {
    const signer = this.signer as Signer;
    const note = signCheckpoint({ origin: signer.origin, size, root }, signer.key, signer.keyName);
    const record: CheckpointRecord = { size, root: root.toString('hex'), note, createdAt: this.clock.now().toISOString() };
    this.sql('INSERT INTO checkpoints (size, root, note, created_at) VALUES (?, ?, ?, ?)').run(size, record.root, note, record.createdAt);
    if (!this.pendingSigned || size > this.pendingSigned.size) this.pendingSigned = { size, root: record.root, note };
    return record;
  }

  /**
   * Roots of the table's tree at each size, after proving that the current tree extends the
   * trusted base. Throws ledger.inconsistent_history (and raises the alarm) when it does not.
   */
  private provenRoots(sizes: number[], latest: CheckpointRecord | null): Map<number, Buffer> {
    const size = this.size;
    const newRoot = this.tree.root();
    const fail = (reason: string, headSize: number | null): never => {
      this.raise({ kind: 'history_inconsistent', headSize, checkpointSize: latest?.size ?? null, reason });
      throw this.inconsistent();
    };
    let base: { size: number; root: Buffer; frontier: MerkleAccumulator } | null = null;
    const proven = this.proven;
    if (proven && (!this.head || proven.size >= this.head.size)) {
      // Proven from the head record (or the table's latest checkpoint) when it was signed; see `proven`.
      base = { size: proven.size, root: proven.root, frontier: proven.frontier.clone() };
    } else if (this.head) {
      const frontier = this.frontierOf(this.head);
      if (!frontier) return fail('frontier', this.head.size);
      base = { size: this.head.size, root: Buffer.from(this.head.root, 'hex'), frontier };
    } else if (latest) {
      // No head record yet (the upgrade, or a ledger without a data folder): the table's own
      // latest checkpoint is the base, its root recomputed from the table.
      const acc = new MerkleAccumulator();
      for (const leaf of this.leavesAfter(0, latest.size)) acc.append(leaf);
      if (acc.size !== latest.size || acc.root().toString('hex') !== latest.root) return fail('latest_checkpoint', latest.size);
      base = { size: latest.size, root: acc.root(), frontier: acc };
    }
    const roots = new Map<number, Buffer>();
    if (!base) {
      const tree = new MerkleTree(loadLeaves(this.db, size), size);
      if (!tree.root().equals(newRoot)) return fail('table', null);
      for (const n of sizes) roots.set(n, tree.root(n));
      return roots;
    }
    if (base.size > size) return fail('behind', base.size);
    const tail = this.leavesAfter(base.size, size);
    if (tail.length !== size - base.size) return fail('tail', base.size);
    const proof = consistencyProofFromFrontier(base.frontier, leavesFromArray(tail));
    const consistent = base.size === size ? base.root.equals(newRoot) : verifyConsistency(base.size, size, proof, base.root, newRoot);
    if (!consistent) return fail('consistency_proof', base.size);
    // Roots at the requested sizes, and the table's latest checkpoint if it lies past the base.
    const want = new Set(sizes);
    if (latest && latest.size > base.size) want.add(latest.size);
    const below = [...want].filter((n) => n < base.size);
    if ([...want].every((n) => n === size || n <= base.size)) {
      // Only the current tree past the base (the usual checkpoint every N entries): the proof just checked that the
      // base plus the table's tail is this root, so hashing the tail a second time would only repeat it.
      if (want.has(size)) roots.set(size, newRoot);
    } else {
      const ext = base.frontier.clone();
      for (const leaf of tail) {
        ext.append(leaf);
        if (want.has(ext.size)) roots.set(ext.size, ext.root());
      }
    }
    if (want.has(base.size)) roots.set(base.size, base.root);
    if (below.length > 0) {
      const tree = new MerkleTree(loadLeaves(this.db, size), size);
      for (const n of below) roots.set(n, tree.root(n));
    }
    if (latest && latest.size > base.size && roots.get(latest.size)?.toString('hex') !== latest.root) return fail('latest_checkpoint', latest.size);
    if (latest && latest.size === base.size && base.root.toString('hex') !== latest.root) return fail('latest_checkpoint', latest.size);
    return roots;
  }

  checkpointAt(size: number): CheckpointRecord | null {
    const row = this.sql('SELECT size, root, note, created_at FROM checkpoints WHERE size = ?').get(size) as
      | { size: number; root: string; note: string; created_at: string }
      | undefined;
    return row ? { size: row.size, root: row.root, note: row.note, createdAt: row.created_at } : null;
  }

  latestCheckpoint(): CheckpointRecord | null {
    const row = this.sql('SELECT size FROM checkpoints ORDER BY size DESC LIMIT 1').get() as { size: number } | undefined;
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

function rawKeyBase64(key: KeyObject): string {
  const { x } = crypto.createPublicKey(key).export({ format: 'jwk' });
  return Buffer.from(x as string, 'base64url').toString('base64');
}

export type VerifyProgress = (done: number, total: number) => void;

export type LedgerVerifyResult =
  | { ok: true; size: number; checkpoints: number; root: string; head: 'authenticated' | 'signatures_only' | 'none' }
  | { ok: false; size: number; firstBadSeq: number; reason: string };

export type LedgerVerifyOptions = {
  /** The ledger.checkpointEvery setting: coverage is checked when given. */
  checkpointEvery?: number;
  /** The head record as read from the data folder (authenticated when the station is unlocked). */
  head?: HeadRead | null;
  /** Below this many entries the sequential pass is quicker than starting threads (tests lower it). */
  parallelFrom?: number;
  /** Entries per parallel range, a power of two (tests lower it). */
  rangeSize?: number;
};

/**
 * Recomputes every leaf hash and the hash chain from the stored rows, then every stored
 * checkpoint's root and signature. Reports the first sequence number that does not hold.
 * Beyond the table itself (README.md in this folder):
 * - times never run backwards by more than the clock tolerance;
 * - coverage: from the entry that created the head record on, every multiple of checkpointEvery
 *   up to the newest checkpoint has a checkpoint of exactly that size;
 * - the head record: the table contains every tree it vouches for (its signed checkpoints
 *   always; its unsigned tail only when authenticated), and is not missing once it existed.
 *
 * A large ledger in a database file is first checked in parallel ranges on worker threads
 * (parallelVerify.ts); that path can only say "everything holds". On any doubt, and for small
 * or in-memory ledgers, the sequential pass below decides and names the first bad entry.
 */
export function verifyLedger(
  db: ReadableDB,
  publicKey: Buffer,
  keyName: string,
  onProgress?: VerifyProgress,
  options: LedgerVerifyOptions = {},
): LedgerVerifyResult {
  const total = (db.prepare('SELECT COUNT(*) AS n FROM ledger').get() as { n: number }).n;
  const fast = verifyLedgerInParallel(db, publicKey, keyName, total, onProgress, options, {
    genesisPrev: GENESIS_PREV,
    headClaims: (h) => headClaims(h, publicKey, keyName),
    checkCoverageAndHead: (input) => checkCoverageAndHead({ ...input, total, publicKey, keyName, options }),
  });
  if (fast) return fast;
  return verifyLedgerSequentially(db, publicKey, keyName, total, onProgress, options);
}

const COLUMNS = 'seq, time, actor, action, subject, details, prev_hash, leaf_hash';
const ROWS_PER_PAGE = 4096;

/**
 * Every row in seq order, as `ORDER BY seq` iterates them, read a page at a time: `.all()` on a few thousand rows costs
 * 0.7× the CPU per row of `.iterate()` (a call into the addon per row). Each page starts after the last seq handed
 * out; the verifier stops at the first seq that is not the one expected, so that seq is always an exact integer.
 */
function* rowsInPages(db: ReadableDB): Generator<unknown[]> {
  const first = db.prepare(`SELECT ${COLUMNS} FROM ledger ORDER BY seq LIMIT ${ROWS_PER_PAGE}`).raw();
  const next = db.prepare(`SELECT ${COLUMNS} FROM ledger WHERE seq > ? ORDER BY seq LIMIT ${ROWS_PER_PAGE}`).raw();
  let page = first.all() as unknown[][];
  while (page.length > 0) {
    yield* page;
    if (page.length < ROWS_PER_PAGE) return;
    page = next.all((page[page.length - 1] as unknown[])[0]) as unknown[][];
  }
}

export function verifyLedgerSequentially(
  db: ReadableDB,
  publicKey: Buffer,
  keyName: string,
  total: number,
  onProgress?: VerifyProgress,
  options: LedgerVerifyOptions = {},
): LedgerVerifyResult {
  const leaves = Buffer.allocUnsafe(total * 32);
  let expectedSeq = 1;
  let prev = GENESIS_PREV;
  let latestMs = Number.NEGATIVE_INFINITY;
  let headCreatedSeq: number | null = null;
  const fail = (firstBadSeq: number, reason: string): LedgerVerifyResult => ({ ok: false, size: total, firstBadSeq, reason });
  // Rows as arrays, details judged canonical from their text, the entry's bytes written once from the stored details:
  // the same checks as canonicalJson(JSON.parse(details)) and entryBytes, at a third of the cost (issue 16).
  const rows = rowsInPages(db) as Iterable<[number, string, string, string, string, string, string, string]>;
  for (const [seq, time, actor, action, subject, details, prevHash, leafHex] of rows) {
    if (seq !== expectedSeq) return fail(expectedSeq, seq > expectedSeq ? 'missing' : 'out_of_order');
    const allText = [time, actor, action, subject, details, prevHash].every((v) => typeof v === 'string');
    if (!allText || !isCanonicalJsonText(details)) {
      // The quick check refuses some canonical text (integer-like keys): the full one decides, and names the defect.
      try {
        if (canonicalJson(JSON.parse(details) as unknown) !== details) return fail(seq, 'details_not_canonical');
      } catch {
        return fail(seq, 'unreadable');
      }
    }
    if (prevHash !== prev) return fail(seq, 'chain_broken');
    // The digest as hex, compared with the stored text and, being equal to it, written into the leaves: a digest as
    // text costs a third of one as a new Buffer.
    const leaf = allText
      ? leafHashHexOfText(entryText({ seq, time, actor, action, subject, prev: prevHash }, details))
      : leafHash(entryBytes({ seq, time, actor, action, subject, details: JSON.parse(details) as Record<string, unknown>, prev: prevHash })).toString('hex');
    if (leaf !== leafHex) return fail(seq, 'hash_mismatch');
    leaves.write(leafHex, (seq - 1) * 32, 32, 'hex');
    prev = leafHex;
    const ms = Date.parse(time);
    if (!Number.isFinite(ms)) return fail(seq, 'unreadable');
    // The station's clock never goes below the ledger's last time; an earlier time means the
    // clock was trusted blindly when the entry was written (or the entry was forged).
    if (ms < latestMs - CLOCK_TOLERANCE_MS) return fail(seq, 'time_backwards');
    if (ms > latestMs) latestMs = ms;
    if (headCreatedSeq === null && action === 'ledger.head_created') headCreatedSeq = seq;
    if (onProgress && seq % 10_000 === 0) onProgress(seq, total);
    expectedSeq++;
  }
  if (expectedSeq - 1 !== total) return fail(expectedSeq, 'missing');
  const checkpoints = db.prepare('SELECT size, root, note FROM checkpoints ORDER BY size').all() as { size: number; root: string; note: string }[];
  // One pass over the leaves computes the root at every checkpointed size (O(n log n) overall,
  // instead of one full tree per checkpoint).
  const acc = new MerkleAccumulator();
  // The roots the head record's claims will be checked against, taken on the same pass: a second accumulator over
  // every leaf cost a tenth of the pass (issue 16).
  const claimSizes = options.head?.state === 'ok' ? (headClaims(options.head, publicKey, keyName) ?? []).map((c) => c.size).sort((a, b) => a - b) : [];
  const claimRoots = new Map<number, Buffer>();
  let nextClaim = 0;
  const advanceTo = (size: number): void => {
    for (;;) {
      while (nextClaim < claimSizes.length && (claimSizes[nextClaim] as number) <= acc.size) {
        if (claimSizes[nextClaim] === acc.size) claimRoots.set(acc.size, acc.root());
        nextClaim++;
      }
      if (acc.size >= size) return;
      const stop = Math.min(size, nextClaim < claimSizes.length ? (claimSizes[nextClaim] as number) : size);
      while (acc.size < stop) acc.append(leaves.subarray(acc.size * 32, acc.size * 32 + 32));
    }
  };
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
    advanceTo(cp.size);
    // The signed root pins every entry up to its size; a mismatch means some entry after the
    // last checkpoint that still holds was rewritten together with its hashes.
    if (!acc.root().equals(signed.root)) return fail(lastGoodSize + 1, 'checkpoint_root_mismatch');
    lastGoodSize = cp.size;
  }
  advanceTo(total);
  const again = new MerkleAccumulator();
  const rootAt = (size: number): Buffer => {
    const known = claimRoots.get(size);
    if (known) return known;
    while (again.size < size) again.append(leaves.subarray(again.size * 32, again.size * 32 + 32));
    return again.root();
  };
  const rest = checkCoverageAndHead({ total, checkpoints, headCreatedSeq, lastGoodSize, rootAt, publicKey, keyName, options });
  if (!rest.ok) return rest;
  onProgress?.(total, total);
  return { ok: true, size: total, checkpoints: checkpoints.length, root: acc.root().toString('hex'), head: rest.head };
}

/**
 * The checks after the entries and checkpoints hold: checkpoint coverage and the head record. rootAt is called
 * with ascending sizes, each at most total.
 */
export function checkCoverageAndHead(input: {
  total: number;
  checkpoints: { size: number }[];
  headCreatedSeq: number | null;
  lastGoodSize: number;
  rootAt: (size: number) => Buffer;
  publicKey: Buffer;
  keyName: string;
  options: LedgerVerifyOptions;
}): { ok: true; head: 'authenticated' | 'signatures_only' | 'none' } | (LedgerVerifyResult & { ok: false }) {
  const { total, checkpoints, headCreatedSeq, lastGoodSize, publicKey, keyName, options } = input;
  const fail = (firstBadSeq: number, reason: string) => ({ ok: false as const, size: total, firstBadSeq, reason });
  const every = options.checkpointEvery;
  if (every && headCreatedSeq !== null && checkpoints.length > 0) {
    const have = new Set(checkpoints.map((c) => c.size));
    const newest = (checkpoints[checkpoints.length - 1] as { size: number }).size;
    for (let f = Math.ceil(headCreatedSeq / every) * every; f <= newest; f += every) {
      if (!have.has(f)) return fail(f, 'checkpoint_coverage');
    }
  }

  let head: 'authenticated' | 'signatures_only' | 'none' = 'none';
  const h = options.head;
  if (h?.state === 'missing' && headCreatedSeq !== null) return fail(total + 1, 'head_missing');
  if (h?.state === 'invalid') return fail(total + 1, 'head_invalid');
  if (h?.state === 'ok') {
    const claims = headClaims(h, publicKey, keyName);
    if (!claims) return fail(total + 1, 'head_invalid');
    for (const c of claims) {
      // The station signed (or wrote) a tree this large: the database was put back behind it.
      // Entries after the newest checkpoint that still holds are the ones in doubt.
      if (c.size > total) return fail(lastGoodSize + 1, 'rolled_back');
      if (input.rootAt(c.size).toString('hex') !== c.root) {
        const below = checkpoints.filter((cp) => cp.size < c.size).pop();
        return fail((below?.size ?? 0) + 1, 'history_inconsistent');
      }
    }
    head = h.authenticated ? 'authenticated' : 'signatures_only';
  }
  return { ok: true, head };
}

/** The trees a head record vouches for, ascending by size; null when it is not this station's or a note does not verify. */
export function headClaims(h: HeadRead & { state: 'ok' }, publicKey: Buffer, keyName: string): { size: number; root: string }[] | null {
  const r = h.record;
  if (r.publicKey !== publicKey.toString('base64')) return null;
  const claims: { size: number; root: string }[] = [];
  for (const ref of [r.checkpoint, r.seen]) {
    if (!ref) continue;
    try {
      const cp = verifyCheckpoint(ref.note, publicKey, keyName);
      if (cp.size !== ref.size || cp.root.toString('hex') !== ref.root) return null;
    } catch {
      return null;
    }
    claims.push(ref);
  }
  if (h.authenticated) claims.push({ size: r.size, root: r.root });
  return claims.sort((a, b) => a.size - b.size);
}
