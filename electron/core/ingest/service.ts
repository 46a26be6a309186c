// The ingest pipeline (issue "Dock and ingest" item 5). One session walks one source; for each file:
// open once → media headers from that handle → the bytes streamed once through SHA-256 and the
// vault cipher (vault.put) → read-back verified → the catalogue row, the per-file result and the
// ledger entry commit in ONE transaction. A crash or an unplug at any point before that commit
// leaves nothing claiming the file, so the next session simply does it again; after it, the
// source identity (source key, path, size, mtime) says "already ingested" and it is never
// duplicated.
//
// The service holds what lives as long as the station: listeners, the running sessions and the
// concurrency limit. The steps are separate: session.ts (one source), oneFile.ts (one entry),
// catalogueWrite.ts (its catalogue row), sessionStore.ts (the ingest tables).
import { StationError } from '../errors.ts';
import { NamingRules } from './nameRules.ts';
import { LazyHolidayCalendar } from './workingDays.ts';
import { Registry } from './registry.ts';
import { SessionStore } from './sessionStore.ts';
import { CatalogueWrite } from './catalogueWrite.ts';
import { OneFile } from './oneFile.ts';
import { SessionStep } from './session.ts';
import type { FileOutcome, FileResult, IngestDeps, IngestEvent, IngestListener, IngestSourceSpec, SessionSummary } from './types.ts';
import { processAlive } from '../processAlive.ts';

export type {
  FileOutcome,
  FileResult,
  IngestDeps,
  IngestEvent,
  IngestListener,
  IngestSourceSpec,
  ProgressEvent,
  RecorderIdentity,
  SessionStatus,
  SessionSummary,
} from './types.ts';


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
  readonly registry: Registry;
  readonly namingRules: NamingRules;
  private readonly store: SessionStore;
  private readonly deps: IngestDeps;
  private readonly session: SessionStep;
  /** The catalogue write of one stored file (catalogueWrite.ts). */
  readonly catalogue: CatalogueWrite;
  private readonly listeners = new Set<IngestListener>();
  private readonly running = new Map<string, { sessionId: number | null; controller: AbortController }>();
  private readonly slots: Slots;

  constructor(deps: IngestDeps) {
    this.deps = deps;
    const { db, ledger, clock, write } = deps;
    this.registry = new Registry({ db, ledger, clock, write, recordings: deps.recordings });
    this.namingRules = new NamingRules({ paths: deps.paths, ledger, write });
    this.slots = new Slots(() => this.deps.settings.get('ingest.maxConcurrentRecorders'));
    const { recordings, settings } = deps;
    this.store = new SessionStore({ db, clock, recordings, driftTolerance: () => settings.get('recorder.clockDriftToleranceSeconds') });
    const catalogue = (this.catalogue = new CatalogueWrite({ recordings, registry: this.registry, store: this.store, ledger, clock, settings, calendar: new LazyHolidayCalendar(deps.calendar) }));
    const oneFile = new OneFile({ db, ledger, clock, settings, write, vault: deps.vault, recordings, store: this.store, namingRules: this.namingRules, catalogue });
    this.session = new SessionStep({ ledger, clock, settings, write, store: this.store, oneFile, namingRules: this.namingRules, emit: (e) => this.emit(e) });
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

  /** The custodian on duty must still be one: a disabled or demoted user cannot keep ingesting. */
  private assertCustodian(username: string): void {
    let user;
    try {
      user = this.deps.users.backed(username, 'command');
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
    const rows = this.store.running();
    const dead = rows.filter((r) => !processAlive(r.ownerPid) || (r.ownerPid === process.pid && ![...this.running.values()].some((x) => x.sessionId === r.id)));
    if (dead.length === 0) return [];
    this.deps.write(() => {
      for (const r of dead) {
        const pending = this.store.interrupt(r.id, 'ingest.process_ended');
        this.deps.ledger.append({ actor: 'system', action: 'ingest.session_interrupted', subject: `ingest:${r.id}`, details: { reason: 'ingest.process_ended', pid: r.ownerPid, pendingFiles: pending } });
      }
    });
    return dead.map((r) => r.id);
  }

  /** Runs one session over `source` to its end and returns every file's result. */
  async ingest(source: IngestSourceSpec, actor: string, options: { signal?: AbortSignal } = {}): Promise<{ session: SessionSummary; files: FileResult[] }> {
    this.deps.requireUnlocked();
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
      return await this.session.run(source, actor, controller.signal, (id) => (slot.sessionId = id));
    } finally {
      release?.();
      this.running.delete(source.sourceKey);
      options.signal?.removeEventListener('abort', onOuterAbort);
    }
  }

  // ---- reading sessions back

  files(sessionId: number, options: { offset?: number; limit?: number; outcome?: FileOutcome | 'pending' } = {}): FileResult[] {
    return this.store.files(sessionId, options);
  }

  summary(sessionId: number): SessionSummary {
    return this.store.summary(sessionId);
  }

  sessions(options: { offset?: number; limit?: number; sourceKey?: string } = {}): { total: number; items: SessionSummary[] } {
    return this.store.sessions(options);
  }
}
