// The replica of the vault on an S3 Object Lock store (replica/README.md): configuration, the WORM
// self-test, the persistent queue with its per-part journal, and locking each stored version.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { StationError, isStationError, type ErrorParams } from '../errors.ts';
import type { WritableDB } from '../db/database.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { RetentionService } from '../cases/retention.ts';
import type { SettingsShape } from '../settings.ts';
import { unwrapKey, wrapKey } from '../vault/keyWrap.ts';
import { objectFacts, objectNotShredded, vaultObjectJoin, vaultObjectsFrom } from '../vault/vault.ts';
import { storedKeys } from '../keys/keyring.ts';
import Database from 'better-sqlite3';
import { loadLeaves } from '../ledger/ledger.ts';
import type { ReadableDB } from '../db/database.ts';
import { MerkleTree } from '../ledger/merkle.ts';
import { latestEntryOf, ledgerEntryCount } from '../ledger/query.ts';
import { ReplicaStore, type StoreConfig } from './store.ts';
import { runWormTest, type WormResult } from './worm.ts';
import { Throttle, checkWindow, inWindow, ingestRunning, type TransferWindow } from './pacing.ts';
import { MANIFEST_FORMAT, MANIFEST_NAME, SNAPSHOT_LOCK_DAYS, SNAPSHOT_NAME, sealSnapshot, type ReplicaManifest } from './snapshot.ts';
import { recordingRef, recordingsByObject, recordingsOfObject } from '../recordings/recordings.ts';
import type { RunResult } from '../../shared/events.ts';
import { processAlive } from '../processAlive.ts';
export type { RunResult };

export const MIN_PART_SIZE = 5 * 1024 * 1024;
export const MAX_PART_SIZE = 512 * 1024 * 1024;
export const DEFAULT_PART_SIZE = 8 * 1024 * 1024;
export const MAX_PARALLEL_PARTS = 8;
/** Parts in flight × part size: what one upload may hold in memory at once. */
const MAX_BYTES_IN_FLIGHT = 512 * 1024 * 1024;
/** How often a run paused for the dock looks again whether the ingest ended. */
const INGEST_POLL_MS = 250;
/** How often parts in flight look whether an ingest began (and are then dropped at once). */
const INGEST_WATCH_MS = 100;
/**
 * How long no ingest must have run before parts go again: a custodian docks recorders one after
 * another, and a part started in the gap would only be dropped by the next session.
 */
export const INGEST_GRACE_MS = 1_500;
/** The window the Replication screen's throughput is measured over. */
const THROUGHPUT_WINDOW_MS = 10 * 60_000;
const DEFAULT_REGION = 'us-east-1';

export type ReplicaState = 'queued' | 'uploading' | 'waiting-retry' | 'stored' | 'failed';

export type ReplicaConfigView = {
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  partSize: number;
  bandwidthLimit: number | null;
  parallelParts: number;
  /** Off-peak window in the agency's time zone; null = any time. */
  window: TransferWindow | null;
  /** A docked recorder's file is cleared only once its copy is also stored and locked here. */
  clearAfterReplication: boolean;
  configuredAt: string;
  configuredBy: string;
  /**
   * defaultRetentionDays: the bucket's default retention (COMPLIANCE) as the last self-test set and
   * read it back; null when that test did not find it equal to the shortest legal period.
   */
  worm: { ok: boolean; checkedAt: string | null; failures: string[]; shortestDays: number; defaultRetentionDays: number | null };
};

export type ReplicaItem = {
  objectId: string;
  recordingIds: string[];
  state: ReplicaState;
  priority: number;
  attempts: number;
  nextAttemptAt: string | null;
  reason: string | null;
  reasonParams: ErrorParams | null;
  remoteKey: string;
  remoteVersion: string | null;
  retainUntil: string | null;
  legalHold: boolean;
  storedAt: string | null;
  size: number;
  partsJournaled: number;
};

export type ReplicaStatus = {
  config: ReplicaConfigView | null;
  counts: Record<ReplicaState, number>;
  /** Recordings whose object is not yet stored and locked on the replica: they exist only on this PC. */
  onlyHere: number;
  bytesPending: number;
  /** Everything not yet stored, with why. */
  pending: ReplicaItem[];
  /** Bytes per second over the parts sent in the last 10 minutes; null when none were. */
  bytesPerSecond: number | null;
  /** Seconds until everything pending is sent at that rate; null without a rate. */
  etaSeconds: number | null;
  /** Why nothing may be moving right now although work is pending. */
  paused: { outsideWindow: boolean; ingestRunning: boolean };
};

export type ReplicaOptionsInput = { parallelParts?: number; bandwidthMiBps?: number | null; window?: TransferWindow | null; clearAfterReplication?: boolean };

export type AuditProblem = { objectId: string; code: string };
export type AuditResult = { checked: number; sampled: number; problems: AuditProblem[] };

export type ConfigureInput = { endpoint: string; bucket: string; region?: string; accessKeyId: string; secret: string; partSizeMiB?: number; bandwidthMiBps?: number | null };

type ConfigRow = {
  endpoint: string;
  bucket: string;
  region: string;
  access_key_id: string;
  secret_wrapped: Buffer;
  part_size: number;
  bandwidth_limit: number | null;
  parallel_parts: number;
  window_start: string | null;
  window_end: string | null;
  clear_after_replication: number;
  configured_at: string;
  configured_by: string;
  worm_ok: number;
  worm_checked_at: string | null;
  worm_failures: string;
};

type QueueRow = {
  object_id: string;
  state: ReplicaState;
  priority: number;
  remote_key: string;
  upload_id: string | null;
  attempts: number;
  next_attempt_at: string | null;
  reason: string | null;
  reason_params: string | null;
  remote_version: string | null;
  etag: string | null;
  retain_until: string | null;
  legal_hold: number;
  queued_at: string;
  stored_at: string | null;
};

type PartRow = { part_number: number; offset: number; length: number; md5: string; sha256: string; etag: string };

/** Errors that concern the store as a whole: the run stops, the item keeps its place in the queue. */
const STORE_WIDE = new Set(['replica.unreachable', 'replica.bad_credentials', 'replica.no_bucket', 'replica.no_object_lock', 'replica.clock_skew', 'replica.store_full', 'replica.store_error']);
/** Errors of one transfer that a fresh attempt may cure. */
const RETRYABLE = new Set([...STORE_WIDE, 'replica.bad_digest', 'replica.part_etag_mismatch']);

/** What every part of a run shares: the bandwidth cap, the window, the stop signal, time spent yielding. */
type Pace = { throttle: Throttle; windowOpen: () => boolean; signal: AbortSignal | undefined; waitedMs: number; waiting: number; waitStart: number; yielded: number };

