// The ingest pipeline (issue "Dock and ingest" item 5). One session walks one source; for each file:
// open once → media headers from that handle → the bytes streamed once through SHA-256 and the
// vault cipher (vault.put) → read-back verified → the catalogue row, the per-file result and the
// ledger entry commit in ONE transaction. A crash or an unplug at any point before that commit
// leaves nothing claiming the file, so the next session simply does it again; after it, the
// source identity (source key, path, size, mtime) says "already ingested" and it is never
// duplicated.
import { replicaClearance } from '../replica/clearance.ts';
import type { Statement } from 'better-sqlite3';
import { readdir, stat, unlink, lstat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { StationError, isStationError, fromSystemError, type ErrorParams } from '../errors.ts';
import type { Station } from '../station.ts';
import type { VaultObject } from '../vault/vault.ts';
import { probeReader } from '../media/probe.ts';
import { fileHandleReader, type RandomAccessReader } from '../media/fileReader.ts';
import type { RecorderInfo } from '../devices/ports.ts';
import { scanSource, entryPath, rawPathHex, type ScannedEntry, type EntryType } from './scan.ts';
import { openSource, readSource, SourceError, DEVICE_GONE_ERRNOS, type OpenedSource, type ReadOutcome } from './sourceFile.ts';
import { fileFacts, type FileFacts } from './metadata.ts';
import { namingRulesOf } from './nameRules.ts';
import { driftBeyondTolerance, estimateClockDrift, type ClockDrift } from './clockDrift.ts';
import { handoverDeadline, isLate, type HandoverRule } from './handover.ts';
import { LazyHolidayCalendar, type WorkingDayCalendar } from './workingDays.ts';
import { Catalogue, recordingIdOf } from './catalogue.ts';
import { Registry } from './registry.ts';
import { ProgressTracker } from './progress.ts';
import type { EventMessage, FileOutcome, FileResult, SessionStatus, SessionSummary, ProgressEvent } from '../../shared/events.ts';
export type { FileOutcome, FileResult, SessionStatus, SessionSummary, ProgressEvent };

/** How the session's recorder was identified; 'name' = its registered 产品序号 in the file names. */
export type RecorderIdentity = { serial: string; via: 'usb' | 'vendor' | 'name' | 'custodian' };

export type IngestSourceSpec = {
  kind: 'volume' | 'folder';
  root: string;
  /** Stable identity across docks: 'recorder:<serial>', 'volume-uuid:<file system UUID>', 'folder:<path>' ('volume:<path>' only where no UUID can be read). */
  sourceKey: string;
  device: string | null;
  fsType: string | null;
  label: string | null;
  recorder: RecorderIdentity | null;
  vendorInfo: RecorderInfo | null;
  /** The drift the dock measured on the recorder's own clock (vendor interface); else it is estimated. */
  clockDrift?: ClockDrift | null;
};

export type IngestEvent = EventMessage<'ingest.session' | 'ingest.progress' | 'ingest.file'>;

export type IngestListener = (event: IngestEvent) => void;

type SessionRow = {
  id: number;
  source_kind: 'volume' | 'folder';
  source_key: string;
  root: string;
  device: string | null;
  fs_type: string | null;
  label: string | null;
  recorder_serial: string | null;
  custodian: string;
  owner_pid: number;
  status: SessionStatus;
  stop_code: string | null;
  files_total: number;
  bytes_total: number;
  started_at: string;
  ended_at: string | null;
  clock_drift_seconds: number | null;
  clock_drift_source: string | null;
};

type FileRow = {
  session_id: number;
  seq: number;
  path: string;
  entry_type: EntryType;
  size: number | null;
  mtime_ms: number | null;
  outcome: FileOutcome | 'pending';
  reason: string | null;
  reason_params: string | null;
  recording_id: string | null;
};

/** Thrown inside vault.put's transaction to roll the new object back: its content is already stored. */
class DuplicateContent extends Error {
  readonly object: VaultObject;
  readonly existingObjectId: string;
  constructor(object: VaultObject, existingObjectId: string) {
    super('duplicate content');
    this.object = object;
    this.existingObjectId = existingObjectId;
  }
}

type Committed = { recordingId: string; outcome: 'ingested' | 'duplicate' | 'already_ingested' };

/** Ends the session: the source is gone, the vault disk is full, or the session was stopped. */
type Stop = { status: 'interrupted' | 'stopped'; code: string };

type Ctx = {
  sessionId: number;
  source: IngestSourceSpec;
  actor: string;
  signal: AbortSignal;
  progress: ProgressTracker;
  emitProgress: (force?: boolean) => void;
  clearAfter: boolean;
  rootDev: number;
  clockDrift: ClockDrift | null;
};

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isDiskFull(e: unknown): boolean {
  if (isStationError(e)) return e.code === 'io.disk_full';
  const code = (e as { code?: string } | null)?.code;
  return code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT';
}

const FILES_IN_FLIGHT = 2;

const EMPTY_COUNTS = (): SessionSummary['counts'] => ({ pending: 0, ingested: 0, duplicate: 0, already_ingested: 0, skipped: 0, failed: 0, aborted: 0 });

/** A counting semaphore: at most `limit()` sessions read at once (setting ingest.maxConcurrentRecorders). */
class Slots {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly limit: () => number;
  constructor(limit: () => number) {
    this.limit = limit;
  }
  async acquire(signal?: AbortSignal): Promise<() => void> {
    while (this.active >= Math.max(1, this.limit())) {
      await new Promise<void>((resolve, reject) => {
        const wake = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        const onAbort = () => {
          const i = this.waiting.indexOf(wake);
          if (i >= 0) this.waiting.splice(i, 1);
          reject(signal?.reason);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        this.waiting.push(wake);
      });
    }
    this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      this.waiting.shift()?.();
    };
  }
}

export class IngestService {
  readonly station: Station;
  readonly registry: Registry;
  readonly catalogue: Catalogue;
  calendar: WorkingDayCalendar;
  private readonly listeners = new Set<IngestListener>();
  private readonly running = new Map<string, { sessionId: number | null; controller: AbortController }>();
  private readonly slots: Slots;

  constructor(station: Station) {
    this.station = station;
    this.registry = new Registry(station);
    this.catalogue = new Catalogue(station);
    this.slots = new Slots(() => this.station.settings.get('ingest.maxConcurrentRecorders'));
    // The station's calendar with the administrator's edits, asked afresh on each use (StationCalendar.live).
    this.calendar = new LazyHolidayCalendar(() => station.calendar.live());
  }

  on(listener: IngestListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: IngestEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        // A failing listener (a closed window) must not stop an ingest.
      }
    }
  }

  isRunning(sourceKey: string): boolean {
    return this.running.has(sourceKey);
  }

  /** Stops the session reading `sourceKey` (the recorder was unplugged, the service is stopping). */
  abort(sourceKey: string, code = 'ingest.stopped'): void {
    this.running.get(sourceKey)?.controller.abort(new StationError('state', code, {}));
  }

  abortAll(code = 'ingest.stopped'): void {
    for (const key of this.running.keys()) this.abort(key, code);
  }

  get runningCount(): number {
    return this.running.size;
  }

  private now(): string {
    return this.station.clock.now().toISOString();
  }

  // Preparing a statement costs more than running it; an ingest of 10,000 files runs each many times.
  private readonly statements = new Map<string, Statement>();
  private q(sql: string): Statement {
    let st = this.statements.get(sql);
    if (!st) {
      st = this.station.db.prepare(sql);
      this.statements.set(sql, st);
    }
    return st;
  }

  /** The custodian on duty must still be one: a disabled or demoted user cannot keep ingesting. */
  private assertCustodian(username: string): void {
    let user;
    try {
      user = this.station.users.backed(username, 'command');
    } catch {
      throw new StationError('denied', 'ingest.not_custodian', { username });
    }
    if (user.disabled || !user.roles.includes('custodian')) throw new StationError('denied', 'ingest.not_custodian', { username });
  }

  /**
   * Sessions left 'running' by a process that no longer exists (kill -9, power cut) are closed as
   * interrupted. Their unfinished files need nothing else: the next session does them again.
   */
  recoverInterrupted(): number[] {
    const rows = this.q("SELECT id, owner_pid FROM ingest_sessions WHERE status = 'running'").all() as { id: number; owner_pid: number }[];
    const dead = rows.filter((r) => !processAlive(r.owner_pid) || (r.owner_pid === process.pid && ![...this.running.values()].some((x) => x.sessionId === r.id)));
    if (dead.length === 0) return [];
    this.station.write(() => {
      for (const r of dead) {
        this.q("UPDATE ingest_sessions SET status = 'interrupted', stop_code = 'ingest.process_ended', ended_at = ? WHERE id = ?").run(this.now(), r.id);
        const pending = (this.q("SELECT COUNT(*) AS n FROM ingest_files WHERE session_id = ? AND outcome = 'pending'").get(r.id) as { n: number }).n;
        this.station.ledger.append({ actor: 'system', action: 'ingest.session_interrupted', subject: `ingest:${r.id}`, details: { reason: 'ingest.process_ended', pid: r.owner_pid, pendingFiles: pending } });
      }
    });
    return dead.map((r) => r.id);
  }

  /** Runs one session over `source` to its end and returns every file's result. */
  async ingest(source: IngestSourceSpec, actor: string, options: { signal?: AbortSignal } = {}): Promise<{ session: SessionSummary; files: FileResult[] }> {
    this.station.requireUnlocked();
    this.assertCustodian(actor);
    if (this.running.has(source.sourceKey)) throw new StationError('state', 'ingest.already_running', { source: source.sourceKey });
    const controller = new AbortController();
    const onOuterAbort = () => controller.abort(options.signal?.reason);
    options.signal?.addEventListener('abort', onOuterAbort, { once: true });
    const slot = { sessionId: null as number | null, controller };
    this.running.set(source.sourceKey, slot);
    let release: (() => void) | null = null;
    try {
      release = await this.slots.acquire(controller.signal);
      this.recoverInterrupted();
      return await this.runSession(source, actor, controller.signal, (id) => (slot.sessionId = id));
    } finally {
      release?.();
      this.running.delete(source.sourceKey);
      options.signal?.removeEventListener('abort', onOuterAbort);
    }
  }

  private async runSession(source: IngestSourceSpec, actor: string, signal: AbortSignal, started: (id: number) => void): Promise<{ session: SessionSummary; files: FileResult[] }> {
    const { entries, rootDev } = await scanSource(source.root, { signal });
    const files = entries.filter((e) => e.type === 'file');
    const bytesTotal = files.reduce((s, e) => s + (e.size ?? 0), 0);
    const clearAfter = source.kind === 'volume' && this.station.settings.get('ingest.clearRecorderAfterIngest');
    const already = new Set<number>();
    const clockDrift = source.clockDrift ?? estimateClockDrift(
      files.filter((e) => !e.skip).map((e) => ({ path: e.path, mtimeMs: e.mtimeMs ?? null })),
      this.station.clock.now(),
      namingRulesOf(this.station),
      this.station.settings.get('agency.timeZone'),
    );
    const sessionId = this.station.write(() => {
      const info = this.q(
          `INSERT INTO ingest_sessions (source_kind, source_key, root, device, fs_type, label, recorder_serial, custodian, owner_pid, status, files_total, bytes_total, started_at,
             clock_drift_seconds, clock_drift_source)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?, ?, ?, ?)`,
        ).run(
          source.kind,
          source.sourceKey,
          source.root,
          source.device,
          source.fsType,
          source.label,
          source.recorder?.serial ?? null,
          actor,
          process.pid,
          entries.length,
          bytesTotal,
          this.now(),
          clockDrift?.seconds ?? null,
          clockDrift?.source ?? null,
        );
      const id = Number(info.lastInsertRowid);
      const insert = this.q('INSERT INTO ingest_files (session_id, seq, path, entry_type, size, mtime_ms, outcome, recording_id, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
      const at = this.now();
      entries.forEach((e, i) => {
        // Files this source already gave (same path, size and time) are settled here at once, not
        // one transaction each: a re-dock of a full recorder costs one commit, not thousands.
        const done = e.type === 'file' && !e.skip && !clearAfter ? this.findSameSource(source.sourceKey, e.segments, e.size ?? -1, e.mtimeMs ?? -1) : null;
        if (done) already.add(i + 1);
        insert.run(id, i + 1, e.path, e.type, e.size, e.mtimeMs, done ? 'already_ingested' : 'pending', done, at);
      });
      this.station.ledger.append({
        actor,
        action: 'ingest.session_started',
        subject: `ingest:${id}`,
        details: {
          sourceKind: source.kind,
          sourceKey: source.sourceKey,
          root: source.root,
          device: source.device,
          fsType: source.fsType,
          label: source.label,
          recorder: source.recorder,
          vendorInfo: source.vendorInfo,
          entries: entries.length,
          files: files.length,
          bytes: bytesTotal,
          clockDrift,
        },
      });
      return id;
    });
    started(sessionId);
    const progress = new ProgressTracker({ filesTotal: entries.length, bytesTotal });
    const emitProgress = (force = false) => {
      if (!progress.due(force)) return;
      this.emit({ type: 'ingest.progress', payload: { ...progress.snapshot(), sessionId, sourceKey: source.sourceKey, recorderSerial: source.recorder?.serial ?? null, root: source.root } });
    };
    const ctx: Ctx = {
      sessionId,
      source,
      actor,
      signal,
      progress,
      emitProgress,
      clearAfter,
      rootDev,
      clockDrift,
    };
    this.emit({ type: 'ingest.session', payload: this.summary(sessionId) });
    emitProgress(true);
    // Two files in flight: the next file is read and encrypted while the previous one is fsynced
    // and read back for verification, which otherwise leaves the recorder idle for a third of the time.
    let stop: Stop | null = null;
    let failure: { error: unknown } | null = null;
    const inFlight = new Set<Promise<void>>();
    const launch = (i: number) => {
      const entry = entries[i]!;
      const seq = i + 1;
      progress.startFile(seq, entry.path);
      const work = already.has(seq) ? Promise.resolve({ result: this.resultOf(sessionId, seq) } as { result: FileResult; stop?: Stop }) : this.processEntry(ctx, seq, entry);
      const p: Promise<void> = work
        .then((out) => {
          progress.finishFile(seq, entry.size ?? 0);
          this.emit({ type: 'ingest.file', payload: out.result });
          emitProgress(progress.snapshot().filesDone === entries.length);
          if (out.stop && !stop) stop = out.stop;
        })
        .catch((error: unknown) => {
          failure ??= { error };
        })
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
    };
    for (let next = 0; ; ) {
      while (!stop && !failure && !signal.aborted && next < entries.length && inFlight.size < FILES_IN_FLIGHT) launch(next++);
      if (inFlight.size === 0) break;
      await Promise.race(inFlight);
    }
    if (failure) throw (failure as { error: unknown }).error;
    if (!stop && signal.aborted) stop = { status: 'interrupted', code: reasonCode(signal.reason) };
    const summary = this.finish(sessionId, actor, stop);
    emitProgress(true);
    this.emit({ type: 'ingest.session', payload: summary });
    return { session: summary, files: this.files(sessionId) };
  }

  private finish(sessionId: number, actor: string, stop: Stop | null): SessionSummary {
    const status: SessionStatus = stop ? stop.status : 'completed';
    try {
      this.station.write(() => {
        this.q('UPDATE ingest_sessions SET status = ?, stop_code = ?, ended_at = ? WHERE id = ?').run(status, stop?.code ?? null, this.now(), sessionId);
        const s = this.summary(sessionId);
        this.station.ledger.append({
          actor,
          action: status === 'completed' ? 'ingest.session_finished' : status === 'interrupted' ? 'ingest.session_interrupted' : 'ingest.session_stopped',
          subject: `ingest:${sessionId}`,
          details: { status, reason: stop?.code ?? null, counts: s.counts, flagged: s.flagged },
        });
      });
    } catch (e) {
      // With the data disk full even this small write can fail; the session row then still says
      // 'running' and the next start closes it as interrupted (recoverInterrupted).
      if (!isDiskFull(e)) throw e;
    }
    const summary = this.summary(sessionId);
    if (summary.status === 'running') return { ...summary, status, stopCode: stop?.code ?? null, mayUndock: false };
    return summary;
  }

  // ---- one entry

  private async processEntry(ctx: Ctx, seq: number, entry: ScannedEntry): Promise<{ result: FileResult; stop?: Stop }> {
    if (entry.skip) return { result: this.record(ctx, seq, entry, 'skipped', entry.skip.reason, { path: entry.path, ...entry.skip.params }) };
    if (entry.type !== 'file') return { result: this.record(ctx, seq, entry, 'skipped', 'ingest.not_regular_file', { path: entry.path, kind: entry.type }) };

    const already = this.findSameSource(ctx.source.sourceKey, entry.segments, entry.size ?? -1, entry.mtimeMs ?? -1);
    if (already && !ctx.clearAfter) return { result: this.record(ctx, seq, entry, 'already_ingested', null, null, already) };

    let opened: OpenedSource | null = null;
    const read: ReadOutcome = { bytes: 0, changed: false };
    try {
      opened = await openSource(entryPath(ctx.source.root, entry.segments), { dev: entry.dev, ino: entry.ino }, entry.path);
      if (already) {
        // Clearing is on: this file was stored by an earlier session; only a fresh hash that
        // matches the catalogue allows deleting it from the recorder.
        await this.clearVerifiedAlready(ctx, entry, opened, already);
        return { result: this.record(ctx, seq, entry, 'already_ingested', null, null, already) };
      }
      const facts = fileFacts({
        fileName: entry.path.slice(entry.path.lastIndexOf('/') + 1),
        probe: await probeReader(sourceReader(opened)),
        mtime: new Date(opened.mtimeMs),
        timeZone: this.station.settings.get('agency.timeZone'),
        now: this.station.clock.now(),
        tolerance: this.station.settings.get('time.toleranceSeconds'),
        nameRules: namingRulesOf(this.station),
      });
      const src = opened;
      const stream = readSource(src, read);
      let first = true;
      let committed: Committed | null = null;
      try {
        await this.station.vault.put(stream, {
          signal: ctx.signal,
          // readSource allocates each block afresh and forgets it once yielded.
          sourceGivesUpBuffers: true,
          onProgress: (n) => {
            ctx.progress.fileBytes(seq, n);
            // The first block of a large file is always reported, so the Dock screen names the
            // file being read at once instead of up to one throttle interval later.
            ctx.emitProgress(first && n < src.size);
            first = false;
          },
          alsoInTransaction: (object) => {
            const existing = this.q('SELECT id FROM vault_objects WHERE sha256 = ? AND id != ? AND wrapped_key IS NOT NULL ORDER BY created_at, id LIMIT 1').get(object.sha256, object.id) as
              | { id: string }
              | undefined;
            if (existing) throw new DuplicateContent(object, existing.id);
            committed = { recordingId: this.insertRecording(ctx, seq, entry, src, read, facts, object, null), outcome: 'ingested' };
          },
        });
      } catch (e) {
        if (!(e instanceof DuplicateContent)) throw e;
        committed = this.station.write(() => this.linkDuplicate(ctx, seq, entry, src, read, facts, e));
      }
      const done = committed as unknown as Committed;
      if (ctx.clearAfter && done.outcome !== 'already_ingested' && !read.changed) await this.clearSource(ctx, entry, src, done.recordingId);
      return { result: this.resultOf(ctx.sessionId, seq) };
    } catch (e) {
      return this.failure(ctx, seq, entry, e, read);
    } finally {
      await opened?.handle.close().catch(() => {});
    }
  }

  /** The same file of the same source: same raw name bytes (never the display text), size and time. */
  private findSameSource(sourceKey: string, segments: readonly Buffer[], size: number, mtimeMs: number): string | null {
    const row = this.q('SELECT id FROM recordings WHERE source_key = ? AND source_path_hex = ? AND source_size = ? AND source_mtime_ms = ?').get(sourceKey, rawPathHex(segments), size, mtimeMs) as
      | { id: string }
      | undefined;
    return row?.id ?? null;
  }

  /** Sorts out why an entry could not be ingested and whether the session can go on. */
  private async failure(ctx: Ctx, seq: number, entry: ScannedEntry, e: unknown, read: ReadOutcome): Promise<{ result: FileResult; stop?: Stop }> {
    const params = { path: entry.path, bytesRead: read.bytes };
    if (ctx.signal.aborted) {
      const code = reasonCode(ctx.signal.reason);
      return { result: this.record(ctx, seq, entry, 'aborted', code, params), stop: { status: 'interrupted', code } };
    }
    if (e instanceof SourceError) {
      if (DEVICE_GONE_ERRNOS.has(e.errno)) {
        const rootAlive = await sourceAlive(ctx.source.root, ctx.rootDev);
        if (!rootAlive) {
          return { result: this.record(ctx, seq, entry, 'aborted', 'io.device_gone', { ...params, errno: e.errno }), stop: { status: 'interrupted', code: 'io.device_gone' } };
        }
        if (e.errno === 'ENOENT') return { result: this.record(ctx, seq, entry, 'failed', 'io.not_found', params) };
        return { result: this.record(ctx, seq, entry, 'aborted', 'io.device_gone', { ...params, errno: e.errno }) };
      }
      const err = fromSystemError(e.cause, entry.path);
      return { result: this.record(ctx, seq, entry, 'failed', err.code, { ...params, ...err.params }) };
    }
    if (isDiskFull(e)) {
      const result = this.recordSafely(ctx, seq, entry, 'failed', 'io.disk_full', params);
      return { result, stop: { status: 'stopped', code: 'io.disk_full' } };
    }
    if (isStationError(e)) {
      if (e.code === 'ingest.symlink_not_followed' || e.code === 'ingest.not_regular_file' || e.code === 'ingest.source_replaced') {
        return { result: this.record(ctx, seq, entry, 'skipped', e.code, { ...e.params, path: entry.path }) };
      }
      if (e.code === 'station.locked') return { result: this.recordSafely(ctx, seq, entry, 'aborted', e.code, params), stop: { status: 'stopped', code: e.code } };
      return { result: this.record(ctx, seq, entry, 'failed', e.code, { ...e.params, path: entry.path }) };
    }
    return { result: this.record(ctx, seq, entry, 'failed', 'ingest.failed', { ...params, message: e instanceof Error ? e.message : String(e) }) };
  }

  /** A file's outcome without a recording (skipped, failed, aborted, already ingested), with its ledger entry. */
  private record(ctx: Ctx, seq: number, entry: ScannedEntry, outcome: FileOutcome, reason: string | null, params: ErrorParams | null, recordingId: string | null = null): FileResult {
    this.station.write(() => {
      this.station.db
        .prepare('UPDATE ingest_files SET outcome = ?, reason = ?, reason_params = ?, recording_id = ?, updated_at = ? WHERE session_id = ? AND seq = ?')
        .run(outcome, reason, params ? JSON.stringify(params) : null, recordingId, this.now(), ctx.sessionId, seq);
      // Nothing on a recorder is left behind without a visible reason (README.md, Architecture): skipped, failed
      // and aborted files are in the ledger, not only in a log.
      if (outcome === 'skipped' || outcome === 'failed' || outcome === 'aborted') {
        this.station.ledger.append({
          actor: ctx.actor,
          action: `ingest.file_${outcome}`,
          subject: `ingest:${ctx.sessionId}`,
          details: { path: entry.path, entryType: entry.type, size: entry.size, reason, params },
        });
      }
    });
    return this.resultOf(ctx.sessionId, seq);
  }

  /** As record(), for when the data disk itself may be full: the result still reaches the caller. */
  private recordSafely(ctx: Ctx, seq: number, entry: ScannedEntry, outcome: FileOutcome, reason: string, params: ErrorParams): FileResult {
    try {
      return this.record(ctx, seq, entry, outcome, reason, params);
    } catch (e) {
      if (!isDiskFull(e)) throw e;
      return { sessionId: ctx.sessionId, seq, path: entry.path, entryType: entry.type, size: entry.size, outcome, reason, params, recordingId: null, flags: [] };
    }
  }

  // ---- catalogue rows

  private identity(ctx: Ctx, facts: FileFacts): { recorderSerial: string | null; recorderSource: string | null; officerBadge: string | null; officerSource: string | null } {
    const recorderSerial = ctx.source.recorder?.serial ?? facts.name.deviceSerial ?? ctx.source.vendorInfo?.deviceSerial ?? null;
    const recorderSource = ctx.source.recorder ? ctx.source.recorder.via : facts.name.deviceSerial ? 'name' : ctx.source.vendorInfo?.deviceSerial ? 'vendor' : null;
    // The file name is the recorder's word for this very file; the vendor info says who is bound to
    // the device now; the registry says whom the custodian assigned it to. Nothing else is used.
    let officerBadge: string | null = null;
    let officerSource: string | null = null;
    if (facts.name.officerId) {
      officerBadge = facts.name.officerId;
      officerSource = 'name';
    } else if (ctx.source.vendorInfo?.officerId) {
      officerBadge = ctx.source.vendorInfo.officerId;
      officerSource = 'vendor';
    } else if (recorderSerial) {
      const assigned = this.registry.recorder(recorderSerial)?.officerBadge ?? null;
      if (assigned) {
        officerBadge = assigned;
        officerSource = 'registry';
      }
    }
    return { recorderSerial, recorderSource, officerBadge, officerSource };
  }

  /** Inside the vault's transaction: the catalogue row, the per-file result and the ledger entry. */
  private insertRecording(
    ctx: Ctx,
    seq: number,
    entry: ScannedEntry,
    src: OpenedSource,
    read: ReadOutcome,
    facts: FileFacts,
    object: { id: string; sha256: string; size: number },
    duplicateOf: string | null,
  ): string {
    const settings = this.station.settings;
    const number = ((this.q('SELECT MAX(number) AS n FROM recordings').get() as { n: number | null }).n ?? 0) + 1;
    const id = recordingIdOf(number);
    const storedAt = this.station.clock.now();
    const rule = settings.get('handover.deadline') as HandoverRule;
    const timeZone = settings.get('agency.timeZone');
    let deadline: Date | null;
    let deadlineUnknown: string | null = null;
    try {
      deadline = handoverDeadline(facts.recordedEndAt, rule, timeZone, this.calendar);
    } catch (e) {
      // A calendar that does not cover the year refuses to guess; the deadline stays unknown and
      // the ledger says why, so an admin adds the year's arrangement (calendar.edit).
      deadline = null;
      deadlineUnknown = isStationError(e) ? e.code : 'calendar.unavailable';
    }
    // A duplicate's hand-over was judged on the first copy; a later copy of the same footage
    // (a vendor-synced folder) is not a new hand-over.
    const late = duplicateOf === null && deadline !== null && isLate(storedAt, deadline);
    const who = this.identity(ctx, facts);
    const interruption = duplicateOf === null ? this.previousSegmentGap(who.recorderSerial, who.officerBadge, facts) : null;
    const fileName = entry.path.slice(entry.path.lastIndexOf('/') + 1);
    const details = {
      sessionId: ctx.sessionId,
      outcome: duplicateOf ? 'duplicate' : 'ingested',
      objectId: object.id,
      sha256: object.sha256,
      size: object.size,
      duplicateOf,
      recorder: who.recorderSerial,
      recorderSource: who.recorderSource,
      officer: who.officerBadge,
      officerSource: who.officerSource,
      recordedAt: facts.recordedAt.toISOString(),
      recordedAtSource: facts.recordedAtSource,
      recordedAtReason: facts.recordedAtReason,
      timeInFuture: facts.timeInFuture,
      timeMismatch: facts.timeMismatch,
      times: { name: facts.nameTime?.toISOString() ?? null, metadata: facts.metaTime?.toISOString() ?? null, filesystem: facts.fsTime.toISOString() },
      nameRule: facts.nameRule,
      nameRulesMatched: facts.nameRulesMatched.map((m) => m.rule),
      important: facts.name.important,
      kind: facts.kind,
      parseProblem: facts.problem,
      source: { key: ctx.source.sourceKey, root: ctx.source.root, device: ctx.source.device, path: entry.path, pathHex: rawPathHex(entry.segments), size: src.size, mtimeMs: src.mtimeMs },
      handover: { rule, deadline: deadline?.toISOString() ?? null, late, calendar: 'workingDays' in rule ? calendarName(this.calendar) : null, deadlineUnknown },
      interruption: interruption ? { after: interruption.after, gapSeconds: interruption.gapSeconds } : null,
      changedDuringRead: read.changed,
      clockDrift: ctx.clockDrift ? { seconds: ctx.clockDrift.seconds, source: ctx.clockDrift.source } : null,
    };
    const ledgerEntry = this.station.ledger.append({ actor: ctx.actor, action: 'recording.ingested', subject: `recording:${id}`, details });
    this.q(
      `INSERT INTO recordings (id, number, object_id, sha256, size, duplicate_of, ingest_seq, agency_code, agency_name,
         recorder_serial, recorder_source, officer_badge, officer_source, name_case_number,
         recorded_at, recorded_at_source, recorded_end_at, stored_at, name_time, name_time_raw, meta_time, meta_time_source, fs_time,
         name_rule, name_sequence, important, kind, format, duration_seconds, width, height, video_codec, audio_codec, parse_problem,
         original_name, source_kind, source_key, source_root, source_device, source_path, source_path_hex, source_size, source_mtime_ms,
         session_id, ingested_by, handover_rule, handover_deadline, late, interruption, interruption_after, interruption_gap_seconds, changed_during_read,
         recorded_at_reason, time_in_future, time_mismatch, deadline_unknown, name_rules_matched, clock_drift_seconds, clock_drift_source)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      id,
      number,
      object.id,
      object.sha256,
      object.size,
      duplicateOf,
      ledgerEntry.seq,
      settings.get('agency.code'),
      settings.get('agency.name'),
      who.recorderSerial,
      who.recorderSource,
      who.officerBadge,
      who.officerSource,
      facts.name.caseNumber ?? null,
      facts.recordedAt.toISOString(),
      facts.recordedAtSource,
      facts.recordedEndAt.toISOString(),
      storedAt.toISOString(),
      facts.nameTime?.toISOString() ?? null,
      facts.nameTimeRaw,
      facts.metaTime?.toISOString() ?? null,
      facts.metaTimeSource,
      facts.fsTime.toISOString(),
      facts.nameRule,
      facts.name.sequence ?? null,
      facts.name.important ? 1 : 0,
      facts.kind,
      facts.format,
      facts.durationSeconds,
      facts.width,
      facts.height,
      facts.videoCodec,
      facts.audioCodec,
      facts.problem ? JSON.stringify(facts.problem) : null,
      fileName,
      ctx.source.kind,
      ctx.source.sourceKey,
      ctx.source.root,
      ctx.source.device,
      entry.path,
      rawPathHex(entry.segments),
      src.size,
      src.mtimeMs,
      ctx.sessionId,
      ctx.actor,
      JSON.stringify(rule),
      deadline?.toISOString() ?? null,
      late ? 1 : 0,
      interruption ? 1 : 0,
      interruption?.after ?? null,
      interruption?.gapSeconds ?? null,
      read.changed ? 1 : 0,
      JSON.stringify(facts.recordedAtReason),
      facts.timeInFuture.length > 0 ? JSON.stringify(facts.timeInFuture) : null,
      facts.timeMismatch.length > 0 ? JSON.stringify(facts.timeMismatch) : null,
      duplicateOf === null && deadline === null && deadlineUnknown !== null ? 1 : 0,
      JSON.stringify(facts.nameRulesMatched),
      ctx.clockDrift?.seconds ?? null,
      ctx.clockDrift?.source ?? null,
    );
    if (duplicateOf === null) this.flagNextSegment(ctx.actor, id, who.recorderSerial, who.officerBadge, facts);
    this.q("UPDATE ingest_files SET outcome = ?, reason = NULL, reason_params = NULL, recording_id = ?, updated_at = ? WHERE session_id = ? AND seq = ?").run(
      duplicateOf ? 'duplicate' : 'ingested',
      id,
      storedAt.toISOString(),
      ctx.sessionId,
      seq,
    );
    return id;
  }

  /** Same content already in the vault: a new catalogue row for this copy, linked to the stored object. */
  private linkDuplicate(ctx: Ctx, seq: number, entry: ScannedEntry, src: OpenedSource, read: ReadOutcome, facts: FileFacts, dup: DuplicateContent): Committed {
    const same = this.q('SELECT id FROM recordings WHERE source_key = ? AND source_path_hex = ? AND sha256 = ? ORDER BY number LIMIT 1').get(ctx.source.sourceKey, rawPathHex(entry.segments), dup.object.sha256) as
      | { id: string }
      | undefined;
    if (same) {
      // The same file of the same source, only its time stamp changed: it is already catalogued.
      this.q("UPDATE ingest_files SET outcome = 'already_ingested', recording_id = ?, updated_at = ? WHERE session_id = ? AND seq = ?").run(same.id, this.now(), ctx.sessionId, seq);
      return { recordingId: same.id, outcome: 'already_ingested' };
    }
    const first = this.q('SELECT id FROM recordings WHERE object_id = ? AND duplicate_of IS NULL ORDER BY number LIMIT 1').get(dup.existingObjectId) as { id: string } | undefined;
    const object = this.q('SELECT id, sha256, size FROM vault_objects WHERE id = ?').get(dup.existingObjectId) as { id: string; sha256: string; size: number };
    // Without an earlier recording the object was stored by something other than an ingest, and
    // this is the first recording of it.
    const recordingId = this.insertRecording(ctx, seq, entry, src, read, facts, object, first?.id ?? null);
    return { recordingId, outcome: first ? 'duplicate' : 'ingested' };
  }

  /**
   * 000_f52585dae22cddca.txt 第九条: a recording must not be stopped without cause; when it was,
   * the reason is explained. Two segments of one recorder (or officer) separated by a gap inside
   * the setting's window look like such a stop.
   */
  private previousSegmentGap(serial: string | null, badge: string | null, facts: FileFacts): { after: string; gapSeconds: number } | null {
    if (!this.segmentCandidate(serial, badge, facts)) return null;
    const { min, max } = this.station.settings.get('ingest.interruptionGapSeconds');
    const [col, val] = serial ? ['recorder_serial', serial] : ['officer_badge', badge];
    const prev = this.station.db
      .prepare(
        `SELECT id, recorded_end_at FROM recordings WHERE ${col} = ? AND kind IN ('video', 'audio') AND duplicate_of IS NULL AND duration_seconds IS NOT NULL
           AND recorded_at_source IN ('name', 'metadata') AND recorded_at < ? ORDER BY recorded_at DESC LIMIT 1`,
      )
      .get(val, facts.recordedAt.toISOString()) as { id: string; recorded_end_at: string } | undefined;
    if (!prev) return null;
    const gap = (facts.recordedAt.getTime() - new Date(prev.recorded_end_at).getTime()) / 1000;
    return gap >= min && gap <= max ? { after: prev.id, gapSeconds: gap } : null;
  }

  /**
   * Files arrive in any order (two folders, a resumed session): the segment after a newly catalogued
   * one is judged again against it, its nearest predecessor now. A flag that the new segment
   * explains away is lifted, and that is ledgered too.
   */
  private flagNextSegment(actor: string, id: string, serial: string | null, badge: string | null, facts: FileFacts): void {
    if (!this.segmentCandidate(serial, badge, facts)) return;
    const { min, max } = this.station.settings.get('ingest.interruptionGapSeconds');
    const [col, val] = serial ? ['recorder_serial', serial] : ['officer_badge', badge];
    const next = this.q(
      `SELECT id, recorded_at, interruption, interruption_after, interruption_gap_seconds FROM recordings WHERE ${col} = ? AND kind IN ('video', 'audio') AND duplicate_of IS NULL
         AND recorded_at_source IN ('name', 'metadata') AND recorded_at > ? AND id != ? ORDER BY recorded_at ASC LIMIT 1`,
    ).get(val, facts.recordedAt.toISOString(), id) as { id: string; recorded_at: string; interruption: number; interruption_after: string | null; interruption_gap_seconds: number | null } | undefined;
    if (!next) return;
    const gap = (new Date(next.recorded_at).getTime() - facts.recordedEndAt.getTime()) / 1000;
    const inWindow = gap >= min && gap <= max;
    if (inWindow) {
      this.q('UPDATE recordings SET interruption = 1, interruption_after = ?, interruption_gap_seconds = ? WHERE id = ?').run(id, gap, next.id);
      this.station.ledger.append({ actor, action: 'recording.flagged', subject: `recording:${next.id}`, details: { flag: 'interruption', after: id, gapSeconds: gap, previously: next.interruption === 1 ? { after: next.interruption_after, gapSeconds: next.interruption_gap_seconds } : null } });
    } else if (next.interruption === 1) {
      this.q('UPDATE recordings SET interruption = 0, interruption_after = NULL, interruption_gap_seconds = NULL WHERE id = ?').run(next.id);
      this.station.ledger.append({ actor, action: 'recording.unflagged', subject: `recording:${next.id}`, details: { flag: 'interruption', reason: 'nearer_segment', after: id, gapSeconds: gap } });
    }
  }

  private segmentCandidate(serial: string | null, badge: string | null, facts: FileFacts): boolean {
    return (serial !== null || badge !== null) && (facts.kind === 'video' || facts.kind === 'audio') && facts.durationSeconds !== null && facts.recordedAtSource !== 'filesystem';
  }

  // ---- clearing the recorder (setting, off by default)

  private async clearSource(ctx: Ctx, entry: ScannedEntry, src: OpenedSource, recordingId: string): Promise<void> {
    // With the replica's "clear only after replication" on, the file stays until its copy is also
    // stored and locked on the replica; a later dock clears it (replica/README.md).
    const replica = replicaClearance(this.station.db, recordingId);
    if (replica.required && !replica.ready) return;
    const path = entryPath(ctx.source.root, entry.segments);
    try {
      // Deleted only if it is still exactly the file that was read and verified.
      const st = await lstat(path);
      if (!st.isFile() || st.ino !== src.ino || st.dev !== src.dev || st.size !== src.size || Math.floor(st.mtimeMs) !== src.mtimeMs) {
        throw new StationError('state', 'ingest.source_replaced', { path: entry.path });
      }
      await unlink(path);
    } catch (e) {
      const err = isStationError(e) ? e : fromSystemError(e, entry.path);
      this.station.write(() =>
        this.station.ledger.append({ actor: ctx.actor, action: 'recording.source_delete_failed', subject: `recording:${recordingId}`, details: { path: entry.path, reason: err.code } }),
      );
      return;
    }
    const sha = this.catalogue.find(recordingId)?.sha256 ?? null;
    this.station.write(() => {
      this.q('UPDATE recordings SET source_deleted_at = ? WHERE id = ? AND source_deleted_at IS NULL').run(this.now(), recordingId);
      this.station.ledger.append({
        actor: ctx.actor,
        action: 'recording.source_deleted',
        subject: `recording:${recordingId}`,
        details: {
          path: entry.path,
          root: ctx.source.root,
          sha256: sha,
          ...(replica.required ? { replica: { versionId: replica.versionId, retainUntil: replica.retainUntil, legalHold: replica.legalHold } } : {}),
        },
      });
    });
  }

  private async clearVerifiedAlready(ctx: Ctx, entry: ScannedEntry, src: OpenedSource, recordingId: string): Promise<void> {
    const replica = replicaClearance(this.station.db, recordingId);
    if (replica.required && !replica.ready) return;
    const hash = createHash('sha256');
    const read: ReadOutcome = { bytes: 0, changed: false };
    for await (const chunk of readSource(src, read)) hash.update(chunk);
    const rec = this.catalogue.find(recordingId);
    if (!rec || read.changed || hash.digest('hex') !== rec.sha256 || rec.sourceDeletedAt) return;
    await this.clearSource(ctx, entry, src, recordingId);
  }

  // ---- reading sessions back

  files(sessionId: number, options: { offset?: number; limit?: number; outcome?: FileOutcome | 'pending' } = {}): FileResult[] {
    const where = options.outcome ? 'AND f.outcome = ?' : '';
    const args: unknown[] = [sessionId];
    if (options.outcome) args.push(options.outcome);
    const rows = this.station.db
      .prepare(`SELECT f.* FROM ingest_files f WHERE f.session_id = ? ${where} ORDER BY f.seq LIMIT ? OFFSET ?`)
      .all(...args, options.limit ?? 1_000_000, options.offset ?? 0) as FileRow[];
    return rows.map((r) => this.toResult(r));
  }

  private resultOf(sessionId: number, seq: number): FileResult {
    const row = this.q('SELECT * FROM ingest_files WHERE session_id = ? AND seq = ?').get(sessionId, seq) as FileRow;
    return this.toResult(row);
  }

  private toResult(r: FileRow): FileResult {
    const flags = r.recording_id && (r.outcome === 'ingested' || r.outcome === 'duplicate') ? (this.catalogue.find(r.recording_id)?.flags ?? []) : [];
    return {
      sessionId: r.session_id,
      seq: r.seq,
      path: r.path,
      entryType: r.entry_type,
      size: r.size,
      outcome: r.outcome,
      reason: r.reason,
      params: r.reason_params ? (JSON.parse(r.reason_params) as ErrorParams) : null,
      recordingId: r.recording_id,
      flags,
    };
  }

  summary(sessionId: number): SessionSummary {
    const s = this.q('SELECT * FROM ingest_sessions WHERE id = ?').get(sessionId) as SessionRow | undefined;
    if (!s) throw new StationError('input', 'ingest.no_such_session', { sessionId });
    const counts = EMPTY_COUNTS();
    for (const r of this.q('SELECT outcome, COUNT(*) AS n FROM ingest_files WHERE session_id = ? GROUP BY outcome').all(sessionId) as { outcome: FileOutcome | 'pending'; n: number }[]) {
      counts[r.outcome] = r.n;
    }
    const f = this.station.db
      .prepare(
        `SELECT COALESCE(SUM(r.late), 0) AS late, COALESCE(SUM(r.interruption), 0) AS interruption, COALESCE(SUM(r.parse_problem IS NOT NULL), 0) AS unparseable,
           COALESCE(SUM(r.changed_during_read), 0) AS changed,
           COALESCE(SUM((r.late = 1 AND NOT EXISTS (SELECT 1 FROM explanations e WHERE e.recording_id = r.id AND e.kind = 'late_handover'))
             OR (r.interruption = 1 AND NOT EXISTS (SELECT 1 FROM explanations e WHERE e.recording_id = r.id AND e.kind = 'interruption'))), 0) AS needs
         FROM ingest_files x JOIN recordings r ON r.id = x.recording_id WHERE x.session_id = ? AND x.outcome IN ('ingested', 'duplicate')`,
      )
      .get(sessionId) as { late: number; interruption: number; unparseable: number; changed: number; needs: number };
    return {
      id: s.id,
      sourceKind: s.source_kind,
      sourceKey: s.source_key,
      root: s.root,
      device: s.device,
      fsType: s.fs_type,
      label: s.label,
      recorderSerial: s.recorder_serial,
      custodian: s.custodian,
      status: s.status,
      stopCode: s.stop_code,
      filesTotal: s.files_total,
      bytesTotal: s.bytes_total,
      startedAt: s.started_at,
      endedAt: s.ended_at,
      counts,
      flagged: { late: f.late, interruption: f.interruption, unparseable: f.unparseable, changedDuringRead: f.changed, needsExplanation: f.needs },
      clockDrift:
        s.clock_drift_seconds !== null && s.clock_drift_source
          ? { seconds: s.clock_drift_seconds, source: s.clock_drift_source, beyondTolerance: driftBeyondTolerance(s.clock_drift_seconds, s.clock_drift_source, this.station.settings.get('recorder.clockDriftToleranceSeconds')) }
          : null,
      mayUndock: s.status === 'completed' && counts.pending === 0 && counts.aborted === 0,
    };
  }

  sessions(options: { offset?: number; limit?: number; sourceKey?: string } = {}): { total: number; items: SessionSummary[] } {
    const where = options.sourceKey ? 'WHERE source_key = ?' : '';
    const args: unknown[] = options.sourceKey ? [options.sourceKey] : [];
    const total = (this.q(`SELECT COUNT(*) AS n FROM ingest_sessions ${where}`).get(...args) as { n: number }).n;
    const ids = this.q(`SELECT id FROM ingest_sessions ${where} ORDER BY id DESC LIMIT ? OFFSET ?`).all(...args, options.limit ?? 50, options.offset ?? 0) as { id: number }[];
    return { total, items: ids.map((r) => this.summary(r.id)) };
  }
}

/** Media headers are read through the same handle as the bytes; its OS errors are source errors too. */
function sourceReader(src: OpenedSource): RandomAccessReader {
  const base = fileHandleReader(src.handle, src.size);
  return {
    size: base.size,
    async read(offset, length) {
      try {
        return await base.read(offset, length);
      } catch (e) {
        if (typeof (e as NodeJS.ErrnoException | null)?.code === 'string') throw new SourceError(e);
        throw e;
      }
    },
  };
}

function calendarName(c: WorkingDayCalendar): string {
  return c instanceof LazyHolidayCalendar ? c.lastUsed : 'custom';
}

function reasonCode(reason: unknown): string {
  return isStationError(reason) ? reason.code : 'ingest.stopped';
}

/**
 * Whether the source is still there: its root can be listed and is still the same file system (a
 * lazily unmounted volume leaves an empty mount-point directory behind).
 */
async function sourceAlive(root: string, rootDev: number): Promise<boolean> {
  try {
    if ((await stat(root)).dev !== rootDev) return false;
    await readdir(root);
    return true;
  } catch {
    return false;
  }
}
