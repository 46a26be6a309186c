// Per-recorder progress for the Dock screen: files and bytes done, speed, time left. Speed is a
// moving average so one slow file (a FUSE hiccup) does not make the estimate jump about.

import type { ProgressSnapshot } from '../../shared/events.ts';
export type { ProgressSnapshot };

export class ProgressTracker {
  private filesDone = 0;
  private bytesFinished = 0;
  // Files being read or still being stored now (a session keeps up to three open, two of them reading) and the bytes
  // read of each.
  private readonly current = new Map<number, { path: string; bytes: number }>();
  private speed = 0;
  private lastSampleAt: number;
  private lastSampleBytes = 0;
  private lastEmitAt = -Infinity;
  private readonly filesTotal: number;
  private readonly bytesTotal: number;
  private readonly now: () => number;
  private readonly intervalMs: number;

  constructor(options: { filesTotal: number; bytesTotal: number; now?: () => number; intervalMs?: number }) {
    this.filesTotal = options.filesTotal;
    this.bytesTotal = options.bytesTotal;
    this.now = options.now ?? (() => performance.now());
    this.intervalMs = options.intervalMs ?? 250;
    this.lastSampleAt = this.now();
  }

  startFile(seq: number, path: string): void {
    this.current.set(seq, { path, bytes: 0 });
  }

  /** Bytes of file `seq` read so far. */
  fileBytes(seq: number, n: number): void {
    const f = this.current.get(seq);
    if (f) f.bytes = n;
  }

  finishFile(seq: number, size: number): void {
    this.filesDone++;
    this.bytesFinished += size;
    this.current.delete(seq);
  }

  get bytesDone(): number {
    let reading = 0;
    for (const f of this.current.values()) reading += f.bytes;
    return Math.min(this.bytesTotal, this.bytesFinished + reading);
  }

  /** The file started last among those still being read. */
  private get currentPath(): string | null {
    let path: string | null = null;
    for (const f of this.current.values()) path = f.path;
    return path;
  }

  private sample(): void {
    const t = this.now();
    const dt = (t - this.lastSampleAt) / 1000;
    if (dt < 0.05) return;
    const done = this.bytesDone;
    const instant = Math.max(0, done - this.lastSampleBytes) / dt;
    // About a 2-second time constant.
    const alpha = Math.min(1, dt / 2);
    this.speed = this.speed === 0 ? instant : this.speed + alpha * (instant - this.speed);
    this.lastSampleAt = t;
    this.lastSampleBytes = done;
  }

  snapshot(): ProgressSnapshot {
    this.sample();
    const left = this.bytesTotal - this.bytesDone;
    return {
      filesDone: this.filesDone,
      filesTotal: this.filesTotal,
      bytesDone: this.bytesDone,
      bytesTotal: this.bytesTotal,
      bytesPerSecond: Math.round(this.speed),
      etaSeconds: this.speed > 0 ? Math.ceil(left / this.speed) : left === 0 ? 0 : null,
      currentPath: this.currentPath,
      reading: [...this.current.values()].map((f) => ({ path: f.path, bytes: f.bytes })),
    };
  }

  /** True when an event is due (throttled), or always when `force`. */
  due(force = false): boolean {
    const t = this.now();
    if (!force && t - this.lastEmitAt < this.intervalMs) return false;
    this.lastEmitAt = t;
    return true;
  }
}
