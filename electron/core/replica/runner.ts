// The queue in the background: the desktop app and `station watch` (the dock's duty) keep the
// replica moving without anyone typing `station replica run`.
import { isStationError } from '../errors.ts';
import type { ReplicaService } from './service.ts';
import type { RunnerEvent } from '../../shared/events.ts';

export type { RunnerEvent };

/** What the runner needs: whether the station can send (set up and unlocked), and its replica. */
export type RunnerDeps = { ready: () => boolean; replica: () => ReplicaService };

export class ReplicaRunner {
  private readonly deps: RunnerDeps;
  private readonly intervalMs: number;
  private readonly onEvent: (e: RunnerEvent) => void;
  private timer: NodeJS.Timeout | null = null;
  private current: Promise<void> | null = null;
  private readonly abort = new AbortController();

  constructor(deps: RunnerDeps, options: { intervalMs?: number; onEvent?: (e: RunnerEvent) => void } = {}) {
    this.deps = deps;
    this.intervalMs = options.intervalMs ?? 60_000;
    this.onEvent = options.onEvent ?? (() => {});
  }

  start(): void {
    if (this.timer || this.abort.signal.aborted) return;
    this.schedule(2_000);
  }

  private schedule(ms: number): void {
    if (this.abort.signal.aborted) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.current = this.tick().finally(() => {
        this.current = null;
        this.schedule(this.intervalMs);
      });
    }, ms);
    // The runner never keeps a process alive on its own.
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    // Nothing to do until an admin set a store; the master key is needed for its secret.
    if (!this.deps.ready() || !this.deps.replica().config()) return;
    try {
      const result = await this.deps.replica().run({ actor: 'system', signal: this.abort.signal });
      if (result.stored || result.extended || result.error || result.failed) this.onEvent({ type: 'ran', result });
    } catch (e) {
      // Another process (a `station replica run`) is at it: its turn, not an error.
      if (isStationError(e) && e.code === 'replica.busy') return;
      this.onEvent(isStationError(e) ? { type: 'error', code: e.code, params: e.params } : { type: 'error', code: 'api.internal', params: { detail: String(e) } });
    }
  }

  /** Stops after the part being sent; the journal lets the next start continue from there. */
  async stop(): Promise<void> {
    this.abort.abort();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.current;
  }
}