const secretAad = (accessKeyId: string) => Buffer.from(`evidence-station/replica-secret/${accessKeyId}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


/**
 * What the replica needs of its station, and nothing more (the station builds it: station.ts).
 * Settings are read at each use, since an administrator may change them while the station runs.
 */
export type ReplicaDeps = {
  db: WritableDB;
  ledger: Pick<Ledger, 'append' | 'size' | 'latestCheckpoint'>;
  now: () => Date;
  write: <T>(fn: () => T) => T;
  /** The station's data folder: the uploader's lock file and the snapshot's scratch copy live there. */
  dataDir: string;
  objectPath: (objectId: string) => string;
  /** Refuses (station.locked) while the station is locked. */
  requireUnlocked: () => void;
  /** The unlocked master key: it wraps the store's secret and seals the catalogue snapshot. */
  masterKey: () => Buffer;
  retention: Pick<RetentionService, 'categories' | 'statusOf'>;
  agencyCode: () => string;
  stationId: () => string;
  timeZone: () => string;
  defaultPeriod: () => SettingsShape['retention.default'];
};

export class ReplicaService {
  private readonly deps: ReplicaDeps;
  /** The WORM self-test runs at the first run of each process ("at every start"), and at every save. */
  private testedThisProcess = false;
  /**
   * How long each catalogue snapshot and manifest version is locked: SNAPSHOT_LOCK_DAYS. The
   * key-survival test shortens it to seconds to watch the whole cycle against a real store.
   */
  snapshotLockMs = SNAPSHOT_LOCK_DAYS * 86_400_000;

  constructor(deps: ReplicaDeps) {
    this.deps = deps;
  }

  private get db() {
    return this.deps.db;
  }

  private now(): Date {
    return this.deps.now();
  }

  /** Where this station's objects live in the bucket: several stations may share one. */
  prefix(): string {
    return `evidence-station/${this.deps.agencyCode()}/${this.deps.stationId()}`;
  }

  remoteKey(objectId: string): string {
    return `${this.prefix()}/vault/${objectId}.evo`;
  }

  private row(): ConfigRow | null {
    return (this.db.prepare('SELECT * FROM replica_config WHERE id = 1').get() as ConfigRow | undefined) ?? null;
  }

  config(): ReplicaConfigView | null {
    const r = this.row();
    if (!r) return null;
    return {
      endpoint: r.endpoint,
      bucket: r.bucket,
      region: r.region,
      accessKeyId: r.access_key_id,
      partSize: r.part_size,
      bandwidthLimit: r.bandwidth_limit,
      parallelParts: r.parallel_parts,
      window: r.window_start && r.window_end ? { start: r.window_start, end: r.window_end } : null,
      clearAfterReplication: r.clear_after_replication === 1,
      configuredAt: r.configured_at,
      configuredBy: r.configured_by,
      worm: this.wormView(r),
    };
  }

  private wormView(r: ConfigRow): ReplicaConfigView['worm'] {
    const failures = JSON.parse(r.worm_failures) as string[];
    const shortestDays = this.shortestRetentionDays();
    const defaultSet = r.worm_checked_at !== null && !failures.includes('default_retention_shortest') && !failures.includes('object_lock_enabled');
    return { ok: r.worm_ok === 1, checkedAt: r.worm_checked_at, failures, shortestDays, defaultRetentionDays: defaultSet ? shortestDays : null };
  }

  private openStore(): ReplicaStore {
    const r = this.row();
    if (!r) throw new StationError('state', 'replica.not_configured', {});
    const masterKey = this.deps.masterKey();
    const secret = unwrapKey(masterKey, r.secret_wrapped, secretAad(r.access_key_id));
    try {
      return new ReplicaStore({ endpoint: r.endpoint, bucket: r.bucket, region: r.region, accessKeyId: r.access_key_id, secretAccessKey: secret.toString('utf8') });
    } finally {
      secret.fill(0);
    }
  }

  /**
   * Saves the target after the WORM self-test has run against it. A store that cannot be reached
   * or refuses the credentials is not saved (nothing changes); a store that answers but fails a
   * WORM case is saved as not write-once, ledgered with the failing cases, and nothing is uploaded
   * to it until a later self-test passes.
   */
  async configure(actor: string, input: ConfigureInput): Promise<{ config: ReplicaConfigView; worm: WormResult }> {
    const masterKey = this.deps.masterKey();
    const endpoint = input.endpoint.trim();
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      throw new StationError('input', 'replica.bad_endpoint', { endpoint });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new StationError('input', 'replica.bad_endpoint', { endpoint });
    // S3 bucket naming rules: 3–63 lower-case letters, digits, dots and hyphens.
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(input.bucket)) throw new StationError('input', 'replica.bad_bucket', { bucket: input.bucket });
    if (!/^[\x21-\x7e]{1,128}$/.test(input.accessKeyId)) throw new StationError('input', 'replica.bad_access_key', {});
    if (!input.secret) throw new StationError('input', 'replica.secret_required', {});
    const partSize = Math.round((input.partSizeMiB ?? DEFAULT_PART_SIZE / 1048576) * 1048576);
    if (!Number.isFinite(partSize) || partSize < MIN_PART_SIZE || partSize > MAX_PART_SIZE) throw new StationError('input', 'replica.bad_part_size', { min: 5, max: 512 });
    const bandwidth = input.bandwidthMiBps == null ? null : Math.round(input.bandwidthMiBps * 1048576);
    if (bandwidth !== null && !(bandwidth >= 65536)) throw new StationError('input', 'replica.bad_bandwidth', {});
    const region = input.region?.trim() || DEFAULT_REGION;
    const cfg: StoreConfig = { endpoint, bucket: input.bucket, region, accessKeyId: input.accessKeyId, secretAccessKey: input.secret };
    const store = new ReplicaStore(cfg);
    let worm: WormResult;
    try {
      worm = await runWormTest(store, `${this.prefix()}/selftest`, this.now(), this.shortestRetentionDays());
    } finally {
      store.close();
    }
    const now = this.now().toISOString();
    this.deps.write(() => {
      this.db
        .prepare(
          `INSERT INTO replica_config (id, endpoint, bucket, region, access_key_id, secret_wrapped, part_size, bandwidth_limit, configured_at, configured_by, worm_ok, worm_checked_at, worm_failures)
           VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT(id) DO UPDATE SET endpoint = excluded.endpoint, bucket = excluded.bucket, region = excluded.region, access_key_id = excluded.access_key_id,
             secret_wrapped = excluded.secret_wrapped, part_size = excluded.part_size, bandwidth_limit = excluded.bandwidth_limit, configured_at = excluded.configured_at,
             configured_by = excluded.configured_by, worm_ok = excluded.worm_ok, worm_checked_at = excluded.worm_checked_at, worm_failures = excluded.worm_failures`,
        )
        .run(endpoint, input.bucket, region, input.accessKeyId, wrapKey(masterKey, Buffer.from(input.secret, 'utf8'), secretAad(input.accessKeyId)), partSize, bandwidth, now, actor, worm.ok ? 1 : 0, now, JSON.stringify(worm.failures));
      // Never the secret: the ledger is exported with evidence packages and read by auditors.
      this.deps.ledger.append({
        actor,
        action: 'replica.configured',
        subject: `replica:${input.bucket}`,
        details: { endpoint, bucket: input.bucket, region, accessKeyId: input.accessKeyId, partSize, bandwidthLimit: bandwidth, worm: { ok: worm.ok, failures: worm.failures, defaultRetention: worm.defaultRetention } },
      });
    });
    this.testedThisProcess = true;
    return { config: this.config()!, worm };
  }

  /**
   * The shortest period the station's settings allow a recording to be kept (the default period
   * and every category in use), in whole days: 365 a year, so the bucket's default lock never
   * outlasts the shortest legal period.
   */
  shortestRetentionDays(): number {
    const years = [this.deps.defaultPeriod().years];
    for (const c of this.deps.retention.categories()) if (c.retiredAt === null && 'years' in c.period) years.push(c.period.years);
    return Math.min(...years) * 365;
  }

  /** Runs the WORM self-test against the configured store and records its verdict. */
  async selfTest(actor: string): Promise<WormResult> {
    const store = this.openStore();
    let worm: WormResult;
    try {
      worm = await runWormTest(store, `${this.prefix()}/selftest`, this.now(), this.shortestRetentionDays());
    } finally {
      store.close();
    }
    const now = this.now().toISOString();
    this.deps.write(() => {
      this.db.prepare('UPDATE replica_config SET worm_ok = ?, worm_checked_at = ?, worm_failures = ? WHERE id = 1').run(worm.ok ? 1 : 0, now, JSON.stringify(worm.failures));
      this.deps.ledger.append({ actor, action: 'replica.selftest', subject: `replica:${store.config.bucket}`, details: { ok: worm.ok, failures: worm.failures, cases: worm.cases, defaultRetention: worm.defaultRetention } });
    });
    this.testedThisProcess = true;
    return worm;
  }

  /**
   * How the replica sends (parts in flight, bandwidth cap, off-peak window) and whether docked
   * recorders wait for it before they are cleared. Only what is given changes; ledgered.
   */
  setOptions(actor: string, input: ReplicaOptionsInput): ReplicaConfigView {
    const r = this.row();
    if (!r) throw new StationError('state', 'replica.not_configured', {});
    const parallel = input.parallelParts ?? r.parallel_parts;
    if (!Number.isInteger(parallel) || parallel < 1 || parallel > MAX_PARALLEL_PARTS || parallel * r.part_size > MAX_BYTES_IN_FLIGHT) {
      throw new StationError('input', 'replica.bad_parallel', { max: Math.min(MAX_PARALLEL_PARTS, Math.floor(MAX_BYTES_IN_FLIGHT / r.part_size)) });
    }
    const bandwidth = input.bandwidthMiBps === undefined ? r.bandwidth_limit : input.bandwidthMiBps === null ? null : Math.round(input.bandwidthMiBps * 1048576);
    if (bandwidth !== null && !(bandwidth >= 65536)) throw new StationError('input', 'replica.bad_bandwidth', {});
    const window = input.window === undefined ? (r.window_start && r.window_end ? { start: r.window_start, end: r.window_end } : null) : input.window === null ? null : checkWindow(input.window);
    const clear = input.clearAfterReplication ?? r.clear_after_replication === 1;
    this.deps.write(() => {
      this.db
        .prepare('UPDATE replica_config SET parallel_parts = ?, bandwidth_limit = ?, window_start = ?, window_end = ?, clear_after_replication = ? WHERE id = 1')
        .run(parallel, bandwidth, window?.start ?? null, window?.end ?? null, clear ? 1 : 0);
      this.deps.ledger.append({
        actor,
        action: 'replica.options',
        subject: `replica:${r.bucket}`,
        details: { parallelParts: parallel, bandwidthLimit: bandwidth, window, clearAfterReplication: clear },
      });
    });
    return this.config()!;
  }

  /** Every committed, not shredded vault object gets its queue row (idempotent). */
  enqueueMissing(): number {
    const objects = this.db
      .prepare(`SELECT o.id ${vaultObjectsFrom('o')} WHERE ${objectNotShredded('o')} AND o.id NOT IN (SELECT object_id FROM replica_queue) ORDER BY o.created_at`)
      .all() as { id: string }[];
    if (objects.length === 0) return 0;
    const now = this.now().toISOString();
    const put = this.db.prepare("INSERT OR IGNORE INTO replica_queue (object_id, state, remote_key, queued_at) VALUES (?, 'queued', ?, ?)");
    this.deps.write(() => {
      for (const o of objects) put.run(o.id, this.remoteKey(o.id), now);
    });
    return objects.length;
  }

  /** A clerk's request: this recording's object goes first. */
  prioritize(actor: string, recordingId: string): void {
    const ref = recordingRef(this.db, recordingId);
    const rec = ref ? { object_id: ref.objectId } : undefined;
    if (!rec) throw new StationError('input', 'recording.not_found', { recordingId });
    this.enqueueMissing();
    this.deps.write(() => {
      this.db.prepare("UPDATE replica_queue SET priority = priority + 1, next_attempt_at = NULL WHERE object_id = ? AND state != 'stored'").run(rec.object_id);
      this.deps.ledger.append({ actor, action: 'replica.prioritized', subject: `recording:${recordingId}`, details: { objectId: rec.object_id } });
    });
  }

  /**
   * A read: nothing is written (auditors call it). Objects the queue has not taken up yet count as
   * queued, so "only on this PC" is true before the first run too.
   */
  status(): ReplicaStatus {
    const counts: Record<ReplicaState, number> = { queued: 0, uploading: 0, 'waiting-retry': 0, stored: 0, failed: 0 };
    const VIEW = `SELECT o.id AS object_id, COALESCE(q.state, 'queued') AS state, COALESCE(q.priority, 0) AS priority, COALESCE(q.remote_key, '') AS remote_key,
                    q.upload_id, COALESCE(q.attempts, 0) AS attempts, q.next_attempt_at, q.reason, q.reason_params, q.remote_version, q.etag, q.retain_until,
                    COALESCE(q.legal_hold, 0) AS legal_hold, COALESCE(q.queued_at, o.created_at) AS queued_at, q.stored_at, o.size,
                    (SELECT count(*) FROM replica_parts p WHERE p.object_id = q.object_id AND p.upload_id = q.upload_id) AS parts
                  ${vaultObjectsFrom('o')} LEFT JOIN replica_queue q ON q.object_id = o.id WHERE ${objectNotShredded('o')}`;
    const rows = this.db.prepare(`${VIEW} ORDER BY priority DESC, queued_at`).all() as (QueueRow & { size: number; parts: number })[];
    for (const r of rows) counts[r.state]++;
    const pendingRows = rows.filter((r) => r.state !== 'stored');
    const recs = recordingsByObject(this.db);
    // Recordings, not objects: a duplicate shares its first copy's object and is only here just the same.
    const onlyHere = pendingRows.reduce((n, r) => n + (recs.get(r.object_id)?.length ?? 0), 0);
    const bytesPending = pendingRows.reduce((s, r) => s + r.size, 0);
    const config = this.config();
    const bytesPerSecond = this.throughput();
    // What the journal already holds of unfinished uploads is not sent again.
    const journaled = (
      this.db
        .prepare("SELECT COALESCE(sum(p.length), 0) AS n FROM replica_parts p JOIN replica_queue q ON q.object_id = p.object_id AND q.upload_id = p.upload_id WHERE q.state != 'stored'")
        .get() as { n: number }
    ).n;
    return {
      config,
      counts,
      onlyHere,
      bytesPending,
      pending: pendingRows.map((r) => this.item({ ...r, remote_key: r.remote_key || this.remoteKey(r.object_id) }, r.size, r.parts, recs.get(r.object_id) ?? [])),
      bytesPerSecond,
      etaSeconds: bytesPerSecond && bytesPending > 0 ? Math.max(0, bytesPending - journaled) / bytesPerSecond : null,
      paused: {
        outsideWindow: config !== null && !inWindow(config.window, this.now(), this.deps.timeZone()),
        ingestRunning: ingestRunning(this.db),
      },
    };
  }

  /**
   * Bytes per second over the parts that finished in the last 10 minutes, measured from when the
   * first of them started to when the last one finished (parts in flight together count once).
   */
  private throughput(): number | null {
    const since = new Date(this.now().getTime() - THROUGHPUT_WINDOW_MS).toISOString();
    const rows = this.db.prepare('SELECT at, bytes, seconds FROM replica_sent WHERE at >= ? ORDER BY at').all(since) as { at: string; bytes: number; seconds: number }[];
    if (rows.length === 0) return null;
    const first = Math.min(...rows.map((r) => new Date(r.at).getTime() - r.seconds * 1000));
    const last = Math.max(...rows.map((r) => new Date(r.at).getTime()));
    const span = (last - first) / 1000;
    return span > 0 ? rows.reduce((s, r) => s + r.bytes, 0) / span : null;
  }

  items(): ReplicaItem[] {
    const rows = this.db
      .prepare(
        `SELECT q.*, o.size, (SELECT count(*) FROM replica_parts p WHERE p.object_id = q.object_id AND p.upload_id = q.upload_id) AS parts
         FROM replica_queue q ${vaultObjectJoin('o', 'q.object_id')} ORDER BY q.queued_at`,
      )
      .all() as (QueueRow & { size: number; parts: number })[];
    const recs = recordingsByObject(this.db);
    return rows.map((r) => this.item(r, r.size, r.parts, recs.get(r.object_id) ?? []));
  }

  private item(r: QueueRow, size: number, parts: number, recordingIds: string[]): ReplicaItem {
    return {
      objectId: r.object_id,
      recordingIds,
      state: r.state,
      priority: r.priority,
      attempts: r.attempts,
      nextAttemptAt: r.next_attempt_at,
      reason: r.reason,
      reasonParams: r.reason_params ? (JSON.parse(r.reason_params) as ErrorParams) : null,
      remoteKey: r.remote_key,
      remoteVersion: r.remote_version,
      retainUntil: r.retain_until,
      legalHold: r.legal_hold === 1,
      storedAt: r.stored_at,
      size,
      partsJournaled: parts,
    };
  }

  /**
   * What the replica must hold for an object: COMPLIANCE until the latest retention end of the
   * recordings stored in it, and a legal hold while any of them is protected (a hold, an open or
   * unarchived case) or kept permanently — those have no end date to lock until.
   */
  lockFor(objectId: string): { recordingIds: string[]; retainUntil: Date | null; legalHold: boolean } {
    const ids = recordingsOfObject(this.db, objectId);
    if (ids.length === 0) throw new StationError('state', 'replica.no_recording', { objectId });
    const statuses = this.deps.retention.statusOf(ids);
    let until: number | null = null;
    let legalHold = false;
    for (const s of statuses) {
      if (s.protections.length > 0 || s.permanent) legalHold = true;
      if (s.until) until = Math.max(until ?? 0, new Date(s.until).getTime());
    }
    // S3 keeps whole seconds: round up, never down, so the copy is never released before the original.
    const retainUntil = until === null ? null : new Date(Math.ceil((until + 1) / 1000) * 1000);
    return { recordingIds: ids, retainUntil, legalHold };
  }

  /** Takes the per-station replica lock: one uploader at a time (the desktop app or `station replica run`). */
  private takeRunLock(): () => void {
    const path = join(this.deps.dataDir, 'replica.lock');
    const mine = String(process.pid);
    try {
      writeFileSync(path, mine, { flag: 'wx' });
    } catch {
      const pid = Number(readFileSync(path, 'utf8'));
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && processAlive(pid)) throw new StationError('state', 'replica.busy', { pid });
      writeFileSync(path, mine);
    }
    return () => {
      if (existsSync(path) && readFileSync(path, 'utf8') === mine) rmSync(path, { force: true });
    };
  }

  /**
   * Works through the queue: uploads, locks, reads back, ledgers. `now` ignores the retry backoff
   * (an operator asked for it). A store-wide failure stops the run; the item keeps its place.
   */
  async run(options: { actor: string; ignoreBackoff?: boolean; ignoreWindow?: boolean; signal?: AbortSignal; onItem?: (item: ReplicaItem) => void }): Promise<RunResult> {
    const result: RunResult = { stored: 0, extended: 0, waiting: 0, failed: 0, error: null, snapshot: null, deferred: null, waitedForIngestSeconds: 0, partsYielded: 0 };
    this.deps.requireUnlocked();
    if (!this.row()) throw new StationError('state', 'replica.not_configured', {});
    const windowOpen = () => options.ignoreWindow === true || inWindow(this.config()!.window, this.now(), this.deps.timeZone());
    // Outside the agency's off-peak window nothing is sent, not even the self-test's test version.
    if (!windowOpen()) return { ...result, deferred: 'replica.outside_window' };
    const release = this.takeRunLock();
    try {
      if (!this.testedThisProcess) await this.selfTest('system');
      const cfg = this.config()!;
      if (!cfg.worm.ok) throw new StationError('state', 'replica.not_worm', { failures: cfg.worm.failures.join(', ') });
      this.enqueueMissing();
      this.deps.write(() => this.db.prepare('DELETE FROM replica_sent WHERE at < ?').run(new Date(this.now().getTime() - 86_400_000).toISOString()));
      const store = this.openStore();
      const tried = new Set<string>();
      const pace: Pace = { throttle: new Throttle(cfg.bandwidthLimit), windowOpen, signal: options.signal, waitedMs: 0, waiting: 0, waitStart: 0, yielded: 0 };
      try {
        for (;;) {
          if (options.signal?.aborted) break;
          if (!windowOpen()) {
            result.deferred = 'replica.outside_window';
            break;
          }
          const next = this.nextItem(options.ignoreBackoff === true, tried);
          if (!next) break;
          tried.add(next.object_id);
          try {
            await this.transfer(store, next, cfg, pace);
            result.stored++;
          } catch (e) {
            // The store no longer knows the upload (404): the next attempt starts a new one.
            if (isStationError(e) && e.code === 'replica.store_error' && e.params.status === 404) this.forgetUpload(next.object_id);
            if (options.signal?.aborted) break;
            // The window closed mid-upload: the parts sent stay journaled for the next window.
            if (isStationError(e) && e.code === 'replica.outside_window') {
              result.deferred = 'replica.outside_window';
              break;
            }
            const err = isStationError(e) ? e : new StationError('io', 'replica.store_error', { code: String((e as Error)?.name ?? 'Error'), status: 0, endpoint: cfg.endpoint, bucket: cfg.bucket });
            const retry = RETRYABLE.has(err.code);
            this.markFailure(next, err, retry, options.actor);
            if (retry) result.waiting++;
            else result.failed++;
            if (STORE_WIDE.has(err.code)) {
              result.error = { code: err.code, params: err.params };
              break;
            }
          }
          const row = this.db.prepare(`SELECT q.*, o.size FROM replica_queue q ${vaultObjectJoin('o', 'q.object_id')} WHERE q.object_id = ?`).get(next.object_id) as QueueRow & { size: number };
          options.onItem?.(this.item(row, row.size, 0, this.lockFor(next.object_id).recordingIds));
        }
        if (!result.error && !options.signal?.aborted && !result.deferred) {
          result.extended = await this.extendGrown(store, options.actor);
          // The snapshot copies the whole database in this process (VACUUM INTO): not beside an
          // ingest. Stopped while waiting (the app closing): the next run takes it.
          await this.waitForDock(pace).catch((e: unknown) => {
            if (!options.signal?.aborted) throw e;
          });
          if (!options.signal?.aborted) {
            result.snapshot = await this.replicateCatalogue(store, cfg);
            // Every run, not only those that took a snapshot: an idle station must still let old
            // snapshots (holding destroyed objects' wrapped keys) go once their lock ends.
            await this.pruneSnapshots(store, [`${this.prefix()}/${SNAPSHOT_NAME}`, `${this.prefix()}/${MANIFEST_NAME}`]);
          }
        }
      } finally {
        store.close();
        result.waitedForIngestSeconds = pace.waitedMs / 1000;
        result.partsYielded = pace.yielded;
      }
    } finally {
      release();
    }
    return result;
  }

  /** The next item to send; one that failed in this run is not tried again in it, backoff or not. */
  private nextItem(ignoreBackoff: boolean, triedThisRun: Set<string>): QueueRow | null {
    const now = this.now().toISOString();
    const rows = this.db
      .prepare(
        `SELECT * FROM replica_queue WHERE state IN ('queued', 'uploading', 'waiting-retry')
           AND (? OR next_attempt_at IS NULL OR next_attempt_at <= ?)
         ORDER BY priority DESC, (state = 'uploading') DESC, queued_at, rowid`,
      )
      .iterate(ignoreBackoff ? 1 : 0, now) as IterableIterator<QueueRow>;
    for (const row of rows) {
      // Leaving the loop closes the statement's iterator.
      if (!triedThisRun.has(row.object_id)) return row;
    }
    return null;
  }

  private forgetUpload(objectId: string): void {
    this.deps.write(() => {
      this.db.prepare('DELETE FROM replica_parts WHERE object_id = ?').run(objectId);
      this.db.prepare('UPDATE replica_queue SET upload_id = NULL WHERE object_id = ?').run(objectId);
    });
  }

  private markFailure(item: QueueRow, err: StationError, retry: boolean, actor: string): void {
    const attempts = item.attempts + 1;
    // 30 s, 1 min, 2 min … capped at one hour: a store that is down is asked again, not hammered.
    const next = retry ? new Date(this.now().getTime() + Math.min(30_000 * 2 ** (attempts - 1), 3_600_000)).toISOString() : null;
    this.deps.write(() => {
      this.db
        .prepare('UPDATE replica_queue SET state = ?, attempts = ?, next_attempt_at = ?, reason = ?, reason_params = ? WHERE object_id = ?')
        .run(retry ? 'waiting-retry' : 'failed', attempts, next, err.code, JSON.stringify(err.params), item.object_id);
      // A transfer that can never succeed as it stands is part of the record; a retry is not.
      if (!retry) this.deps.ledger.append({ actor, action: 'replica.failed', subject: `object:${item.object_id}`, details: { reason: err.code, params: err.params } });
    });
  }

  /**
   * Before each new part: the dock first (no part starts while an ingest session runs on this
   * station), then the off-peak window. The bandwidth cap is taken just before the bytes go.
   */
  private async waitForTurn(pace: Pace): Promise<void> {
    await this.waitForDock(pace);
    if (!pace.windowOpen()) throw new StationError('state', 'replica.outside_window', {});
  }

  /** While an ingest session runs, and for INGEST_GRACE_MS after the last one ended, nothing goes. */
  private async waitForDock(pace: Pace): Promise<void> {
    if (ingestRunning(this.db)) {
      // Wall time the run stood still, however many of its workers waited side by side.
      if (pace.waiting++ === 0) pace.waitStart = performance.now();
      try {
        let quietSince: number | null = null;
        for (;;) {
          if (pace.signal?.aborted) throw new StationError('state', 'replica.stopped', {});
          if (ingestRunning(this.db)) quietSince = null;
          else if (quietSince === null) quietSince = performance.now();
          else if (performance.now() - quietSince >= INGEST_GRACE_MS) break;
          await sleep(Math.min(INGEST_POLL_MS, INGEST_GRACE_MS));
        }
      } finally {
        if (--pace.waiting === 0) pace.waitedMs += performance.now() - pace.waitStart;
      }
    }
    if (pace.signal?.aborted) throw new StationError('state', 'replica.stopped', {});
  }

  private async transfer(store: ReplicaStore, item: QueueRow, cfg: ReplicaConfigView, pace: Pace): Promise<void> {
    const objectId = item.object_id;
    const vaultRow = objectFacts(this.db, objectId)!;
    if (vaultRow.shreddedAt) {
      // Destroyed before it was copied: there is nothing left to copy, and nothing may be.
      this.deps.write(() => this.db.prepare("UPDATE replica_queue SET state = 'failed', reason = 'replica.object_destroyed', reason_params = '{}' WHERE object_id = ?").run(objectId));
      return;
    }
    const lock = this.lockFor(objectId);
    if (!lock.legalHold && lock.retainUntil && lock.retainUntil.getTime() <= this.now().getTime()) {
      throw new StationError('state', 'replica.retention_ended', { objectId });
    }
    const path = this.deps.objectPath(objectId);
    let size: number;
    try {
      size = (await stat(path)).size;
    } catch {
      throw new StationError('verify', 'replica.object_missing', { objectId });
    }
    const partSize = cfg.partSize;
    const partCount = Math.max(1, Math.ceil(size / partSize));
    const key = item.remote_key;

    // Resume: the upload the journal names, if the store still knows it; its parts only where the
    // store's ETag is the MD5 this station journaled when it sent them.
    let uploadId = item.upload_id;
    let listed: Map<number, { etag: string; size: number }> = new Map();
    if (uploadId) {
      const parts = await store.listParts(key, uploadId);
      if (parts === null) uploadId = null;
      else listed = new Map(parts.map((p) => [p.partNumber, { etag: p.etag, size: p.size }]));
    }
    if (!uploadId) {
      uploadId = await store.createUpload(key, lock);
      const id = uploadId;
      this.deps.write(() => {
        this.db.prepare('DELETE FROM replica_parts WHERE object_id = ?').run(objectId);
        this.db.prepare("UPDATE replica_queue SET state = 'uploading', upload_id = ? WHERE object_id = ?").run(id, objectId);
      });
    } else {
      this.db.prepare("UPDATE replica_queue SET state = 'uploading' WHERE object_id = ?").run(objectId);
    }
    const journal = new Map<number, PartRow>();
    for (const p of this.db.prepare('SELECT * FROM replica_parts WHERE object_id = ? AND upload_id = ?').all(objectId, uploadId) as PartRow[]) {
      const l = listed.get(p.part_number);
      if (l && l.etag === p.md5 && l.size === p.length && p.offset === (p.part_number - 1) * partSize) journal.set(p.part_number, p);
      else this.db.prepare('DELETE FROM replica_parts WHERE object_id = ? AND upload_id = ? AND part_number = ?').run(objectId, uploadId, p.part_number);
    }

    const insertPart = this.db.prepare('INSERT OR REPLACE INTO replica_parts (object_id, upload_id, part_number, offset, length, md5, sha256, etag, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    const insertSent = this.db.prepare('INSERT INTO replica_sent (at, bytes, seconds) VALUES (?, ?, ?)');
    let partsSent = 0;
    let partsResumed = journal.size;
    let partsDropped = 0;
    const todo: number[] = [];
    for (let n = 1; n <= partCount; n++) if (!journal.has(n)) todo.push(n);
    const fh = await open(path, 'r');
    // One failure stops every worker from starting another part; parts already in flight finish
    // (or fail) on their own and whatever finished is journaled for the next attempt.
    let failed = false;
    // Ingest comes first for real: the store shares the PC's disk, cores and uplink with the dock, so
    // parts in flight are dropped the moment a session starts (in any process) rather than left to
    // finish. A dropped part is not journaled; it goes back on the list and is sent whole again
    // once the dock is quiet, while finished parts stay journaled and are never sent twice.
    const inFlight = new Set<AbortController>();
    const watch = setInterval(() => {
      if (inFlight.size > 0 && ingestRunning(this.db)) for (const c of inFlight) c.abort();
    }, INGEST_WATCH_MS);
    watch.unref();
    const sendPart = async (n: number) => {
      const offset = (n - 1) * partSize;
      const length = Math.min(partSize, size - offset);
      const l = listed.get(n);
      await this.waitForTurn(pace);
      if (failed) return;
      const buf = Buffer.allocUnsafe(length);
      let got = 0;
      while (got < length) {
        const { bytesRead } = await fh.read(buf, got, length - got, offset + got);
        if (bytesRead === 0) throw new StationError('verify', 'replica.object_changed', { objectId });
        got += bytesRead;
      }
      const md5 = createHash('md5').update(buf).digest();
      const sha256 = createHash('sha256').update(buf).digest('hex');
      let etag: string;
      const t0 = performance.now();
      if (l && l.etag === md5.toString('hex') && l.size === length) {
        // Sent by a process that died before journaling it; the store holds exactly these bytes.
        etag = l.etag;
        partsResumed++;
      } else {
        await pace.throttle.take(length);
        const yieldTo = new AbortController();
        inFlight.add(yieldTo);
        try {
          etag = await store.uploadPart(key, uploadId, n, buf, md5.toString('base64'), yieldTo.signal);
        } catch (e) {
          if (!yieldTo.signal.aborted) throw e;
          pace.yielded++;
          partsDropped++;
          todo.unshift(n);
          return;
        } finally {
          inFlight.delete(yieldTo);
        }
        if (etag !== md5.toString('hex')) throw new StationError('io', 'replica.part_etag_mismatch', { objectId, part: n });
        partsSent++;
      }
      const seconds = (performance.now() - t0) / 1000;
      const at = this.now().toISOString();
      this.deps.write(() => {
        insertPart.run(objectId, uploadId, n, offset, length, md5.toString('hex'), sha256, etag, at);
        if (!l || l.etag !== etag) insertSent.run(at, length, seconds);
      });
      journal.set(n, { part_number: n, offset, length, md5: md5.toString('hex'), sha256, etag });
    };
    const worker = async () => {
      while (!failed) {
        const n = todo.shift();
        if (n === undefined) return;
        try {
          await sendPart(n);
        } catch (e) {
          failed = true;
          throw e;
        }
      }
    };
    try {
      const outcomes = await Promise.allSettled(Array.from({ length: Math.min(cfg.parallelParts, Math.max(1, todo.length)) }, worker));
      const rejected = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
      if (rejected) throw rejected.reason;
    } finally {
      clearInterval(watch);
      await fh.close();
    }
    // Complete, HeadObject and the lock wait for the dock too: RGW assembles the parts then.
    await this.waitForDock(pace);

    const ordered = [...journal.values()].sort((a, b) => a.part_number - b.part_number);
    const expectedEtag = `${createHash('md5')
      .update(Buffer.concat(ordered.map((p) => Buffer.from(p.md5, 'hex'))))
      .digest('hex')}-${ordered.length}`;
    const done = await store.complete(
      key,
      uploadId,
      ordered.map((p) => ({ partNumber: p.part_number, etag: p.etag })),
    );
    const versionId = done.versionId ?? (await store.latestVersion(key));
    // RGW answers Complete with an empty ETag: HeadObject is what says what the store holds.
    const head = await store.head(key, versionId);
    if (!head || head.etag !== expectedEtag || head.size !== size) {
      throw new StationError('verify', 'replica.etag_mismatch', { objectId, expected: expectedEtag, found: head?.etag ?? '' });
    }
    // RGW 16.2 ignores lock headers on CreateMultipartUpload (Ceph tracker 63724): lock the version
    // now, then believe only what the store reads back.
    const applied = await this.applyLock(store, key, versionId, lock);
    const sha256OfCiphertext = createHash('sha256');
    for (const p of ordered) sha256OfCiphertext.update(Buffer.from(p.sha256, 'hex'));
    this.deps.write(() => {
      this.db
        .prepare(
          "UPDATE replica_queue SET state = 'stored', remote_version = ?, etag = ?, retain_until = ?, legal_hold = ?, stored_at = ?, upload_id = NULL, reason = NULL, reason_params = NULL, next_attempt_at = NULL WHERE object_id = ?",
        )
        .run(versionId, head.etag, applied.retainUntil, applied.legalHold ? 1 : 0, this.now().toISOString(), objectId);
      this.db.prepare('DELETE FROM replica_parts WHERE object_id = ?').run(objectId);
      this.deps.ledger.append({
        actor: 'system',
        action: 'replica.stored',
        subject: `object:${objectId}`,
        details: {
          recordings: lock.recordingIds,
          bucket: cfg.bucket,
          key,
          versionId,
          etag: head.etag,
          size,
          plaintextSha256: vaultRow.sha256,
          partSha256s: ordered.map((p) => p.sha256),
          retainUntil: applied.retainUntil,
          legalHold: applied.legalHold,
          parts: ordered.length,
          partsSent,
          partsResumed,
          partsDropped,
        },
      });
    });
  }

  private async applyLock(
    store: ReplicaStore,
    key: string,
    versionId: string | null,
    lock: { retainUntil: Date | null; legalHold: boolean; releaseHold?: boolean },
  ): Promise<{ retainUntil: string | null; legalHold: boolean }> {
    if (lock.retainUntil) {
      // RGW completes a multipart upload under the bucket's default retention (the shortest legal
      // period), its own lock headers ignored; COMPLIANCE cannot be shortened, so a lock that already
      // reaches the recording's end is kept as it is rather than refused as a shortening.
      const current = await store.retention(key, versionId);
      if (!(current.mode === 'COMPLIANCE' && current.retainUntil && current.retainUntil.getTime() >= lock.retainUntil.getTime())) await store.putRetention(key, versionId, lock.retainUntil);
    }
    if (lock.legalHold) await store.putLegalHold(key, versionId);
    if (lock.releaseHold) {
      await store.putLegalHold(key, versionId, false);
      if (await store.legalHold(key, versionId)) throw new StationError('verify', 'replica.legal_hold_not_released', { key });
    }
    const back = await store.retention(key, versionId);
    if (lock.retainUntil) {
      if (back.mode !== 'COMPLIANCE' || !back.retainUntil || back.retainUntil.getTime() < lock.retainUntil.getTime()) {
        throw new StationError('verify', 'replica.retention_not_applied', { key, wanted: lock.retainUntil.toISOString(), found: back.retainUntil?.toISOString() ?? '' });
      }
    }
    if (lock.legalHold && !(await store.legalHold(key, versionId))) throw new StationError('verify', 'replica.legal_hold_not_applied', { key });
    return { retainUntil: back.retainUntil?.toISOString() ?? null, legalHold: lock.legalHold };
  }

  /**
   * Puts an encrypted snapshot of this database (catalogue, ledger and its signed checkpoints) and
   * the manifest that opens it on the store, when the ledger moved since the last one. Both are
   * locked for `snapshotLockMs` (SNAPSHOT_LOCK_DAYS) only (see README: destroyed recordings).
   */
  private async replicateCatalogue(store: ReplicaStore, cfg: ReplicaConfigView): Promise<{ ledgerSize: number; versionId: string | null } | null> {
    const last = this.db.prepare('SELECT ledger_size FROM replica_snapshots ORDER BY id DESC LIMIT 1').get() as { ledger_size: number } | undefined;
    const ledger = this.deps.ledger;
    // Its own ledger entry is the one thing that always follows a snapshot.
    if (last && ledger.size <= last.ledger_size + 1) return null;
    const tmp = join(this.deps.dataDir, `replica-snapshot-${process.pid}.tmp`);
    await rm(tmp, { force: true });
    let plain: Buffer;
    let ledgerSize: number;
    let root: string;
    try {
      // One consistent copy of the whole database; its ledger size and root are read from the copy.
      this.db.prepare('VACUUM INTO ?').run(tmp);
      const copy = new Database(tmp, { readonly: true, fileMustExist: true });
      try {
        ledgerSize = ledgerEntryCount(copy as unknown as ReadableDB);
        root = new MerkleTree(loadLeaves(copy as unknown as ReadableDB, ledgerSize), ledgerSize).root(ledgerSize).toString('hex');
      } finally {
        copy.close();
      }
      plain = await readFile(tmp);
    } finally {
      await rm(tmp, { force: true });
    }
    const stationId = this.deps.stationId();
    const sealed = sealSnapshot(this.deps.masterKey(), plain, stationId, ledgerSize);
    plain.fill(0);
    const retainUntil = new Date(Math.ceil((this.now().getTime() + this.snapshotLockMs) / 1000) * 1000);
    const key = `${this.prefix()}/${SNAPSHOT_NAME}`;
    const sha256 = createHash('sha256').update(sealed).digest('hex');
    const put = await store.putSmall(key, sealed, createHash('md5').update(sealed).digest('base64'), { retainUntil });
    const versionId = put.versionId ?? (await store.latestVersion(key));
    const keys = storedKeys(this.db);
    const cp = ledger.latestCheckpoint();
    const manifest: ReplicaManifest = {
      format: MANIFEST_FORMAT,
      stationId,
      agencyCode: this.deps.agencyCode(),
      keys: { kdf: keys.kdf, wrappedMasterKey: keys.wrapped_master_key.toString('base64'), publicKey: keys.signing_public_key.toString('base64'), wrappedSigningKey: keys.wrapped_signing_key.toString('base64') },
      snapshot: { key, versionId, sha256, ledgerSize, root },
      checkpoint: cp && cp.size <= ledgerSize ? { size: cp.size, root: cp.root, note: cp.note } : null,
      takenAt: this.now().toISOString(),
    };
    const body = Buffer.from(JSON.stringify(manifest, null, 2));
    await store.putSmall(`${this.prefix()}/${MANIFEST_NAME}`, body, createHash('md5').update(body).digest('base64'), { retainUntil });
    this.deps.write(() => {
      this.db
        .prepare('INSERT INTO replica_snapshots (ledger_size, remote_key, version_id, sha256, retain_until, taken_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(ledgerSize, key, versionId, sha256, retainUntil.toISOString(), this.now().toISOString());
      this.deps.ledger.append({ actor: 'system', action: 'replica.snapshot', subject: `replica:${cfg.bucket}`, details: { key, versionId, ledgerSize, root, sha256, retainUntil: retainUntil.toISOString() } });
    });
    return { ledgerSize, versionId };
  }

  /**
   * Old snapshot and manifest versions go once their lock has ended: a snapshot holds wrapped keys,
   * and a destroyed object's key must not outlive its destruction on the store (README). Only these
   * two keys are ever deleted; the store refuses any version still locked, which is then kept.
   */
  private async pruneSnapshots(store: ReplicaStore, keys: string[]): Promise<void> {
    const cutoff = this.now().getTime() - this.snapshotLockMs;
    for (const key of keys) {
      let versions;
      try {
        versions = await store.versions(key);
      } catch {
        return;
      }
      for (const v of versions) {
        if (v.isLatest || !v.lastModified || v.lastModified.getTime() >= cutoff) continue;
        await store.deleteVersion(key, v.versionId, false);
      }
    }
  }

  /**
   * Asks the store about every stored copy (HeadObject of the exact version, its retention and
   * legal hold read back, whether a newer version was put over it) and reads a sample of them
   * whole, comparing each part's SHA-256 with the one ledgered at upload. Found problems are
   * ledgered (`replica.audit`) and the copy stops counting as safe until it is sent again.
   */
  async audit(actor: string, options: { sample?: number } = {}): Promise<AuditResult> {
    this.deps.requireUnlocked();
    const store = this.openStore();
    const problems: AuditProblem[] = [];
    let checked = 0;
    let sampled = 0;
    try {
      const rows = this.db.prepare("SELECT * FROM replica_queue WHERE state = 'stored' ORDER BY random()").all() as QueueRow[];
      const sample = options.sample ?? 3;
      for (const row of rows) {
        checked++;
        const head = await store.head(row.remote_key, row.remote_version);
        if (!head) {
          problems.push({ objectId: row.object_id, code: 'replica.audit_missing' });
          continue;
        }
        if (head.etag !== row.etag) problems.push({ objectId: row.object_id, code: 'replica.audit_changed' });
        const back = await store.retention(row.remote_key, row.remote_version);
        const hold = row.legal_hold === 1 ? await store.legalHold(row.remote_key, row.remote_version) : false;
        if ((row.retain_until && (!back.retainUntil || back.retainUntil.getTime() < new Date(row.retain_until).getTime())) || (row.legal_hold === 1 && !hold)) {
          problems.push({ objectId: row.object_id, code: 'replica.audit_unlocked' });
        }
        const latest = await store.latestVersion(row.remote_key);
        if (latest && latest !== row.remote_version) problems.push({ objectId: row.object_id, code: 'replica.audit_replaced' });
        if (sampled < sample) {
          sampled++;
          const entry = latestEntryOf(this.db, ['replica.stored'], `object:${row.object_id}`);
          const want = entry ? ((JSON.parse(entry.details) as { partSha256s?: string[]; size?: number }) ?? {}) : {};
          const cfg = this.config()!;
          const hashes: string[] = [];
          let part = createHash('sha256');
          let inPart = 0;
          await store.download(row.remote_key, row.remote_version, async (chunk) => {
            let buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
            while (buf.length) {
              const take = Math.min(buf.length, cfg.partSize - inPart);
              part.update(buf.subarray(0, take));
              inPart += take;
              buf = buf.subarray(take);
              if (inPart === cfg.partSize) {
                hashes.push(part.digest('hex'));
                part = createHash('sha256');
                inPart = 0;
              }
            }
          });
          if (inPart > 0) hashes.push(part.digest('hex'));
          // Parts were cut at the part size of the time; compare only when it is the same.
          if (want.partSha256s && want.partSha256s.length === hashes.length && want.partSha256s.some((h, i) => h !== hashes[i])) {
            problems.push({ objectId: row.object_id, code: 'replica.audit_content' });
          }
        }
      }
    } finally {
      store.close();
    }
    const bad = [...new Set(problems.map((p) => p.objectId))];
    this.deps.write(() => {
      for (const id of bad) {
        const first = problems.find((p) => p.objectId === id)!;
        this.db.prepare("UPDATE replica_queue SET state = 'queued', upload_id = NULL, reason = ?, reason_params = '{}', next_attempt_at = NULL WHERE object_id = ?").run(first.code, id);
      }
      this.deps.ledger.append({ actor, action: 'replica.audit', subject: 'replica', details: { checked, sampled, problems } });
    });
    return { checked, sampled, problems };
  }

  /** Retention that grew since upload (an extension, a case, a hold) is carried to the replica. */
  private async extendGrown(store: ReplicaStore, actor: string): Promise<number> {
    let n = 0;
    const stored = this.db.prepare("SELECT * FROM replica_queue WHERE state = 'stored'").all() as QueueRow[];
    for (const row of stored) {
      let lock;
      try {
        lock = this.lockFor(row.object_id);
      } catch {
        continue;
      }
      const grows = (lock.retainUntil && (!row.retain_until || lock.retainUntil.getTime() > new Date(row.retain_until).getTime())) || (lock.legalHold && row.legal_hold !== 1);
      // No hold and no open case protects it any more: the store's legal hold goes too, or the
      // copy would outlive the recording's destruction.
      const releases = !lock.legalHold && row.legal_hold === 1;
      if (!grows && !releases) continue;
      const want = {
        retainUntil: lock.retainUntil && (!row.retain_until || lock.retainUntil.getTime() > new Date(row.retain_until).getTime()) ? lock.retainUntil : null,
        legalHold: lock.legalHold && row.legal_hold !== 1,
        releaseHold: releases,
      };
      const applied = await this.applyLock(store, row.remote_key, row.remote_version, want);
      const legalHold = releases ? false : row.legal_hold === 1 || applied.legalHold;
      const retainUntil = applied.retainUntil ?? row.retain_until;
      this.deps.write(() => {
        this.db.prepare('UPDATE replica_queue SET retain_until = ?, legal_hold = ? WHERE object_id = ?').run(retainUntil, legalHold ? 1 : 0, row.object_id);
        if (grows) this.deps.ledger.append({ actor, action: 'replica.extended', subject: `object:${row.object_id}`, details: { versionId: row.remote_version, retainUntil, legalHold, previous: row.retain_until } });
        if (releases) this.deps.ledger.append({ actor, action: 'replica.hold_released', subject: `object:${row.object_id}`, details: { versionId: row.remote_version, key: row.remote_key, legalHold: false, retainUntil } });
      });
      n++;
    }
    return n;
  }
}

