// Every watcher here works the same way underneath: take a keyed snapshot of what is present, take
// another when something may have changed (a timer, a file-system event, a hot-plug event), and
// report the difference. Scans never overlap — a trigger during a scan queues exactly one more —
// so a burst of events costs two scans, and an add is never reported twice.
import { callListener, errorText } from './report.ts';
import type { Reporter } from './report.ts';

export type Keyed<T> = Map<string, T>;

export function diffSnapshots<T>(before: Keyed<T>, after: Keyed<T>): { added: T[]; removed: T[] } {
  const added: T[] = [];
  const removed: T[] = [];
  for (const [k, v] of after) if (!before.has(k)) added.push(v);
  for (const [k, v] of before) if (!after.has(k)) removed.push(v);
  return { added, removed };
}

export type SnapshotWatchOptions<T> = {
  scan: () => Promise<Keyed<T>>;
  /** The snapshot the caller already holds; changes are reported relative to it. */
  initial: Keyed<T>;
  /** Periodic rescan; 0 disables the timer (the caller triggers scans itself). */
  intervalMs: number;
  onAdded: (item: T) => void;
  onRemoved: (item: T) => void;
  report: Reporter;
  /** Report code used when a scan fails (the watcher keeps going with the last good snapshot). */
  scanFailedCode: string;
};

export type SnapshotWatch = {
  /** Asks for a rescan soon; cheap to call often. */
  trigger(): void;
  stop(): Promise<void>;
};

export function startSnapshotWatch<T>(options: SnapshotWatchOptions<T>): SnapshotWatch {
  let current = options.initial;
  let running: Promise<void> | null = null;
  let pending = false;
  let stopped = false;
  let lastFailure: string | null = null;

  const runOnce = async (): Promise<void> => {
    let next: Keyed<T>;
    try {
      next = await options.scan();
    } catch (e) {
      const reason = errorText(e);
      // A persistent failure would otherwise be reported every second.
      if (reason !== lastFailure) options.report({ level: 'warn', code: options.scanFailedCode, params: { reason } });
      lastFailure = reason;
      return;
    }
    lastFailure = null;
    if (stopped) return;
    const { added, removed } = diffSnapshots(current, next);
    current = next;
    for (const item of removed) callListener(options.report, 'removed', () => options.onRemoved(item));
    for (const item of added) callListener(options.report, 'added', () => options.onAdded(item));
  };

  const loop = async (): Promise<void> => {
    do {
      pending = false;
      await runOnce();
    } while (pending && !stopped);
    running = null;
  };

  const trigger = (): void => {
    if (stopped) return;
    if (running) {
      pending = true;
      return;
    }
    running = loop();
  };

  const timer = options.intervalMs > 0 ? setInterval(trigger, options.intervalMs) : null;
  // A station process should exit when its work is done, not be held open by a poll timer.
  timer?.unref();

  return {
    trigger,
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      if (running) await running;
    },
  };
}
