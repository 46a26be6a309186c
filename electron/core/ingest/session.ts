// One session over one source: the scan, the session row with one row per entry (files this source
// already gave settled at once), the files read two at a time while the one before is verified, until
// the end or a stop, the closing ledger entry. Events go out as it goes (ingest.session,
// ingest.progress, ingest.file).
import type { Clock } from '../clock.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { Settings } from '../settings.ts';
import { scanSource } from './scan.ts';
import { estimateClockDrift } from './clockDrift.ts';
import type { NamingRules } from './nameRules.ts';
import { ProgressTracker } from './progress.ts';
import { isDiskFull, reasonCode, type OneFile } from './oneFile.ts';
import type { SessionStore } from './sessionStore.ts';
import type { Ctx, FileResult, IngestEvent, IngestSourceSpec, SessionStatus, SessionSummary, Stop } from './types.ts';

/** Files of one session read from the source at once. */
export const FILES_READ_AT_ONCE = 2;
/**
 * Files of one session open at once: a new file is started only while fewer than this many are open, so besides the
 * ones being read at most one more is made durable and verified (two, once a read has ended and its successor waits).
 */
export const FILES_OPEN_AT_ONCE = FILES_READ_AT_ONCE + 1;

export type SessionStepDeps = {
  ledger: Pick<Ledger, 'append'>;
  clock: Clock;
  settings: Pick<Settings, 'get'>;
  write: <T>(fn: () => T) => T;
  store: SessionStore;
  oneFile: OneFile;
  namingRules: Pick<NamingRules, 'rules'>;
  emit: (event: IngestEvent) => void;
};

export class SessionStep {
  private readonly deps: SessionStepDeps;
  constructor(deps: SessionStepDeps) {
    this.deps = deps;
  }

  /** Scans the source, records the session and its entries, stores them a few at a time, ends the session. */
  async run(source: IngestSourceSpec, actor: string, signal: AbortSignal, started: (id: number) => void): Promise<{ session: SessionSummary; files: FileResult[] }> {
    const { entries, rootDev } = await scanSource(source.root, { signal });
    const files = entries.filter((e) => e.type === 'file');
    const bytesTotal = files.reduce((s, e) => s + (e.size ?? 0), 0);
    const clearAfter = source.kind === 'volume' && this.deps.settings.get('ingest.clearRecorderAfterIngest');
    const already = new Set<number>();
    const clockDrift = source.clockDrift ?? estimateClockDrift(
      files.filter((e) => !e.skip).map((e) => ({ path: e.path, mtimeMs: e.mtimeMs ?? null })),
      this.deps.clock.now(),
      this.deps.namingRules.rules(),
      this.deps.settings.get('agency.timeZone'),
    );
    const sessionId = this.deps.write(() => {
      const id = this.deps.store.createSession(source, actor, entries.length, bytesTotal, clockDrift);
      const at = this.deps.store.now();
      entries.forEach((e, i) => {
        // Files this source already gave (same path, size and time) are settled here at once, not
        // one transaction each: a re-dock of a full recorder costs one commit, not thousands.
        const done = e.type === 'file' && !e.skip && !clearAfter ? this.deps.oneFile.alreadyIngested(source.sourceKey, e) : null;
        if (done) already.add(i + 1);
        this.deps.store.addFile(id, i + 1, e, done, at);
      });
      this.deps.ledger.append({
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
      this.deps.emit({ type: 'ingest.progress', payload: { ...progress.snapshot(), sessionId, sourceKey: source.sourceKey, recorderSerial: source.recorder?.serial ?? null, root: source.root } });
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
    this.deps.emit({ type: 'ingest.session', payload: this.deps.store.summary(sessionId) });
    emitProgress(true);
    // The files of a session go through two stages: reading (the recorder's bytes hashed, sealed and written by the
    // file's sealing thread) and the vault's tail (fsync, rename, the read-back verify on a thread of its own, the
    // catalogue commit). A file leaves the reading stage as soon as its last byte is read, so the next file is read
    // while it is made durable and verified: otherwise the files read together also wait for their fsyncs and verify
    // together, and the recorder and a core stand idle meanwhile (issue 16). At most FILES_READ_AT_ONCE files are read at
    // once and FILES_OPEN_AT_ONCE are open in all: memory stays a few files' blocks and verify buffers.
    let stop: Stop | null = null;
    let failure: { error: unknown } | null = null;
    const inFlight = new Set<Promise<void>>();
    let reading = 0;
    // Resolved when a file leaves the reading stage, so the loop below can start the next one before it finishes.
    let wake: () => void = () => {};
    const launch = (i: number) => {
      const entry = entries[i]!;
      const seq = i + 1;
      progress.startFile(seq, entry.path);
      reading++;
      let read = false;
      const sourceRead = () => {
        if (read) return;
        read = true;
        reading--;
        wake();
      };
      const work = already.has(seq) ? Promise.resolve({ result: this.deps.store.result(sessionId, seq) } as { result: FileResult; stop?: Stop }) : this.deps.oneFile.process(ctx, seq, entry, sourceRead);
      const p: Promise<void> = work
        .then((out) => {
          progress.finishFile(seq, entry.size ?? 0);
          this.deps.emit({ type: 'ingest.file', payload: out.result });
          emitProgress(progress.snapshot().filesDone === entries.length);
          if (out.stop && !stop) stop = out.stop;
        })
        .catch((error: unknown) => {
          failure ??= { error };
        })
        .finally(() => {
          sourceRead();
          inFlight.delete(p);
        });
      inFlight.add(p);
    };
    for (let next = 0; ; ) {
      while (!stop && !failure && !signal.aborted && next < entries.length && reading < FILES_READ_AT_ONCE && inFlight.size < FILES_OPEN_AT_ONCE) launch(next++);
      if (inFlight.size === 0) break;
      const woken = new Promise<void>((resolve) => (wake = resolve));
      await Promise.race([...inFlight, woken]);
    }
    if (failure) throw (failure as { error: unknown }).error;
    if (!stop && signal.aborted) stop = { status: 'interrupted', code: reasonCode(signal.reason) };
    const summary = this.finish(sessionId, actor, stop);
    emitProgress(true);
    this.deps.emit({ type: 'ingest.session', payload: summary });
    return { session: summary, files: this.deps.store.files(sessionId) };
  }

  private finish(sessionId: number, actor: string, stop: Stop | null): SessionSummary {
    const status: SessionStatus = stop ? stop.status : 'completed';
    try {
      this.deps.write(() => {
        this.deps.store.end(sessionId, status, stop?.code ?? null);
        const s = this.deps.store.summary(sessionId);
        this.deps.ledger.append({
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
    const summary = this.deps.store.summary(sessionId);
    if (summary.status === 'running') return { ...summary, status, stopCode: stop?.code ?? null, mayUndock: false };
    return summary;
  }
}
