// One entry of a source: skipped with its reason, or opened once (O_NOFOLLOW, checked to be the
// scanned entry), its media headers read through that handle, its bytes streamed once through the
// vault (hash, cipher, read-back verify) and catalogued in the vault's transaction; then, with the
// setting on, cleared from the recorder. Every way it can go wrong ends in a recorded outcome.
import { readdir, stat, unlink, lstat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { StationError, isStationError, fromSystemError, type ErrorParams } from '../errors.ts';
import type { Clock } from '../clock.ts';
import type { ReadableDB } from '../db/database.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { Settings } from '../settings.ts';
import type { Vault } from '../vault/vault.ts';
import type { Recordings } from '../recordings/recordings.ts';
import { replicaClearance } from '../replica/clearance.ts';
import { probeReader } from '../media/probe.ts';
import { fileHandleReader, type RandomAccessReader } from '../media/fileReader.ts';
import { entryPath, rawPathHex, type ScannedEntry } from './scan.ts';
import { openSource, readSource, SourceError, DEVICE_GONE_ERRNOS, type OpenedSource, type ReadOutcome } from './sourceFile.ts';
import { fileFacts } from './metadata.ts';
import type { NamingRules } from './nameRules.ts';
import type { CatalogueWrite } from './catalogueWrite.ts';
import type { SessionStore } from './sessionStore.ts';
import type { Committed, Ctx, FileOutcome, FileResult, Stop } from './types.ts';

/** The vault's disk or the database is full: the session stops rather than fail file after file. */
export function isDiskFull(e: unknown): boolean {
  if (isStationError(e)) return e.code === 'io.disk_full';
  const code = (e as { code?: string } | null)?.code;
  return code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT';
}

export type OneFileDeps = {
  /** Read only here: replica clearance (replica/clearance.ts). */
  db: ReadableDB;
  ledger: Pick<Ledger, 'append'>;
  clock: Clock;
  settings: Pick<Settings, 'get'>;
  write: <T>(fn: () => T) => T;
  vault: Pick<Vault, 'put'>;
  recordings: Pick<Recordings, 'find' | 'sameSource' | 'markSourceDeleted'>;
  store: SessionStore;
  namingRules: Pick<NamingRules, 'rules'>;
  catalogue: CatalogueWrite;
};

export class OneFile {
  private readonly deps: OneFileDeps;
  constructor(deps: OneFileDeps) {
    this.deps = deps;
  }

  /**
   * Opens, reads, stores and catalogues one entry; says whether the session can go on. `sourceRead` is told when the
   * file's bytes have all been read from the source and only the vault's own work (fsync, rename, read-back verify,
   * the catalogue commit) is left, so the session can start reading the next file meanwhile.
   */
  async process(ctx: Ctx, seq: number, entry: ScannedEntry, sourceRead?: () => void): Promise<{ result: FileResult; stop?: Stop }> {
    if (entry.skip) return { result: this.record(ctx, seq, entry, 'skipped', entry.skip.reason, { path: entry.path, ...entry.skip.params }) };
    if (entry.type !== 'file') return { result: this.record(ctx, seq, entry, 'skipped', 'ingest.not_regular_file', { path: entry.path, kind: entry.type }) };

    const already = this.alreadyIngested(ctx.source.sourceKey, entry);
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
        timeZone: this.deps.settings.get('agency.timeZone'),
        now: this.deps.clock.now(),
        tolerance: this.deps.settings.get('time.toleranceSeconds'),
        nameRules: this.deps.namingRules.rules(),
      });
      const src = opened;
      const stream = readSource(src, read);
      let first = true;
      let committed: Committed | null = null;
      await this.deps.vault.put(stream, {
        signal: ctx.signal,
        // No copy of the bytes: readSource lends its blocks (a LendingSource), the vault's writer moves each one to
        // its sealing thread and gives it back for the next read.
        // Content already in the vault is not stored twice; this copy gets its own catalogue row, linked.
        dedupe: true,
        onProgress: (n) => {
          ctx.progress.fileBytes(seq, n);
          // The first block of a large file is always reported, so the Dock screen names the
          // file being read at once instead of up to one throttle interval later.
          ctx.emitProgress(first && n < src.size);
          first = false;
        },
        onSourceRead: sourceRead,
        alsoInTransaction: (stored) => {
          committed = this.deps.catalogue.catalogue({ ctx, seq, entry, src, read, facts }, stored);
        },
      });
      const done = committed as unknown as Committed;
      if (ctx.clearAfter && done.outcome !== 'already_ingested' && !read.changed) await this.clearSource(ctx, entry, src, done.recordingId);
      return { result: this.deps.store.result(ctx.sessionId, seq) };
    } catch (e) {
      return this.failure(ctx, seq, entry, e, read);
    } finally {
      await opened?.handle.close().catch(() => {});
    }
  }

  /** The same file of the same source: same raw name bytes (never the display text), size and time. */
  alreadyIngested(sourceKey: string, entry: ScannedEntry): string | null {
    return this.deps.recordings.sameSource(sourceKey, rawPathHex(entry.segments), entry.size ?? -1, entry.mtimeMs ?? -1);
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
    this.deps.write(() => {
      this.deps.store.setOutcome(ctx.sessionId, seq, outcome, reason, params, recordingId);
      // Nothing on a recorder is left behind without a visible reason (README.md, Architecture): skipped, failed
      // and aborted files are in the ledger, not only in a log.
      if (outcome === 'skipped' || outcome === 'failed' || outcome === 'aborted') {
        this.deps.ledger.append({
          actor: ctx.actor,
          action: `ingest.file_${outcome}`,
          subject: `ingest:${ctx.sessionId}`,
          details: { path: entry.path, entryType: entry.type, size: entry.size, reason, params },
        });
      }
    });
    return this.deps.store.result(ctx.sessionId, seq);
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


  // ---- clearing the recorder (setting ingest.clearRecorderAfterIngest, off by default)

  private async clearSource(ctx: Ctx, entry: ScannedEntry, src: OpenedSource, recordingId: string): Promise<void> {
    // With the replica's "clear only after replication" on, the file stays until its copy is also
    // stored and locked on the replica; a later dock clears it (replica/README.md).
    const replica = replicaClearance(this.deps.db, recordingId);
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
      this.deps.write(() =>
        this.deps.ledger.append({ actor: ctx.actor, action: 'recording.source_delete_failed', subject: `recording:${recordingId}`, details: { path: entry.path, reason: err.code } }),
      );
      return;
    }
    const sha = this.deps.recordings.find(recordingId)?.sha256 ?? null;
    this.deps.write(() => {
      this.deps.recordings.markSourceDeleted(recordingId, this.deps.store.now());
      this.deps.ledger.append({
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
    const replica = replicaClearance(this.deps.db, recordingId);
    if (replica.required && !replica.ready) return;
    const hash = createHash('sha256');
    const read: ReadOutcome = { bytes: 0, changed: false };
    const blocks = readSource(src, read);
    for await (const chunk of blocks) {
      hash.update(chunk);
      blocks.giveBack(chunk);
    }
    const rec = this.deps.recordings.find(recordingId);
    if (!rec || read.changed || hash.digest('hex') !== rec.sha256 || rec.sourceDeletedAt) return;
    await this.clearSource(ctx, entry, src, recordingId);
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

/** The code a stopped session or aborted file is recorded with. */
export function reasonCode(reason: unknown): string {
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
